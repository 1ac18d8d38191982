// expand_pool.cu — workbench for LeNet's first dropout: the conv1 output of B images,
// src[20][B][24*24], replicated into S sampled columns with Philox masks and max-pooled 2/2 to
// dst[20][S][12*12] (11,520 masks per column). Versions:
//   1  expand_dropout, then max_pool (the unpooled copy goes through device memory)
//   2  expand_dropout_pool (masked plane pooled in shared memory; mcdrop's path)
// Version 2 must equal version 1 bit for bit, here and on 26x26 planes (max and average pooling,
// starting mid-batch); mask bits against the CPU are CudaBackendTest's job. Both are timed on S
// columns (default 100,000 = T 100 x B 1,000).
//   build: dev/cuda/build.sh        run: dev/cuda/build/expand_pool [version, 0 = all] [S]
#include "common.h"
#include "../../native-kernels/pool.cu"
#include "../../native-kernels/bias_activation.cu"

static const int C = 20, HW = 24, PLANE = HW * HW, OUT = 12 * 12, B = 1000;
static const unsigned long long SEED = 42;
static const unsigned THRESHOLD = 0x80000000u; // p = 0.5

static void run_version(int version, const float* src, float* tmp, float* dst, int columns) {
    int blocks;
    if (version == 1) {
        long long groups = ((long long)C * PLANE + 3) / 4 * columns;
        blocks = (int)((groups + 255) / 256 < (1 << 20) ? (groups + 255) / 256 : (1 << 20));
        expand_dropout<<<blocks, 256>>>(src, tmp, C, columns, PLANE, SEED, 0, THRESHOLD, 2.f, 0, 0, B, 0, nullptr);
        launchCheck();
        long long outs = (long long)C * columns * OUT;
        blocks = (int)((outs + 255) / 256 < (1 << 20) ? (outs + 255) / 256 : (1 << 20));
        max_pool<<<blocks, 256>>>(tmp, dst, (long long)C * columns, HW, HW, 2, 2, 2, 2, 0, 0, 0, 0, 1, 1, 12, 12);
        launchCheck();
    } else {
        int per = MCDROP_FUSED_PLANE / PLANE < MCDROP_FUSED_PLANES_MAX ? MCDROP_FUSED_PLANE / PLANE : MCDROP_FUSED_PLANES_MAX;
        long long tiles = ((long long)C * columns + per - 1) / per;  // as BiasActivationKernels launches it
        blocks = (int)(tiles < (1 << 20) ? tiles : (1 << 20));
        expand_dropout_pool<<<blocks, 256>>>(src, dst, C, columns, HW, HW, 2, 2, 12, 12, 1, SEED, 0, THRESHOLD, 2.f, 0,
                                             0, B, 0, nullptr);
        launchCheck();
    }
}

// Fused vs two kernels, bit for bit, on a side×side plane pooled 2/2 (max or average), for `columns`
// columns starting at pair firstPair: 1 when identical.
static int bit_check(int side, int isMax, unsigned long long firstPair, int columns) {
    int plane = side * side, out = (side / 2) * (side / 2);
    float* src = host_random((size_t)C * B * plane, 6);
    float* dsrc = to_device(src, (size_t)C * B * plane);
    float* tmp = device_zeros((size_t)C * columns * plane);
    float* a = device_zeros((size_t)C * columns * out);
    float* b = device_zeros((size_t)C * columns * out);
    long long groups = ((long long)C * plane + 3) / 4 * columns;
    expand_dropout<<<(int)((groups + 255) / 256), 256>>>(dsrc, tmp, C, columns, plane, SEED, 3, THRESHOLD, 2.f, 0, firstPair, B, 0,
                                                          nullptr);
    launchCheck();
    long long outs = (long long)C * columns * out;
    if (isMax) max_pool<<<(int)((outs + 255) / 256), 256>>>(tmp, a, (long long)C * columns, side, side, 2, 2, 2, 2, 0, 0, 0, 0, 1, 1, side / 2, side / 2);
    else avg_pool<<<(int)((outs + 255) / 256), 256>>>(tmp, a, (long long)C * columns, side, side, 2, 2, 2, 2, 0, 0, 0, 0, 1, 1, side / 2, side / 2, 0);
    launchCheck();
    expand_dropout_pool<<<C * columns, 128>>>(dsrc, b, C, columns, side, side, 2, 2, side / 2, side / 2, isMax, SEED, 3,
                                              THRESHOLD, 2.f, 0, firstPair, B, 0, nullptr);
    launchCheck();
    size_t n = (size_t)C * columns * out, differ = 0;
    float* ha = to_host(a, n);
    float* hb = to_host(b, n);
    for (size_t i = 0; i < n; i++) differ += memcmp(&ha[i], &hb[i], 4) != 0;
    printf("  fused vs two kernels, %dx%d %s pooling from pair %llu: %s (%zu of %zu outputs differ)\n", side, side,
           isMax ? "max" : "average", firstPair, differ ? "FAIL" : "bit-identical", differ, n);
    cudaCheck(cudaFree(dsrc)); cudaCheck(cudaFree(tmp)); cudaCheck(cudaFree(a)); cudaCheck(cudaFree(b));
    free(src); free(ha); free(hb);
    return differ == 0;
}

int main(int argc, char** argv) {
    int only = argc > 1 ? atoi(argv[1]) : 0, columns = argc > 2 ? atoi(argv[2]) : 100000;
    cudaDeviceProp prop;
    cudaCheck(cudaGetDeviceProperties(&prop, 0));
    printf("expand+pool workbench on %s: %d columns of %d masks each\n", prop.name, columns, C * PLANE);
    float* src = host_random((size_t)C * B * PLANE, 5);
    float* dsrc = to_device(src, (size_t)C * B * PLANE);
    float* dtmp = device_zeros((size_t)C * columns * PLANE);
    float* out1 = device_zeros((size_t)C * columns * OUT);
    float* out2 = device_zeros((size_t)C * columns * OUT);
    run_version(1, dsrc, dtmp, out1, columns);
    run_version(2, dsrc, NULL, out2, columns);
    size_t n = (size_t)C * columns * OUT;
    float* a = to_host(out1, n);
    float* b = to_host(out2, n);
    size_t differ = 0;
    for (size_t i = 0; i < n; i++) differ += memcmp(&a[i], &b[i], 4) != 0;
    printf("  fused vs two kernels: %s (%zu of %zu outputs differ)\n", differ ? "FAIL" : "bit-identical", differ, n);
    // 26×26 planes are not a multiple of 32 elements: Philox blocks span two channels
    if (!bit_check(26, 0, 7, 2000) || !bit_check(26, 1, 12345, 2000)) differ++;
    const char* names[] = {"", "expand_dropout + max_pool", "expand_dropout_pool (fused)"};
    for (int v = 1; v <= 2; v++) {
        if (only && v != only) continue;
        float ms = time_ms([&] { run_version(v, dsrc, dtmp, v == 1 ? out1 : out2, columns); }, 10);
        double bytes = (double)columns * C * (v == 1 ? 2.0 * PLANE + OUT : OUT) * 4 + (double)columns * C * PLANE * 4;
        printf("version %d: %s: %.3f ms, %.2f M columns/s, %.2f G masks/s, ~%.0f GB/s moved\n", v, names[v], ms,
               columns / ms / 1e3, (double)columns * C * PLANE / ms / 1e6, bytes / ms / 1e6);
    }
    return differ ? 1 : 0;
}
