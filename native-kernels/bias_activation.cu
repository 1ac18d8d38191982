// bias_activation.cu — the pointwise ops of a CNHW activation, fused so each is one pass:
//   bias_act:          x[c][n][i] = act(x + bias[c])                      (no dropout)
//   bias_act_dropout:  x[c][n][i] = keep ? act(x + bias[c]) * scale : 0  (MC dropout layer)
//   expand_dropout:    dst[c][n][i] = keep ? src[c][b(n)][i] * scale : 0 (first dropout of an MC
//                      run: replicates the deterministic prefix [c][B][i] into T samples)
//   expand_dropout_pool: expand_dropout then max/avg pooling of each plane, the masked plane kept
//                      in shared memory (LeNet: conv1 -> dropout -> pool), same bits as the two
//   bias_act_pool:     bias_act(_dropout) then pooling the same way (LeNet: conv2 -> dropout -> pool)
// Masks come from philox.cuh, bit-identical to dev.mcdrop.rng.DropoutMask. Philox block q of an
// image yields the words of elements e = 32*(q>>3) + (q&7) + 8*j, j = 0..3 (e = c*plane + i), so a
// masked thread owns one (column n, block q) and computes one block; per-channel dropout keys by
// the channel instead (through a one-block cache). act: 0 = identity, 1 = ReLU (Math.max(x, 0f)).
// An image's counter word is imageKeys[b] when the launcher passes a key table, else its position
// imageBase + b (mask_image in philox.cuh).
#include "index.cuh"
#include "philox.cuh"

__device__ __forceinline__ float apply_act(float v, int relu) {
    // Math.max(v, 0f): NaN stays NaN, -0 becomes +0.
    return relu ? (v <= 0.f ? 0.f : v) : v;
}

// x: [channels][columns][plane], bias: [channels]. No dropout. Index math in unsigned 32-bit when
// it fits, else 64-bit (index.cuh).
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
    if (MCDROP_FITS32((long long)channels * perChannel))
        bias_act_body<unsigned int>(x, bias, channels, (unsigned int)perChannel, relu);
    else
        bias_act_body<long long>(x, bias, channels, perChannel, relu);
}

// One masked thread: column n, Philox block q (elements 32*(q>>3) + (q&7) + 8*j of one image).
// Eight neighbouring threads write 8 contiguous floats per j. EXPAND: read src[c][b(n)][i] instead
// of act(x + bias[c]) in place. Index math in I (unsigned 32-bit when it fits, else 64-bit).
template <typename I, bool EXPAND>
__device__ __forceinline__ void dropout_body(const float* src, float* x, const float* bias, int channels,
                                             I columns, I plane, int relu, u64 seed, u32 layer, u32 threshold,
                                             float scale, int perChannel, u64 firstPair, u32 batchImages,
                                             u64 imageBase, const u32* imageKeys) {
    I elements = (I)channels * plane;
    I blocks = ((elements + 31) >> 5) << 3;    // 8 blocks per group of 32 elements
    I total = blocks * columns;
    u64 s0 = firstPair / batchImages;          // once per thread, not per element
    u32 r0 = (u32)(firstPair % batchImages);
    for (I t = blockIdx.x * (I)blockDim.x + threadIdx.x; t < total; t += (I)gridDim.x * blockDim.x) {
        I n = t / blocks, q = t - n * blocks;
        u64 sample, image;
        u32 b;
        column_pair_split(s0, r0, batchImages, imageBase, (u32)n, &sample, &image, &b);
        image = mask_image(imageKeys, image, b);
        u32 words[4];
        const bool draw = threshold != 0;  // p = 0 (the standard pass): every word passes, none is drawn
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
            float v = EXPAND ? src[(c * (I)batchImages + b) * plane + i] : apply_act(x[idx] + bias[c], relu);
            u32 w = !draw ? 0u : perChannel ? cached_word(&mc, (u64)c, seed, sample, image, layer) : words[j];
            x[idx] = mask_keep(w, threshold) ? v * scale : 0.f;
        }
    }
}

// True when all indices of a [channels][n][plane] tensor (n = max(columns, batchImages)) fit in 31 bits.
__device__ __forceinline__ bool fits32(int channels, long long columns, long long plane, unsigned int batchImages) {
    long long n = columns > (long long)batchImages ? columns : (long long)batchImages;
    return MCDROP_FITS32((long long)channels * n * plane + 4);
}

// x: [channels][columns][plane] in place: x = keep ? act(x + bias[c]) * scale : 0.
// Thread t -> column n = t / blocks, Philox block q = t % blocks, blocks = 8*ceil(channels*plane / 32):
// a warp writes 4 runs of 32 contiguous floats.
extern "C" __global__ void bias_act_dropout(float* x, const float* bias, int channels, long long columns,
                                            long long plane, int relu, unsigned long long seed,
                                            unsigned int layer, unsigned int threshold, float scale,
                                            int perChannel, unsigned long long firstPair,
                                            unsigned int batchImages, unsigned long long imageBase,
                                            const unsigned int* imageKeys) {
    if (fits32(channels, columns, plane, batchImages))
        dropout_body<unsigned int, false>(nullptr, x, bias, channels, (unsigned int)columns, (unsigned int)plane, relu,
                                          seed, layer, threshold, scale, perChannel, firstPair, batchImages, imageBase,
                                          imageKeys);
    else
        dropout_body<long long, false>(nullptr, x, bias, channels, columns, plane, relu,
                                       seed, layer, threshold, scale, perChannel, firstPair, batchImages, imageBase,
                                       imageKeys);
}

// src: [channels][batchImages][plane], dst: [channels][columns][plane], b(n) = (firstPair+n) % B.
extern "C" __global__ void expand_dropout(const float* src, float* dst, int channels, long long columns,
                                          long long plane, unsigned long long seed, unsigned int layer,
                                          unsigned int threshold, float scale, int perChannel,
                                          unsigned long long firstPair, unsigned int batchImages,
                                          unsigned long long imageBase, const unsigned int* imageKeys) {
    if (fits32(channels, columns, plane, batchImages))
        dropout_body<unsigned int, true>(src, dst, nullptr, channels, (unsigned int)columns, (unsigned int)plane, 0,
                                         seed, layer, threshold, scale, perChannel, firstPair, batchImages, imageBase,
                                         imageKeys);
    else
        dropout_body<long long, true>(src, dst, nullptr, channels, columns, plane, 0,
                                      seed, layer, threshold, scale, perChannel, firstPair, batchImages, imageBase,
                                      imageKeys);
}

// Largest plane the fused pooling kernels hold in shared memory (16 KB); CudaBackend runs the two
// kernels for larger ones. Keep equal to BiasActivationKernels.FUSED_POOL_MAX_PLANE.
#define MCDROP_FUSED_PLANE 4096

// Planes one block holds at most (small planes, like conv2's 8x8, would otherwise leave a block
// with almost nothing to do while its shared memory keeps other blocks off the SM).
#define MCDROP_FUSED_PLANES_MAX 32

// Planes per block for planes of `plane` elements: as many as fit, at most MCDROP_FUSED_PLANES_MAX.
// BiasActivationKernels.planesPerBlock computes the same to size the grid.
__device__ __forceinline__ int fused_planes_per_block(int plane) {
    int p = MCDROP_FUSED_PLANE / plane;
    return p < MCDROP_FUSED_PLANES_MAX ? p : MCDROP_FUSED_PLANES_MAX;
}

// Blocks take tiles of P consecutive plane items (item = c*columns + n; grid-stride over tiles), any
// blockDim <= 256: the threads build the tile's planes in shared memory, then pool them exactly as
// pool.cu does (max from -inf with fmaxf; average summed row-major, divided by kernel^2). EXPAND: a
// plane is src[c][b(n)] masked (the first dropout: src is [channels][batchImages][h*w]); else it is
// act(x[c][n] + bias[c]), masked when `masked` (a conv's bias, activation and dropout). Masks: one
// task per (plane, Philox block covering elements [c*plane, (c+1)*plane) of the image; a boundary
// block is also drawn for the neighbouring channel); per-channel masks: one keep flag per plane.
// Same values, same order as expand_dropout / bias_act(_dropout) followed by max_pool / avg_pool.
template <bool EXPAND>
__device__ __forceinline__ void masked_pool_body(const float* src, const float* bias, float* dst, int channels,
                                                 long long columns, int h, int w, int kernel, int stride, int oh, int ow,
                                                 int isMax, int relu, int masked, u64 seed, u32 layer, u32 threshold,
                                                 float scale, int perChannel, u64 firstPair, u32 batchImages,
                                                 u64 imageBase, const u32* imageKeys) {
    __shared__ float planes_[MCDROP_FUSED_PLANE];
    // per plane of the tile, worked out once (the divisions by columns and batchImages) for all its tasks
    __shared__ long long base_[MCDROP_FUSED_PLANES_MAX];  // the plane's first input element in src
    __shared__ u64 sample_[MCDROP_FUSED_PLANES_MAX], image_[MCDROP_FUSED_PLANES_MAX];
    __shared__ int chan_[MCDROP_FUSED_PLANES_MAX], keep_[MCDROP_FUSED_PLANES_MAX];
    const int plane = h * w, outPlane = oh * ow;
    if (plane > MCDROP_FUSED_PLANE) __trap();  // launchers check; never write past planes_[]
    const float area = (float)(kernel * kernel);
    const u64 s0 = firstPair / batchImages;
    const u32 r0 = (u32)(firstPair % batchImages);
    const long long items = (long long)channels * columns;
    const int P = fused_planes_per_block(plane);
    const int maxBlocks = 8 * (plane / 32 + 2);  // Philox blocks covering one plane, at most
    const long long tiles = (items + P - 1) / P;
    // one keep flag per plane for per-channel masks, and for p = 0 (the standard pass: every word
    // passes, so none is drawn; keep = 1 gives the same v * scale)
    const bool perPlane = masked && (perChannel || threshold == 0);
    for (long long tile = blockIdx.x; tile < tiles; tile += gridDim.x) {
        const long long item0 = tile * P;
        const int count = (int)(items - item0 < P ? items - item0 : P);
        for (int p = threadIdx.x; p < count; p += blockDim.x) {
            long long item = item0 + p, c = item / columns, n = item - c * columns;
            u64 sample, image;
            u32 b;
            column_pair_split(s0, r0, batchImages, imageBase, (u32)n, &sample, &image, &b);
            image = mask_image(imageKeys, image, b);
            chan_[p] = (int)c;
            base_[p] = EXPAND ? ((long long)c * batchImages + b) * plane : item * plane;
            sample_[p] = sample;
            image_[p] = image;
            int keep = 1;
            if (perPlane && threshold != 0) {
                MaskCache mc;
                mask_cache_init(&mc);
                keep = mask_keep(cached_word(&mc, (u64)c, seed, sample, image, layer), threshold);
            }
            keep_[p] = keep;
        }
        __syncthreads();
        if (!masked || perPlane) {
            for (int t = threadIdx.x; t < count * plane; t += blockDim.x) {
                int p = t / plane, i = t - p * plane;
                float v = EXPAND ? src[base_[p] + i] : apply_act(src[base_[p] + i] + bias[chan_[p]], relu);
                planes_[p * plane + i] = !masked ? v : keep_[p] ? v * scale : 0.f;
            }
        } else {
            for (int t = threadIdx.x; t < count * maxBlocks; t += blockDim.x) {
                int p = t / maxBlocks, k = t - p * maxBlocks;
                const int c = chan_[p];
                const long long e0 = (long long)c * plane;  // the plane's first element in the image's feature map
                const u64 g0 = (u64)e0 >> 5, g1 = (u64)(e0 + plane - 1) >> 5;
                if (k >= (int)((g1 - g0 + 1) << 3)) continue;
                const float* in = src + base_[p];
                const float cb = EXPAND ? 0.f : bias[c];
                u64 q = (g0 << 3) + (u64)k;  // Philox block 8*g + r serves group g's elements r + 8j
                u32 words[4];
                mask_words(seed, sample_[p], image_[p], layer, q, words);
                long long first = (long long)mask_first_element(q);
#pragma unroll
                for (int j = 0; j < 4; j++) {
                    long long e = first + 8 * j;
                    if (e < e0 || e >= e0 + plane) continue;
                    int i = (int)(e - e0);
                    float v = EXPAND ? in[i] : apply_act(in[i] + cb, relu);
                    planes_[p * plane + i] = mask_keep(words[j], threshold) ? v * scale : 0.f;
                }
            }
        }
        __syncthreads();
        float* out = dst + item0 * outPlane;  // the tile's outputs are contiguous
        for (int o = threadIdx.x; o < count * outPlane; o += blockDim.x) {
            int p = o / outPlane, r = o - p * outPlane;
            int oy = r / ow, ox = r - oy * ow;
            const float* base = planes_ + p * plane + oy * stride * w + ox * stride;
            float acc = isMax ? -INFINITY : 0.f;
            for (int ky = 0; ky < kernel; ky++)
                for (int kx = 0; kx < kernel; kx++)
                    acc = isMax ? fmaxf(acc, base[ky * w + kx]) : acc + base[ky * w + kx];
            out[o] = isMax ? acc : acc / area;
        }
        __syncthreads();  // the next tile overwrites planes_ and the per-plane tables
    }
}

// src: [channels][batchImages][h*w] -> dst: [channels][columns][oh*ow] (the first dropout, pooled).
extern "C" __global__ void __launch_bounds__(256)
expand_dropout_pool(const float* src, float* dst, int channels, long long columns, int h, int w, int kernel,
                    int stride, int oh, int ow, int isMax, unsigned long long seed, unsigned int layer,
                    unsigned int threshold, float scale, int perChannel, unsigned long long firstPair,
                    unsigned int batchImages, unsigned long long imageBase, const unsigned int* imageKeys) {
    masked_pool_body<true>(src, nullptr, dst, channels, columns, h, w, kernel, stride, oh, ow, isMax, 0, 1, seed, layer,
                           threshold, scale, perChannel, firstPair, batchImages, imageBase, imageKeys);
}

// x: [channels][columns][h*w] (read only) -> dst: [channels][columns][oh*ow] = pool(mask(act(x + bias[c]))).
extern "C" __global__ void __launch_bounds__(256)
bias_act_pool(const float* x, float* dst, const float* bias, int channels, long long columns, int h, int w, int kernel,
              int stride, int oh, int ow, int isMax, int relu, int masked, unsigned long long seed, unsigned int layer,
              unsigned int threshold, float scale, int perChannel, unsigned long long firstPair,
              unsigned int batchImages, unsigned long long imageBase, const unsigned int* imageKeys) {
    masked_pool_body<false>(x, bias, dst, channels, columns, h, w, kernel, stride, oh, ow, isMax, relu, masked, seed,
                            layer, threshold, scale, perChannel, firstPair, batchImages, imageBase, imageKeys);
}
