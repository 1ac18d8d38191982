/* kernel_table.h — the one list of native-kernels entry points for the CPU emulations of the kernels:
 * kernel_emulator.cpp (KernelEmulation32Test/64Test) and fake_cuda/fakecuda.cpp (FakeDriverTest).
 * A new kernel must be added here (and to KernelSignatures.java, which KernelSignaturesTest checks
 * against the PTX).
 *
 * MCDROP_KERNELS(X) calls X(op, name, types, call) once per kernel:
 *   op/name  as in KernelSignatures ("gemm/sgemm_nn": the PTX module and its .entry)
 *   types    parameter types in KernelArgs' letters: p pointer, l 64-bit, i 32-bit, f float
 *            (fakecuda.cpp checks them against the .param list of the PTX it is handed)
 *   call     the kernel called with its arguments read by P(k) (float*), I(k) (int),
 *            L(k) (long long) and F(k) (float), which the including file defines. */
#pragma once

#define MCDROP_KERNELS(X)                                                                                              \
    X(im2col, im2col, "ppiiiiiiiiil", im2col(P(0), P(1), I(2), I(3), I(4), I(5), I(6), I(7), I(8), I(9), I(10), L(11))) \
    X(im2col, flatten, "ppill", flatten(P(0), P(1), I(2), L(3), L(4)))                                                 \
    X(im2col, im2col_half, "ppiiiiiiiiili",                                                                            \
      im2col_half(P(0), (unsigned short*)P(1), I(2), I(3), I(4), I(5), I(6), I(7), I(8), I(9), I(10), L(11), I(12)))    \
    X(im2col, to_half, "ppliii", to_half(P(0), (unsigned short*)P(1), L(2), I(3), I(4), I(5)))                        \
    X(bias_activation, bias_act, "ppilli", bias_act(P(0), P(1), I(2), L(3), L(4), I(5)))                               \
    X(bias_activation, bias_act_dropout, "ppillilii" "fili" "l",                                                       \
      bias_act_dropout(P(0), P(1), I(2), L(3), L(4), I(5), L(6), I(7), I(8), F(9), I(10), L(11), I(12), L(13)))        \
    X(bias_activation, expand_dropout, "ppilllii" "fili" "l",                                                          \
      expand_dropout(P(0), P(1), I(2), L(3), L(4), L(5), I(6), I(7), F(8), I(9), L(10), I(11), L(12)))                 \
    X(bias_activation, expand_dropout_pool, "ppiliiiiiiil" "iifilil",                                                 \
      expand_dropout_pool(P(0), P(1), I(2), L(3), I(4), I(5), I(6), I(7), I(8), I(9), I(10), L(11), I(12), I(13),       \
                          F(14), I(15), L(16), I(17), L(18)))                                                          \
    X(bias_activation, bias_act_pool, "pppiliiiiiiiiil" "iifilil",                                                 \
      bias_act_pool(P(0), P(1), P(2), I(3), L(4), I(5), I(6), I(7), I(8), I(9), I(10), I(11), I(12), I(13), L(14),      \
                    I(15), I(16), F(17), I(18), L(19), I(20), L(21)))                                                  \
    X(pool, max_pool, "ppliiiiii", max_pool(P(0), P(1), L(2), I(3), I(4), I(5), I(6), I(7), I(8)))                     \
    X(pool, avg_pool, "ppliiiiii", avg_pool(P(0), P(1), L(2), I(3), I(4), I(5), I(6), I(7), I(8)))                     \
    X(softmax, softmax_columns, "ppil", softmax_columns(P(0), P(1), I(2), L(3)))                                       \
    X(mc_reduce, mc_accumulate, "ppilli", mc_accumulate(P(0), P(1), I(2), L(3), L(4), I(5)))                           \
    X(gemm, sgemm_nn, "iiippfp", sgemm_nn(I(0), I(1), I(2), P(3), P(4), F(5), P(6)))                                   \
    X(gemm, sgemm_nt, "iiippfp", sgemm_nt(I(0), I(1), I(2), P(3), P(4), F(5), P(6)))                                   \
    X(gemm, sgemm_tn, "iiippfp", sgemm_tn(I(0), I(1), I(2), P(3), P(4), F(5), P(6)))                                   \
    X(gemm, sgemm_tt, "iiippfp", sgemm_tt(I(0), I(1), I(2), P(3), P(4), F(5), P(6)))                                   \
    X(conv2d, conv2d_implicit, "pppiiiiiiiiiil",                                                                       \
      conv2d_implicit(P(0), P(1), P(2), I(3), I(4), I(5), I(6), I(7), I(8), I(9), I(10), I(11), I(12), L(13)))        \
    X(conv2d, conv2d_implicit_f16, "pppiiiiiiiiiiil",                                                                 \
      conv2d_implicit_f16(P(0), (const unsigned short*)P(1), P(2), I(3), I(4), I(5), I(6), I(7), I(8), I(9), I(10),    \
                          I(11), I(12), I(13), L(14)))
