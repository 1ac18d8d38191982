// graph_ops.cu — the pointwise ops graph plans add to the chain's (dev.mcdrop.backend.Backend):
//   epilogue: x[c][n][i] = mask(act(x*channelScale[c] + bias[c] + residual[c][n][i])) in place, every
//             part optional (a null pointer skips it; masked = 0 skips the mask). Backend#epilogue.
//   binary:   out[c][n][i] = a[c*as.c + n*as.n + i*as.i] op b[...] with broadcast strides (0 repeats
//             an operand along an axis); out may be a dense a or b (each thread reads its own
//             element before writing it). Backend#binary, ONNX Add / Sub / Mul.
// act follows Activation.Kind's order: 0 identity, 1 ReLU (Math.max(v, 0f)), 2 leaky ReLU (slope
// alpha below 0), 3 clip to [alpha, beta], 4 sigmoid, 5 tanh, 6 GELU with the exact erf (written
// with erfcf, x/2*erfc(-x/sqrt 2), as the float64 reference does: accurate in the negative tail
// where 1 + erf(x) cancels). Float operations are __fmul_rn/__fadd_rn: no FMA contraction, so
// scale-then-bias rounds twice, as the CPU's float code does. Masks as bias_activation.cu's
// bias_act_dropout (philox.cuh): a masked thread owns one (column, Philox block), keep iff
// word >= threshold, kept values times the mask's float scale; bit-identical to DropoutMask.
#include "index.cuh"
#include "philox.cuh"

__device__ __forceinline__ float activate(float v, int act, float alpha, float beta) {
    switch (act) {
        case 1: return v <= 0.f ? 0.f : v;                          // Math.max(v, 0f): NaN stays NaN, -0 -> +0
        case 2: return v >= 0.f ? v : __fmul_rn(alpha, v);
        case 3: return v < alpha ? alpha : v > beta ? beta : v;     // NaN stays NaN
        case 4: return 1.f / (1.f + expf(-v));
        case 5: return tanhf(v);
        case 6: return __fmul_rn(__fmul_rn(v, 0.5f), erfcf(__fmul_rn(-v, 0.70710678118654752f)));
        default: return v;
    }
}

// The value before the mask of element idx (channel c) of x.
template <typename I>
__device__ __forceinline__ float epilogue_value(const float* x, const float* channelScale, const float* bias, const float* residual,
                                                I idx, I c, int act, float alpha, float beta) {
    float y = x[idx];
    if (channelScale) y = __fmul_rn(y, channelScale[c]);
    if (bias) y = __fadd_rn(y, bias[c]);
    if (residual) y = __fadd_rn(y, residual[idx]);
    return activate(y, act, alpha, beta);
}

template <typename I>
__device__ __forceinline__ void epilogue_plain(float* x, const float* channelScale, const float* bias, const float* residual,
                                               int channels, I perChannel, int act, float alpha, float beta) {
    I total = (I)channels * perChannel;
    for (I idx = blockIdx.x * (I)blockDim.x + threadIdx.x; idx < total; idx += (I)gridDim.x * blockDim.x)
        x[idx] = epilogue_value<I>(x, channelScale, bias, residual, idx, idx / perChannel, act, alpha, beta);
}

// Thread t -> column n = t / blocks, Philox block q = t % blocks (blocks = 8*ceil(channels*plane / 32)),
// as bias_act_dropout: elements e = 32*(q>>3) + (q&7) + 8j of the column's image, e = c*plane + i.
template <typename I>
__device__ __forceinline__ void epilogue_masked(float* x, const float* channelScale, const float* bias, const float* residual,
                                                int channels, I columns, I plane, int act, float alpha, float beta,
                                                u64 seed, u32 layer, u32 threshold, float scale, int perChannel,
                                                u64 firstPair, u32 batchImages, u64 imageBase, const u32* imageKeys) {
    I elements = (I)channels * plane;
    I blocks = ((elements + 31) >> 5) << 3;
    I total = blocks * columns;
    u64 s0 = firstPair / batchImages;
    u32 r0 = (u32)(firstPair % batchImages);
    for (I t = blockIdx.x * (I)blockDim.x + threadIdx.x; t < total; t += (I)gridDim.x * blockDim.x) {
        I n = t / blocks, q = t - n * blocks;
        u64 sample, image;
        u32 b;
        column_pair_split(s0, r0, batchImages, imageBase, (u32)n, &sample, &image, &b);
        image = mask_image(imageKeys, image, b);
        u32 words[4];
        const bool draw = threshold != 0;  // p = 0: every word passes, none is drawn
        if (draw && !perChannel) mask_words(seed, sample, image, layer, (u64)q, words);
        MaskCache mc;
        mask_cache_init(&mc);
        I e0 = (I)mask_first_element((u64)q);
#pragma unroll
        for (int j = 0; j < 4; j++) {
            I e = e0 + 8 * j;
            if (e >= elements) break;
            I c = e / plane, i = e - c * plane;
            I idx = (c * columns + n) * plane + i;
            float v = epilogue_value<I>(x, channelScale, bias, residual, idx, c, act, alpha, beta);
            u32 w = !draw ? 0u : perChannel ? cached_word(&mc, (u64)c, seed, sample, image, layer) : words[j];
            x[idx] = mask_keep(w, threshold) ? __fmul_rn(v, scale) : 0.f;
        }
    }
}

// x, residual: [channels][columns][plane]; channelScale, bias: [channels]; scale: the mask's keep scale.
// Launch: grid-stride over channels*columns*plane elements, or with masked over
// columns * 8*ceil(channels*plane / 32) Philox blocks.
extern "C" __global__ void epilogue(float* x, const float* channelScale, const float* bias, const float* residual, int channels,
                                    long long columns, long long plane, int act, float alpha, float beta, int masked,
                                    unsigned long long seed, unsigned int layer, unsigned int threshold, float scale,
                                    int perChannel, unsigned long long firstPair, unsigned int batchImages,
                                    unsigned long long imageBase, const unsigned int* imageKeys) {
    long long n = columns > (long long)batchImages ? columns : (long long)batchImages;
    bool fits = MCDROP_FITS32((long long)channels * n * plane + 4);
    if (!masked) {
        if (fits) epilogue_plain<unsigned int>(x, channelScale, bias, residual, channels, (unsigned int)(columns * plane), act, alpha, beta);
        else epilogue_plain<long long>(x, channelScale, bias, residual, channels, columns * plane, act, alpha, beta);
    } else if (fits) {
        epilogue_masked<unsigned int>(x, channelScale, bias, residual, channels, (unsigned int)columns, (unsigned int)plane, act, alpha,
                                      beta, seed, layer, threshold, scale, perChannel, firstPair, batchImages, imageBase,
                                      imageKeys);
    } else {
        epilogue_masked<long long>(x, channelScale, bias, residual, channels, columns, plane, act, alpha, beta, seed, layer, threshold,
                                   scale, perChannel, firstPair, batchImages, imageBase, imageKeys);
    }
}

template <typename I>
__device__ __forceinline__ void binary_body(const float* a, const float* b, float* out, int op, int channels, I columns, I plane,
                                            long long ac, long long an, long long ai, long long bc, long long bn, long long bi) {
    I perChannel = columns * plane, total = (I)channels * perChannel;
    for (I idx = blockIdx.x * (I)blockDim.x + threadIdx.x; idx < total; idx += (I)gridDim.x * blockDim.x) {
        I c = idx / perChannel, r = idx - c * perChannel, n = r / plane, i = r - n * plane;
        float x = a[(long long)c * ac + (long long)n * an + (long long)i * ai];
        float y = b[(long long)c * bc + (long long)n * bn + (long long)i * bi];
        out[idx] = op == 0 ? __fadd_rn(x, y) : op == 1 ? __fsub_rn(x, y) : __fmul_rn(x, y);
    }
}

// op follows BinaryOp's order: 0 add, 1 sub, 2 mul. (ac, an, ai), (bc, bn, bi): the operands' element
// strides per channel, column and plane position (Broadcast). Launch: grid-stride over the output.
extern "C" __global__ void binary(const float* a, const float* b, float* out, int op, int channels, long long columns,
                                  long long plane, long long ac, long long an, long long ai, long long bc, long long bn,
                                  long long bi) {
    if (MCDROP_FITS32((long long)channels * columns * plane))
        binary_body<unsigned int>(a, b, out, op, channels, (unsigned int)columns, (unsigned int)plane, ac, an, ai, bc, bn, bi);
    else
        binary_body<long long>(a, b, out, op, channels, columns, plane, ac, an, ai, bc, bn, bi);
}
