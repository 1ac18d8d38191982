// bias_activation.cu — the pointwise ops of a CNHW activation, fused so each is one pass:
//   bias_act:          x[c][n][i] = act(x + bias[c])                      (no dropout)
//   bias_act_dropout:  x[c][n][i] = keep ? act(x + bias[c]) * scale : 0  (MC dropout layer)
//   expand_dropout:    dst[c][n][i] = keep ? src[c][b(n)][i] * scale : 0 (first dropout of an MC
//                      run: replicates the deterministic prefix [c][B][i] into T samples)
// Masks come from philox.cuh, bit-identical to dev.mcdrop.rng.DropoutMask. One Philox block
// yields 4 words = 4 consecutive elements e = c*plane + i of one image, so a masked thread owns
// one (column n, element group g = e>>2) and computes one block (two at most per-channel, where the
// key is the channel c instead of e). act: 0 = identity, 1 = ReLU (Java's Math.max(x, 0f)).
#include "philox.cuh"

__device__ __forceinline__ float apply_act(float v, int relu) {
    // Math.max(v, 0f): NaN stays NaN, -0 becomes +0.
    return relu ? (v <= 0.f ? 0.f : v) : v;
}

// x: [channels][columns][plane], bias: [channels]. No dropout. Index math in unsigned 32-bit when
// it fits (64-bit division is slow on GPUs), else 64-bit; the branch is uniform over the grid.
template <typename I>
__device__ __forceinline__ void bias_act_body(float* x, const float* bias, int channels, I perChannel, int relu) {
    I total = (I)channels * perChannel;
    for (I idx = blockIdx.x * (I)blockDim.x + threadIdx.x; idx < total; idx += (I)gridDim.x * blockDim.x) {
        I c = idx / perChannel;
        x[idx] = apply_act(x[idx] + bias[c], relu);
    }
}

extern "C" __global__ void bias_act(float* x, const float* bias, int channels, long long columns,
                                    long long plane, int relu) {
    long long perChannel = columns * plane;
    if ((long long)channels * perChannel < 0x80000000LL)
        bias_act_body<unsigned int>(x, bias, channels, (unsigned int)perChannel, relu);
    else
        bias_act_body<long long>(x, bias, channels, perChannel, relu);
}

// x: [channels][columns][plane] in place. Thread t -> column n = t / groups, group g = t % groups,
// groups = ceil(channels*plane / 4): a warp writes 128 nearly contiguous floats.
extern "C" __global__ void bias_act_dropout(float* x, const float* bias, int channels, long long columns,
                                            long long plane, int relu, unsigned long long seed,
                                            unsigned int layer, unsigned int threshold, float scale,
                                            int perChannel, unsigned long long firstPair,
                                            unsigned int batchImages, unsigned long long imageBase) {
    u64 elements = (u64)channels * (u64)plane;
    u64 groups = (elements + 3) >> 2;
    u64 total = groups * (u64)columns;
    for (u64 t = blockIdx.x * (u64)blockDim.x + threadIdx.x; t < total; t += (u64)gridDim.x * blockDim.x) {
        u64 n = t / groups, g = t % groups;
        u64 sample, image;
        column_pair(firstPair, batchImages, imageBase, n, &sample, &image);
        MaskCache mc;
        mask_cache_init(&mc);
        u64 c = (4 * g) / (u64)plane, i = (4 * g) % (u64)plane;  // one division per thread
#pragma unroll
        for (int j = 0; j < 4; j++, i++) {
            u64 e = 4 * g + j;
            if (e >= elements) break;
            if (i == (u64)plane) { i = 0; c++; }
            u64 idx = (c * (u64)columns + n) * (u64)plane + i;
            float v = apply_act(x[idx] + bias[c], relu);
            u32 w = cached_word(&mc, perChannel ? c : e, seed, sample, image, layer);
            x[idx] = mask_keep(w, threshold) ? v * scale : 0.f;
        }
    }
}

// src: [channels][batchImages][plane], dst: [channels][columns][plane], b(n) = (firstPair+n) % B.
extern "C" __global__ void expand_dropout(const float* src, float* dst, int channels, long long columns,
                                          long long plane, unsigned long long seed, unsigned int layer,
                                          unsigned int threshold, float scale, int perChannel,
                                          unsigned long long firstPair, unsigned int batchImages,
                                          unsigned long long imageBase) {
    u64 elements = (u64)channels * (u64)plane;
    u64 groups = (elements + 3) >> 2;
    u64 total = groups * (u64)columns;
    for (u64 t = blockIdx.x * (u64)blockDim.x + threadIdx.x; t < total; t += (u64)gridDim.x * blockDim.x) {
        u64 n = t / groups, g = t % groups;
        u64 sample, image;
        column_pair(firstPair, batchImages, imageBase, n, &sample, &image);
        u64 b = (firstPair + n) % batchImages;
        MaskCache mc;
        mask_cache_init(&mc);
        u64 c = (4 * g) / (u64)plane, i = (4 * g) % (u64)plane;
#pragma unroll
        for (int j = 0; j < 4; j++, i++) {
            u64 e = 4 * g + j;
            if (e >= elements) break;
            if (i == (u64)plane) { i = 0; c++; }
            float v = src[(c * batchImages + b) * (u64)plane + i];
            u32 w = cached_word(&mc, perChannel ? c : e, seed, sample, image, layer);
            dst[(c * (u64)columns + n) * (u64)plane + i] = mask_keep(w, threshold) ? v * scale : 0.f;
        }
    }
}
