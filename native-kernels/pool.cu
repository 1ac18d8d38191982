// pool.cu — 2-D max / average pooling, no padding, floor rounding (PoolGeometry):
//   in[planes][h][w] -> out[planes][oh][ow]; one thread per output element.
// Max starts at -inf and uses fmaxf; average sums the window in row-major order and divides by
// kernel^2 (as a float), like the CPU's scalar loop.

extern "C" __global__ void max_pool(const float* in, float* out, long long planes, int h, int w,
                                    int kernel, int stride, int oh, int ow) {
    long long total = planes * oh * ow;
    for (long long idx = blockIdx.x * (long long)blockDim.x + threadIdx.x; idx < total;
         idx += (long long)gridDim.x * blockDim.x) {
        int ox = (int)(idx % ow);
        int oy = (int)((idx / ow) % oh);
        long long p = idx / ((long long)ow * oh);
        const float* base = in + (p * h + (long long)oy * stride) * w + (long long)ox * stride;
        float acc = -INFINITY;
        for (int ky = 0; ky < kernel; ky++)
            for (int kx = 0; kx < kernel; kx++) acc = fmaxf(acc, base[ky * w + kx]);
        out[idx] = acc;
    }
}

extern "C" __global__ void avg_pool(const float* in, float* out, long long planes, int h, int w,
                                    int kernel, int stride, int oh, int ow) {
    long long total = planes * oh * ow;
    float area = (float)(kernel * kernel);
    for (long long idx = blockIdx.x * (long long)blockDim.x + threadIdx.x; idx < total;
         idx += (long long)gridDim.x * blockDim.x) {
        int ox = (int)(idx % ow);
        int oy = (int)((idx / ow) % oh);
        long long p = idx / ((long long)ow * oh);
        const float* base = in + (p * h + (long long)oy * stride) * w + (long long)ox * stride;
        float acc = 0.f;
        for (int ky = 0; ky < kernel; ky++)
            for (int kx = 0; kx < kernel; kx++) acc += base[ky * w + kx];
        out[idx] = acc / area;
    }
}
