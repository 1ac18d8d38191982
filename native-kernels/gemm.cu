// gemm.cu — fallback SGEMM for when no cuBLAS library loads (CudaBackend.describe() says
// "built-in GEMM"). Row-major C[m×n] = op(A)[m×k] · op(B)[k×n] + beta·C, beta == 0 ignoring C
// (like cuBLAS and ReferenceBackend). transA: A stored k×m; transB: B stored n×k.
// Classic shared-memory tiling: a 256-thread block computes a 64×64 tile of C, each thread a
// 4×4 micro-tile (rows ty+16r, columns tx+16s, so stores are coalesced), walking k in slices of
// 16 staged in shared memory, loaded along each operand's contiguous dimension.
// FP32 accumulation with FMA; not as fast as cuBLAS, but correct for every shape.

#define TILE 64
#define BK 16

template <bool TA, bool TB>
__device__ __forceinline__ void gemm_tile(int m, int n, int k, const float* __restrict__ A,
                                          const float* __restrict__ B, float beta, float* __restrict__ C) {
    __shared__ float As[BK][TILE];  // As[p][i] = op(A)(i0+i, p0+p)
    __shared__ float Bs[BK][TILE];  // Bs[p][j] = op(B)(p0+p, j0+j)
    int tx = threadIdx.x, ty = threadIdx.y, tid = ty * 16 + tx;
    int i0 = blockIdx.y * TILE, j0 = blockIdx.x * TILE;
    float acc[4][4] = {};
    for (int p0 = 0; p0 < k; p0 += BK) {
#pragma unroll
        for (int l = 0; l < 4; l++) {
            int linear = tid + l * 256;
            int pl, il;
            if (TA) { il = linear % TILE; pl = linear / TILE; }  // A[p*m + i]: i contiguous
            else    { pl = linear % BK;   il = linear / BK; }    // A[i*k + p]: p contiguous
            int i = i0 + il, p = p0 + pl;
            As[pl][il] = (i < m && p < k) ? (TA ? A[(long long)p * m + i] : A[(long long)i * k + p]) : 0.f;
            int jl;
            if (TB) { pl = linear % BK;   jl = linear / BK; }    // B[j*k + p]: p contiguous
            else    { jl = linear % TILE; pl = linear / TILE; }  // B[p*n + j]: j contiguous
            int j = j0 + jl;
            p = p0 + pl;
            Bs[pl][jl] = (j < n && p < k) ? (TB ? B[(long long)j * k + p] : B[(long long)p * n + j]) : 0.f;
        }
        __syncthreads();
#pragma unroll
        for (int p = 0; p < BK; p++) {
            float a[4], b[4];
#pragma unroll
            for (int r = 0; r < 4; r++) a[r] = As[p][ty + 16 * r];
#pragma unroll
            for (int s = 0; s < 4; s++) b[s] = Bs[p][tx + 16 * s];
#pragma unroll
            for (int r = 0; r < 4; r++)
#pragma unroll
                for (int s = 0; s < 4; s++) acc[r][s] += a[r] * b[s];
        }
        __syncthreads();
    }
#pragma unroll
    for (int r = 0; r < 4; r++) {
        int i = i0 + ty + 16 * r;
        if (i >= m) continue;
#pragma unroll
        for (int s = 0; s < 4; s++) {
            int j = j0 + tx + 16 * s;
            if (j >= n) continue;
            long long ci = (long long)i * n + j;
            C[ci] = beta == 0.f ? acc[r][s] : acc[r][s] + beta * C[ci];
        }
    }
}

// Launch with block (16, 16), grid (ceil(n/64), ceil(m/64)).
extern "C" __global__ void __launch_bounds__(256) sgemm_nn(int m, int n, int k, const float* A, const float* B, float beta, float* C) { gemm_tile<false, false>(m, n, k, A, B, beta, C); }
extern "C" __global__ void __launch_bounds__(256) sgemm_nt(int m, int n, int k, const float* A, const float* B, float beta, float* C) { gemm_tile<false, true>(m, n, k, A, B, beta, C); }
extern "C" __global__ void __launch_bounds__(256) sgemm_tn(int m, int n, int k, const float* A, const float* B, float beta, float* C) { gemm_tile<true, false>(m, n, k, A, B, beta, C); }
extern "C" __global__ void __launch_bounds__(256) sgemm_tt(int m, int n, int k, const float* A, const float* B, float beta, float* C) { gemm_tile<true, true>(m, n, k, A, B, beta, C); }
