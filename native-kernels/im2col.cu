// im2col.cu — layout ops of the CNHW convention (see dev.mcdrop.backend.Backend):
//   im2col:  in[Cin][N][H][W] -> cols[Cin*kh*kw][N*OH*OW], zero outside the image, so a whole
//            chunk's convolution is one GEMM  out[Cout][N*OH*OW] = W[Cout][K] * cols.
//   flatten: in[C][N][plane] -> out[C*plane][N] (PyTorch's flatten order, features x columns).
// One thread per output element (grid-stride), writes coalesced.

extern "C" __global__ void im2col(const float* in, float* cols, int cin, int h, int w, int kh, int kw,
                                  int stride, int pad, int oh, int ow, long long columns) {
    long long rowLength = columns * oh * ow;
    long long total = (long long)cin * kh * kw * rowLength;
    for (long long idx = blockIdx.x * (long long)blockDim.x + threadIdx.x; idx < total;
         idx += (long long)gridDim.x * blockDim.x) {
        long long row = idx / rowLength, col = idx % rowLength;
        int kx = (int)(row % kw);
        int ky = (int)((row / kw) % kh);
        int ci = (int)(row / ((long long)kw * kh));
        int ox = (int)(col % ow);
        int oy = (int)((col / ow) % oh);
        long long n = col / ((long long)ow * oh);
        int y = oy * stride - pad + ky;
        int x = ox * stride - pad + kx;
        float v = 0.f;
        if (y >= 0 && y < h && x >= 0 && x < w) v = in[((ci * columns + n) * h + y) * w + x];
        cols[idx] = v;
    }
}

// out[(c*plane + i)*columns + n] = in[(c*columns + n)*plane + i]; indexed by output.
extern "C" __global__ void flatten(const float* in, float* out, int channels, long long columns, long long plane) {
    long long total = (long long)channels * columns * plane;
    for (long long idx = blockIdx.x * (long long)blockDim.x + threadIdx.x; idx < total;
         idx += (long long)gridDim.x * blockDim.x) {
        long long feature = idx / columns, n = idx % columns;
        long long c = feature / plane, i = feature % plane;
        out[idx] = in[(c * columns + n) * plane + i];
    }
}
