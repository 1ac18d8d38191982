package dev.mcdrop.cuda;

import java.util.Map;

/**
 * Parameter types of every kernel in native-kernels/, in {@link KernelArgs}'s letters ('p'
 * pointer, 'l' 64-bit, 'i' 32-bit, 'f' float). The launchers build their argument blocks from
 * this table, and KernelSignaturesTest checks it against the .entry declarations of the shipped
 * PTX, so a Java/CUDA signature mismatch fails without a GPU.
 */
final class KernelSignatures {
    private KernelSignatures() {}

    static final Map<String, String> ALL = Map.ofEntries(
            Map.entry("im2col/im2col", "ppiiiiiiiiil"),
            Map.entry("im2col/flatten", "ppill"),
            Map.entry("im2col/im2col_half", "ppiiiiiiiiili"),
            Map.entry("im2col/to_half", "ppliii"),
            Map.entry("bias_activation/bias_act", "ppilli"),
            Map.entry("bias_activation/bias_act_dropout", "ppillilii" + "fili" + "l"),
            Map.entry("bias_activation/expand_dropout", "ppilllii" + "fili" + "l"),
            Map.entry("bias_activation/expand_dropout_pool", "ppiliiiiiiil" + "iifilil"),
            Map.entry("bias_activation/bias_act_pool", "pppiliiiiiiiiil" + "iifilil"),
            Map.entry("pool/max_pool", "ppliiiiii"),
            Map.entry("pool/avg_pool", "ppliiiiii"),
            Map.entry("softmax/softmax_columns", "ppil"),
            Map.entry("mc_reduce/mc_accumulate", "ppilli"),
            Map.entry("gemm/sgemm_nn", "iiippfp"),
            Map.entry("gemm/sgemm_nt", "iiippfp"),
            Map.entry("gemm/sgemm_tn", "iiippfp"),
            Map.entry("gemm/sgemm_tt", "iiippfp"),
            Map.entry("conv2d/conv2d_implicit", "ppp" + "iiiiiiiiii" + "l"),
            Map.entry("conv2d/conv2d_implicit_f16", "ppp" + "iiiiiiiiiii" + "l"));

    /** A fresh argument block for kernel {@code op/name}. */
    static KernelArgs args(String opAndName) {
        String types = ALL.get(opAndName);
        if (types == null) throw new IllegalArgumentException("unknown kernel " + opAndName);
        return new KernelArgs(types);
    }
}
