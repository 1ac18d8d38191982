// im2col.cu — layout ops of the CNHW convention (see dev.mcdrop.backend.Backend):
//   im2col:  in[Cin][N][H][W] -> cols[Cin*kh*kw][N*OH*OW], zero outside the image, so a whole
//            chunk's convolution is one GEMM  out[Cout][N*OH*OW] = W[Cout][K] * cols.
//   flatten: in[C][N][plane] -> out[C*plane][N] (PyTorch's flatten order, features x columns).
// One thread per output element (grid-stride), writes coalesced.
#include "index.cuh"

// Index arithmetic in I: unsigned 32-bit when every index fits, else 64-bit (index.cuh).
template <typename I>
__device__ __forceinline__ void im2col_body(const float* in, float* cols, int cin, int h, int w, int kh, int kw,
                                            int stride, int pad, int oh, int ow, I columns) {
    I rowLength = columns * oh * ow;
    I total = (I)cin * kh * kw * rowLength;
    for (I idx = blockIdx.x * (I)blockDim.x + threadIdx.x; idx < total; idx += (I)gridDim.x * blockDim.x) {
        I row = idx / rowLength, col = idx - row * rowLength;
        int kx = (int)(row % kw);
        int ky = (int)((row / kw) % kh);
        int ci = (int)(row / ((I)kw * kh));
        I pos = col / ow;
        int ox = (int)(col - pos * ow);
        int oy = (int)(pos % oh);
        I n = pos / oh;
        int y = oy * stride - pad + ky;
        int x = ox * stride - pad + kx;
        float v = 0.f;
        if (y >= 0 && y < h && x >= 0 && x < w) v = in[((ci * columns + n) * h + y) * w + x];
        cols[idx] = v;
    }
}

extern "C" __global__ void im2col(const float* in, float* cols, int cin, int h, int w, int kh, int kw,
                                  int stride, int pad, int oh, int ow, long long columns) {
    long long outTotal = (long long)cin * kh * kw * columns * oh * ow;
    long long inTotal = (long long)cin * columns * h * w;
    // unsigned 32-bit: indices < 2^31 and a grid stride < 2^31 cannot wrap.
    if (MCDROP_FITS32(outTotal) && MCDROP_FITS32(inTotal))
        im2col_body<unsigned int>(in, cols, cin, h, w, kh, kw, stride, pad, oh, ow, (unsigned int)columns);
    else
        im2col_body<long long>(in, cols, cin, h, w, kh, kw, stride, pad, oh, ow, columns);
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
