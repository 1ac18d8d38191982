// im2col.cu — layout ops of the CNHW convention (see dev.mcdrop.backend.Backend):
//   im2col:  in[Cin][N][H][W] -> cols[Cin*kh*kw][N*OH*OW], zero outside the image, so a whole
//            chunk's convolution is one GEMM  out[Cout][N*OH*OW] = W[Cout][K] * cols. Any window
//            (dev.mcdrop.backend.Window): strides sh, sw, pads top/left (bottom/right only shape
//            OH, OW), dilations dh, dw; a grouped conv passes one group's channels as Cin.
//   flatten: in[C][N][plane] -> out[C*plane][N] (PyTorch's flatten order, features x columns).
//   im2col_half: the same matrix stored as 16-bit floats (FP16 or BF16, rounded to nearest even:
//            half.cuh), for --gemm-precision fp16|bf16, where cuBLAS reads half the bytes.
//   to_half: a float matrix as 16-bit floats with padded rows (the convolution weights for that GEMM).
// Writes coalesced; flatten has one thread per output element (grid-stride).
#include "half.cuh"
#include "index.cuh"
#include "window.cuh"

// How a value of the im2col matrix is stored.
struct StoreF32 { typedef float T; static __device__ __forceinline__ float cvt(float v) { return v; } };
struct StoreF16 { typedef unsigned short T; static __device__ __forceinline__ unsigned short cvt(float v) { return bits_f16(v); } };
struct StoreBF16 { typedef unsigned short T; static __device__ __forceinline__ unsigned short cvt(float v) { return bits_bf16(v); } };

// im2col: grid.y walks the patch rows k = (ci, ky, kx) (uniform per block, grid-stride past 65,535);
// the x threads walk the row's slots s = n*P + pos (P = OH*OW). When the x thread count is a multiple
// of P (the launcher sizes it so), a thread keeps one output position for all its slots: (oy, ox),
// the source offset and whether it falls in the padding are worked out once, and each further slot
// is one load and one store (the previous version spent ~6 integer divisions per element, more
// instructions than the GEMM that follows). Otherwise each slot is decoded on its own. Writes of a
// warp are consecutive slots: coalesced.
template <typename S>
__device__ __forceinline__ void im2col_row(const float* in, typename S::T* row, int ci, int ky, int kx, int h, int w,
                                           const ConvWindow& win, int ow, int plane, long long columns) {
    const long long slots = columns * plane, threads = (long long)gridDim.x * blockDim.x;
    const long long first = blockIdx.x * (long long)blockDim.x + threadIdx.x;
    const long long channelBase = (long long)ci * columns * h * w;  // in[ci][0][0][0]
    if (threads % plane == 0) {
        if (first >= slots) return;
        const int pos = (int)(first % plane);
        const int oy = pos / ow, ox = pos - oy * ow;
        const int y = oy * win.sh - win.padTop + ky * win.dh, x = ox * win.sw - win.padLeft + kx * win.dw;
        const bool inside = y >= 0 && y < h && x >= 0 && x < w;
        const long long stepImages = threads / plane;  // images between this thread's slots
        long long n = first / plane;
        const float* src = in + channelBase + (inside ? (long long)y * w + x : 0);  // in bounds even if the load were hoisted
        for (long long sIdx = first; sIdx < slots; sIdx += threads, n += stepImages)
            row[sIdx] = S::cvt(inside ? src[n * h * w] : 0.f);
        return;
    }
    for (long long sIdx = first; sIdx < slots; sIdx += threads) {
        long long n = sIdx / plane;
        int pos = (int)(sIdx - n * plane);
        int oy = pos / ow, ox = pos - oy * ow;
        int y = oy * win.sh - win.padTop + ky * win.dh, x = ox * win.sw - win.padLeft + kx * win.dw;
        row[sIdx] = S::cvt((y >= 0 && y < h && x >= 0 && x < w) ? in[channelBase + (n * h + y) * w + x] : 0.f);
    }
}

template <typename S>
__device__ __forceinline__ void im2col_rows(const float* in, typename S::T* cols, int cin, int h, int w, int kh, int kw,
                                            const ConvWindow& win, int oh, int ow, long long columns) {
    const int rows = cin * kh * kw, plane = oh * ow;
    const long long rowLength = columns * plane;
    for (int k = blockIdx.y; k < rows; k += gridDim.y) {
        int kx = k % kw, ky = (k / kw) % kh, ci = k / (kw * kh);
        im2col_row<S>(in, cols + (long long)k * rowLength, ci, ky, kx, h, w, win, ow, plane, columns);
    }
}

// in[Cin][N][H][W] -> cols[Cin*kh*kw][N*OH*OW]; launch: grid (any x, min(K, 65535)), any block size.
extern "C" __global__ void im2col(const float* in, float* cols, int cin, int h, int w, int kh, int kw,
                                  int sh, int sw, int padTop, int padLeft, int dh, int dw, int oh, int ow, long long columns) {
    const ConvWindow win = {sh, sw, padTop, padLeft, dh, dw};
    im2col_rows<StoreF32>(in, cols, cin, h, w, kh, kw, win, oh, ow, columns);
}

// The same matrix in 16-bit floats: bf16 != 0 -> bfloat16, else IEEE half. Launch as im2col.
extern "C" __global__ void im2col_half(const float* in, unsigned short* cols, int cin, int h, int w, int kh, int kw,
                                       int sh, int sw, int padTop, int padLeft, int dh, int dw, int oh, int ow,
                                       long long columns, int bf16) {
    const ConvWindow win = {sh, sw, padTop, padLeft, dh, dw};
    if (bf16) im2col_rows<StoreBF16>(in, cols, cin, h, w, kh, kw, win, oh, ow, columns);
    else im2col_rows<StoreF16>(in, cols, cin, h, w, kh, kw, win, oh, ow, columns);
}

// src[rows][cols] (float) -> dst[rows][stride] (16-bit: bf16 != 0 -> bfloat16, else IEEE half), the
// stride >= cols padding zeroed (it lets cuBLAS see a leading dimension that is a multiple of 8).
// One thread per destination element, grid-stride.
extern "C" __global__ void to_half(const float* src, unsigned short* dst, long long rows, int cols, int stride, int bf16) {
    const long long n = rows * stride;
    for (long long i = blockIdx.x * (long long)blockDim.x + threadIdx.x; i < n; i += (long long)gridDim.x * blockDim.x) {
        long long r = i / stride;
        int c = (int)(i - r * stride);
        dst[i] = c >= cols ? (unsigned short)0 : bf16 ? bits_bf16(src[r * cols + c]) : bits_f16(src[r * cols + c]);
    }
}

template <typename I>
__device__ __forceinline__ void flatten_body(const float* in, float* out, int channels, I columns, I plane) {
    I total = (I)channels * columns * plane;
    for (I idx = blockIdx.x * (I)blockDim.x + threadIdx.x; idx < total; idx += (I)gridDim.x * blockDim.x) {
        I feature = idx / columns, n = idx - feature * columns;
        I c = feature / plane, i = feature - c * plane;
        out[idx] = in[(c * columns + n) * plane + i];
    }
}

// out[(c*plane + i)*columns + n] = in[(c*columns + n)*plane + i]; indexed by output.
extern "C" __global__ void flatten(const float* in, float* out, int channels, long long columns, long long plane) {
    if (MCDROP_FITS32((long long)channels * columns * plane))
        flatten_body<unsigned int>(in, out, channels, (unsigned int)columns, (unsigned int)plane);
    else
        flatten_body<long long>(in, out, channels, columns, plane);
}
