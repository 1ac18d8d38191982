// conv2d.cu — implicit-GEMM convolution on CNHW activations (dev.mcdrop.backend.Backend#conv2d):
//   out[Cout][N*OH*OW] = W[Cout][K] * cols[K][N*OH*OW],  K = Cin*kh*kw,
//   cols[(ci,ky,kx)][(n,oy,ox)] = in[ci][n][oy*sh - padTop + ky*dh][ox*sw - padLeft + kx*dw] (0 outside;
//   any Window, window.cuh; a grouped convolution is launched once per group),
// with cols formed on the fly as each K-slice is staged in shared memory, so the unfolded matrix
// never goes through device memory. Why: with im2col + cuBLAS that matrix (kh*kw times the input;
// 128 KB per sampled pass for LeNet's conv2) is about 3/4 of a pass's memory traffic.
// Opt-in (--conv implicit) until a GPU run shows which path is faster (docs/BENCHMARKS.md).
//
// Tiling: a 256-thread block computes a 64 x 128 tile of out; thread (tx, ty) = (tid % 16,
// tid / 16) a 4 x 8 micro-tile: rows 4*ty + r, columns 4*tx + c and 64 + 4*tx + c (so a
// half-warp's shared-memory reads are conflict-free and its stores coalesce). K is walked in
// slices of 8; the next slice is fetched into registers while the current one is multiplied.
// Each thread gathers one fixed column of the tile (its (n, oy, ox) decoded once) for 4 rows,
// whose (ci, ky, kx) it advances by 8 per slice instead of dividing.
// FP32 FMA, k summed in increasing order: results differ from the im2col + cuBLAS path by rounding.
//
// conv2d_implicit_f16 (end of file) is the same implicit GEMM on FP16 tensor cores, for
// --gemm-precision fp16 --conv implicit.
#include "half.cuh"
#include "index.cuh"
#include "window.cuh"
#ifndef MCDROP_HOST_TEST
#include <cuda_fp16.h>
#include <mma.h>
#endif
#define CONV_BM 64
#define CONV_BN 128
#define CONV_BK 8

// The geometry every thread needs, decoded once.
struct ConvTile {
    const float* in;
    const float* weight;
    int cin, h, w, kh, kw;
    ConvWindow win;
    int cout, patch;  // patch = K = cin*kh*kw
    long long planeStride;                              // elements between input channels: columns*h*w
};

// A patch row k = (ci*kh + ky)*kw + kx, kept decoded.
struct PatchRow {
    int ci, ky, kx;
};

__device__ __forceinline__ PatchRow decode(const ConvTile& t, int k) {
    int khw = t.kh * t.kw;
    PatchRow p;
    p.ci = k / khw;
    int r = k - p.ci * khw;
    p.ky = r / t.kw;
    p.kx = r - p.ky * t.kw;
    return p;
}

// k += CONV_BK without dividing.
__device__ __forceinline__ void advance(const ConvTile& t, PatchRow* p) {
    p->kx += CONV_BK;
    while (p->kx >= t.kw) {
        p->kx -= t.kw;
        if (++p->ky == t.kh) {
            p->ky = 0;
            p->ci++;
        }
    }
}

// One column j = (n, oy, ox) of the unfolded matrix, decoded once: whether it exists (j < total),
// where its image starts within a channel plane, and its window's top-left corner (negative in the padding).
struct OutColumn {
    bool valid;
    long long image;
    int iy0, ix0;
};

__device__ __forceinline__ OutColumn outColumn(const ConvTile& t, long long j, long long total, long long plane, int ow) {
    OutColumn c;
    c.valid = j < total;
    const long long n = c.valid ? j / plane : 0;
    const int pos = c.valid ? (int)(j - n * plane) : 0;
    const int oy = pos / ow, ox = pos - oy * ow;
    c.iy0 = oy * t.win.sh - t.win.padTop;
    c.ix0 = ox * t.win.sw - t.win.padLeft;
    c.image = n * t.h * t.w;
    return c;
}

// cols[k][j] for column c; 0 outside the image or past the last patch row.
__device__ __forceinline__ float gather(const ConvTile& t, const OutColumn& c, PatchRow p) {
    if (!c.valid || p.ci >= t.cin) return 0.f;
    int y = c.iy0 + p.ky * t.win.dh, x = c.ix0 + p.kx * t.win.dw;
    if (y < 0 || y >= t.h || x < 0 || x >= t.w) return 0.f;
    return t.in[p.ci * t.planeStride + c.image + (long long)y * t.w + x];
}

__device__ __forceinline__ float weightAt(const ConvTile& t, int row, int k) {
    return (row < t.cout && k < t.patch) ? t.weight[(long long)row * t.patch + k] : 0.f;
}

// Launch with block 256, grid (ceil(columns*oh*ow / 128), ceil(cout / 64)).
extern "C" __global__ void __launch_bounds__(256)
conv2d_implicit(const float* __restrict__ in, const float* __restrict__ weight, float* __restrict__ out,
                int cin, int h, int w, int kh, int kw, int sh, int sw, int padTop, int padLeft, int dh, int dw,
                int oh, int ow, int cout, long long columns) {
    // +4: rows 4 banks apart, so the 4 threads storing one tile row's 8 k-values do not collide
    // (a stride of 64 words would put them in one bank); 68 words keep rows 16-byte aligned.
    __shared__ __align__(16) float As[CONV_BK][CONV_BM + 4];  // As[kk][i] = W[i0 + i][p0 + kk]
    __shared__ __align__(16) float Bs[CONV_BK][CONV_BN];  // Bs[kk][j] = cols[p0 + kk][j0 + j]
    ConvTile t = {in, weight, cin, h, w, kh, kw, {sh, sw, padTop, padLeft, dh, dw}, cout, cin * kh * kw, columns * h * w};
    const int tid = threadIdx.x, tx = tid % 16, ty = tid / 16;
    const long long plane = (long long)oh * ow, total = columns * plane;
    const int i0 = blockIdx.y * CONV_BM;
    const long long j0 = (long long)blockIdx.x * CONV_BN;

    // Gather duty: column jl of the tile, rows kb + 2r (r = 0..3) of each slice.
    const int jl = tid % CONV_BN, kb = tid / CONV_BN;
    const OutColumn column = outColumn(t, j0 + jl, total, plane, ow);
    // Weight duty: row il of the tile, slice columns ka, ka + 1.
    const int il = tid / 4, ka = 2 * (tid % 4);

    float nextA[2], nextB[4];
    PatchRow rows[4];
#pragma unroll
    for (int q = 0; q < 2; q++) nextA[q] = weightAt(t, i0 + il, ka + q);
#pragma unroll
    for (int r = 0; r < 4; r++) {
        rows[r] = decode(t, kb + 2 * r);
        nextB[r] = gather(t, column, rows[r]);
    }

    float acc[4][8];
#pragma unroll
    for (int r = 0; r < 4; r++)
#pragma unroll
        for (int c = 0; c < 8; c++) acc[r][c] = 0.f;

    for (int p0 = 0; p0 < t.patch; p0 += CONV_BK) {
#pragma unroll
        for (int q = 0; q < 2; q++) As[ka + q][il] = nextA[q];
#pragma unroll
        for (int r = 0; r < 4; r++) Bs[kb + 2 * r][jl] = nextB[r];
        __syncthreads();
        const int p1 = p0 + CONV_BK;
        if (p1 < t.patch) {  // fetch the next slice while this one is multiplied
#pragma unroll
            for (int q = 0; q < 2; q++) nextA[q] = weightAt(t, i0 + il, p1 + ka + q);
#pragma unroll
            for (int r = 0; r < 4; r++) {
                advance(t, &rows[r]);
                nextB[r] = gather(t, column, rows[r]);
            }
        }
#pragma unroll
        for (int kk = 0; kk < CONV_BK; kk++) {
            float a[4], b[8];
#pragma unroll
            for (int r = 0; r < 4; r++) a[r] = As[kk][4 * ty + r];
#pragma unroll
            for (int c = 0; c < 4; c++) {
                b[c] = Bs[kk][4 * tx + c];
                b[4 + c] = Bs[kk][64 + 4 * tx + c];
            }
#pragma unroll
            for (int r = 0; r < 4; r++)
#pragma unroll
                for (int c = 0; c < 8; c++) acc[r][c] += a[r] * b[c];
        }
        __syncthreads();
    }

#pragma unroll
    for (int r = 0; r < 4; r++) {
        int row = i0 + 4 * ty + r;
        if (row >= cout) continue;
        float* o = out + (long long)row * total;
#pragma unroll
        for (int c = 0; c < 8; c++) {
            long long col = j0 + (c < 4 ? 4 * tx + c : 64 + 4 * tx + (c - 4));
            if (col < total) o[col] = acc[r][c];
        }
    }
}

// ---- FP16 tensor cores: conv2d_implicit_f16 ----
// The implicit GEMM above with the multiply on tensor cores (WMMA m16n16k16, FP16 inputs, FP32
// accumulation; sm_70+, so within compute_75). A = the weights already rounded to FP16 by to_half
// (weight16[cout][wpad], wpad = K rounded up to a multiple of TC_BK, zero-padded); B = the unfolded
// input, rounded to FP16 (nearest even, bits_f16) as each K-slice is staged in shared memory: the
// roundings of the im2col + cuBLAS FAST_16F path, without the unfolded matrix in device memory.
// Why: with 16-bit inputs the GEMM is cheap on tensor cores and the im2col matrix's traffic (64 KB
// per sampled pass for LeNet's conv2 even in 16 bits) is most of what is left.
//
// Tiling: a 256-thread block (8 warps) computes a 64 x 128 tile of out; warp (wm, wn) = (warp / 4,
// warp % 4) a 32 x 32 sub-tile of 2 x 2 accumulator fragments. K is walked in slices of 32 (two k16
// steps). Shared memory (one 33.8 KB array): the A slice 64 x 40 halves and the B slice 32 x 136
// halves during the K loop (row pads of 8 halves keep every fragment pointer 32-byte aligned, as
// load_matrix_sync requires), then the 64 x 132 FP32 tile the fragments are stored to, so the
// stores to out can be bounds-checked at the edges. Gather duty as above: thread tid keeps column
// tid % 128 of the tile and fills 16 consecutive patch rows (tid / 128) * 16 .. + 15 of each slice.
#define TC_BM 64
#define TC_BN 128
#define TC_BK 32
#define TC_LDA (TC_BK + 8)
#define TC_LDB (TC_BN + 8)
#define TC_LDC (TC_BN + 4)

// k += 1 without dividing.
__device__ __forceinline__ void advanceOne(const ConvTile& t, PatchRow* p) {
    if (++p->kx == t.kw) {
        p->kx = 0;
        if (++p->ky == t.kh) {
            p->ky = 0;
            p->ci++;
        }
    }
}

// Launch with block 256, grid (ceil(columns*oh*ow / 128), ceil(cout / 64)); wpad a multiple of 32.
extern "C" __global__ void __launch_bounds__(256)
conv2d_implicit_f16(const float* __restrict__ in, const unsigned short* __restrict__ weight16, float* __restrict__ out,
                    int cin, int h, int w, int kh, int kw, int sh, int sw, int padTop, int padLeft, int dh, int dw,
                    int oh, int ow, int cout, int wpad, long long columns) {
    using namespace nvcuda;
    __shared__ __align__(32) unsigned char smem[TC_BM * TC_LDC * 4];
    unsigned short* As = (unsigned short*)smem;                     // [TC_BM][TC_LDA]: W16[i0 + i][k0 + kk]
    unsigned short* Bs = (unsigned short*)(smem + TC_BM * TC_LDA * 2); // [TC_BK][TC_LDB]: cols16[k0 + kk][j0 + j]
    float* Cs = (float*)smem;                                       // [TC_BM][TC_LDC], after the K loop
    ConvTile t = {in, nullptr, cin, h, w, kh, kw, {sh, sw, padTop, padLeft, dh, dw}, cout, cin * kh * kw, columns * h * w};
    const int tid = threadIdx.x, warp = tid / 32, wm = warp / 4, wn = warp % 4;
    const long long plane = (long long)oh * ow, total = columns * plane;
    const int i0 = blockIdx.y * TC_BM;
    const long long j0 = (long long)blockIdx.x * TC_BN;

    const int jl = tid % TC_BN, kb = (tid / TC_BN) * 16;
    const OutColumn column = outColumn(t, j0 + jl, total, plane, ow);
    // Weight duty: row tid / 4 of the tile, 8 halves (4 words) at slice column 8 * (tid % 4).
    const int il = tid / 4, ka = 8 * (tid % 4);
    const bool rowValid = i0 + il < cout;
    const unsigned int* wrow = (const unsigned int*)(weight16 + (long long)(rowValid ? i0 + il : 0) * wpad);

    wmma::fragment<wmma::accumulator, 16, 16, 16, float> acc[2][2];
#pragma unroll
    for (int r = 0; r < 2; r++)
#pragma unroll
        for (int c = 0; c < 2; c++) wmma::fill_fragment(acc[r][c], 0.f);

    for (int k0 = 0; k0 < wpad; k0 += TC_BK) {
        unsigned int* a = (unsigned int*)(As + il * TC_LDA + ka);
#pragma unroll
        for (int q = 0; q < 4; q++) a[q] = rowValid ? wrow[(k0 + ka) / 2 + q] : 0u;
        PatchRow p = decode(t, k0 + kb);
#pragma unroll
        for (int r = 0; r < 16; r++) {
            Bs[(kb + r) * TC_LDB + jl] = bits_f16(gather(t, column, p));
            advanceOne(t, &p);
        }
        __syncthreads();
#pragma unroll
        for (int kk = 0; kk < TC_BK; kk += 16) {
            wmma::fragment<wmma::matrix_a, 16, 16, 16, __half, wmma::row_major> fa[2];
            wmma::fragment<wmma::matrix_b, 16, 16, 16, __half, wmma::row_major> fb[2];
#pragma unroll
            for (int r = 0; r < 2; r++)
                wmma::load_matrix_sync(fa[r], (const __half*)(As + (wm * 32 + 16 * r) * TC_LDA + kk), TC_LDA);
#pragma unroll
            for (int c = 0; c < 2; c++)
                wmma::load_matrix_sync(fb[c], (const __half*)(Bs + kk * TC_LDB + wn * 32 + 16 * c), TC_LDB);
#pragma unroll
            for (int r = 0; r < 2; r++)
#pragma unroll
                for (int c = 0; c < 2; c++) wmma::mma_sync(acc[r][c], fa[r], fb[c], acc[r][c]);
        }
        __syncthreads();  // the next slice (or Cs) overwrites As and Bs
    }

#pragma unroll
    for (int r = 0; r < 2; r++)
#pragma unroll
        for (int c = 0; c < 2; c++)
            wmma::store_matrix_sync(Cs + (wm * 32 + 16 * r) * TC_LDC + wn * 32 + 16 * c, acc[r][c], TC_LDC, wmma::mem_row_major);
    __syncthreads();
    for (int e = tid; e < TC_BM * TC_BN; e += 256) {
        const int row = e / TC_BN, col = e % TC_BN;
        if (i0 + row < cout && j0 + col < total) out[(long long)(i0 + row) * total + j0 + col] = Cs[row * TC_LDC + col];
    }
}

// conv2d_depthwise — a depthwise convolution (groups = cin; MobileNet's 3x3 layers) done directly:
//   out[o][n][oy][ox] = sum over (ky, kx) of weight[o][ky*kw + kx] * in[o / mult][n][y][x],
// mult = cout / cin output channels per input channel, (y, x) as window.cuh places them, taps outside
// the input skipped. One thread per output element (grid-stride), taps summed in row-major order.
// Why: per group the im2col + GEMM path would run a GEMM with K = kh*kw (9) rows and one output row.
template <typename I>
__device__ __forceinline__ void depthwise_body(const float* in, const float* weight, float* out, int cout, int mult, I columns,
                                               int h, int w, int kh, int kw, const ConvWindow& win, int oh, int ow) {
    const I plane = (I)oh * ow, total = (I)cout * columns * plane;
    for (I idx = blockIdx.x * (I)blockDim.x + threadIdx.x; idx < total; idx += (I)gridDim.x * blockDim.x) {
        I rest = idx / ow;
        const int ox = (int)(idx - rest * ow);
        I image = rest / oh;  // o * columns + n
        const int oy = (int)(rest - image * oh);
        const I o = image / columns, n = image - o * columns;
        const int y0 = oy * win.sh - win.padTop, x0 = ox * win.sw - win.padLeft;
        int kyLo, kyHi, kyPad, kxLo, kxHi, kxPad;  // (the padded counts are for pooling)
        window_taps(y0, kh, win.dh, h, 0, &kyLo, &kyHi, &kyPad);
        window_taps(x0, kw, win.dw, w, 0, &kxLo, &kxHi, &kxPad);
        const float* src = in + ((o / mult) * columns + n) * h * w;
        const float* wo = weight + o * kh * kw;
        float acc = 0.f;
        for (int ky = kyLo; ky < kyHi; ky++) {
            const float* row = src + (I)(y0 + ky * win.dh) * w;  // x0 may be negative: indexed as an int below
            for (int kx = kxLo; kx < kxHi; kx++) acc += wo[ky * kw + kx] * row[x0 + kx * win.dw];
        }
        out[idx] = acc;
    }
}

// in: [cout / mult][columns][h][w], weight: [cout][kh*kw], out: [cout][columns][oh][ow]. Launch: grid-stride.
extern "C" __global__ void conv2d_depthwise(const float* __restrict__ in, const float* __restrict__ weight,
                                            float* __restrict__ out, int cout, int mult, long long columns, int h, int w,
                                            int kh, int kw, int sh, int sw, int padTop, int padLeft, int dh, int dw,
                                            int oh, int ow) {
    const ConvWindow win = {sh, sw, padTop, padLeft, dh, dw};
    long long inputs = (long long)(cout / mult) * columns * h * w, outputs = (long long)cout * columns * oh * ow;
    if (MCDROP_FITS32(inputs > outputs ? inputs : outputs))
        depthwise_body<unsigned int>(in, weight, out, cout, mult, (unsigned int)columns, h, w, kh, kw, win, oh, ow);
    else
        depthwise_body<long long>(in, weight, out, cout, mult, columns, h, w, kh, kw, win, oh, ow);
}
