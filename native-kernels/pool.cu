// pool.cu — 2-D max / average pooling, no padding, floor rounding (PoolGeometry):
//   in[planes][h][w] -> out[planes][oh][ow]; one thread per output element.
// Max starts at -inf and uses fmaxf; average sums the window in row-major order and divides by
// kernel^2 (as a float), like the CPU's scalar loop.

#include "index.cuh"

// Index math in unsigned 32-bit when it fits, else 64-bit (index.cuh).
template <typename I, bool MAX>
__device__ __forceinline__ void pool_body(const float* in, float* out, I planes, int h, int w,
                                          int kernel, int stride, int oh, int ow) {
    I total = planes * oh * ow;
    float area = (float)(kernel * kernel);
    for (I idx = blockIdx.x * (I)blockDim.x + threadIdx.x; idx < total; idx += (I)gridDim.x * blockDim.x) {
        I pos = idx / ow;
        int ox = (int)(idx - pos * ow);
        I p = pos / oh;
        int oy = (int)(pos - p * oh);
        const float* base = in + (p * h + (I)oy * stride) * w + (I)ox * stride;
        float acc = MAX ? -INFINITY : 0.f;
        for (int ky = 0; ky < kernel; ky++)
            for (int kx = 0; kx < kernel; kx++) acc = MAX ? fmaxf(acc, base[ky * w + kx]) : acc + base[ky * w + kx];
        out[idx] = MAX ? acc : acc / area;
    }
}

extern "C" __global__ void max_pool(const float* in, float* out, long long planes, int h, int w,
                                    int kernel, int stride, int oh, int ow) {
    if (MCDROP_FITS32(planes * h * w))
        pool_body<unsigned int, true>(in, out, (unsigned int)planes, h, w, kernel, stride, oh, ow);
    else
        pool_body<long long, true>(in, out, planes, h, w, kernel, stride, oh, ow);
}

extern "C" __global__ void avg_pool(const float* in, float* out, long long planes, int h, int w,
                                    int kernel, int stride, int oh, int ow) {
    if (MCDROP_FITS32(planes * h * w))
        pool_body<unsigned int, false>(in, out, (unsigned int)planes, h, w, kernel, stride, oh, ow);
    else
        pool_body<long long, false>(in, out, planes, h, w, kernel, stride, oh, ow);
}
