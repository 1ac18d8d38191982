// pool.cu — 2-D max / average pooling over any PoolGeometry (dev.mcdrop.backend.PoolGeometry):
//   in[planes][h][w] -> out[planes][oh][ow]; one thread per output element. The window (kernel,
//   strides, pads [top, left, bottom, right], dilations; window.cuh) may hang over the input: into
//   the explicit padding, and with ceil mode past it. Max takes the taps inside the input only,
//   from -inf with fmaxf; average sums them in row-major order and divides (as a float) by their
//   number, or with countIncludePad by the taps inside the input and the explicit padding (the
//   ceil-mode overhang never counts). oh, ow come from the launcher (Window.outHeight/outWidth: floor
//   or ceil). For the chain's pools (no padding, square) this is the kernel*kernel window and
//   divisor of before, so the fused pooling kernels of bias_activation.cu give the same bits.
// Each axis's range of inside taps is worked out once per output (window_taps), so the loops read
// no tap outside the input and test nothing per tap.

#include "index.cuh"
#include "window.cuh"

struct PoolWindow {
    int kh, kw;
    ConvWindow win;
    int padBottom, padRight;
};

// Index math in unsigned 32-bit when it fits, else 64-bit (index.cuh).
template <typename I, bool MAX>
__device__ __forceinline__ void pool_body(const float* in, float* out, I planes, int h, int w, const PoolWindow& pw,
                                          int countIncludePad, int oh, int ow) {
    I total = planes * oh * ow;
    for (I idx = blockIdx.x * (I)blockDim.x + threadIdx.x; idx < total; idx += (I)gridDim.x * blockDim.x) {
        I pos = idx / ow;
        int ox = (int)(idx - pos * ow);
        I p = pos / oh;
        int oy = (int)(pos - p * oh);
        const int y0 = oy * pw.win.sh - pw.win.padTop, x0 = ox * pw.win.sw - pw.win.padLeft;
        int kyLo, kyHi, kyPad, kxLo, kxHi, kxPad;
        window_taps(y0, pw.kh, pw.win.dh, h, pw.padBottom, &kyLo, &kyHi, &kyPad);
        window_taps(x0, pw.kw, pw.win.dw, w, pw.padRight, &kxLo, &kxHi, &kxPad);
        const float* plane = in + p * h * w;
        float acc = MAX ? -INFINITY : 0.f;
        for (int ky = kyLo; ky < kyHi; ky++) {
            const float* row = plane + (I)(y0 + ky * pw.win.dh) * w;  // x0 may be negative: indexed as an int below
            for (int kx = kxLo; kx < kxHi; kx++) {
                const float v = row[x0 + kx * pw.win.dw];
                acc = MAX ? fmaxf(acc, v) : acc + v;
            }
        }
        if (!MAX) {
            int taps = (kyHi > kyLo ? kyHi - kyLo : 0) * (kxHi > kxLo ? kxHi - kxLo : 0);
            acc = acc / (float)(countIncludePad ? kyPad * kxPad : taps);
        }
        out[idx] = acc;
    }
}

extern "C" __global__ void max_pool(const float* in, float* out, long long planes, int h, int w, int kh, int kw,
                                    int sh, int sw, int padTop, int padLeft, int padBottom, int padRight, int dh, int dw,
                                    int oh, int ow) {
    const PoolWindow pw = {kh, kw, {sh, sw, padTop, padLeft, dh, dw}, padBottom, padRight};
    if (MCDROP_FITS32(planes * h * w))
        pool_body<unsigned int, true>(in, out, (unsigned int)planes, h, w, pw, 0, oh, ow);
    else
        pool_body<long long, true>(in, out, planes, h, w, pw, 0, oh, ow);
}

extern "C" __global__ void avg_pool(const float* in, float* out, long long planes, int h, int w, int kh, int kw,
                                    int sh, int sw, int padTop, int padLeft, int padBottom, int padRight, int dh, int dw,
                                    int oh, int ow, int countIncludePad) {
    const PoolWindow pw = {kh, kw, {sh, sw, padTop, padLeft, dh, dw}, padBottom, padRight};
    if (MCDROP_FITS32(planes * h * w))
        pool_body<unsigned int, false>(in, out, (unsigned int)planes, h, w, pw, countIncludePad, oh, ow);
    else
        pool_body<long long, false>(in, out, planes, h, w, pw, countIncludePad, oh, ow);
}
