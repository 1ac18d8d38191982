/* kernel_emulator.cpp — runs one kernel of native-kernels/ on the CPU (see cuda_host_shim.h) for
 * KernelEmulation32Test/64Test. Protocol on stdin (whitespace separated):
 *   <op/kernel> <gridX> <gridY> <blockX> <blockY>
 *   <nBuffers>   then per buffer: <count> <count float bit patterns as int32>
 *   <nArgs>      then per argument: p <buffer> <elementOffset> | i <int> | l <int64> | f <float bits>
 * Prints every buffer's final contents (bit patterns) on one line each. */
#include "cuda_host_shim.h"
#include <cstdio>
#include <cstring>
#include <functional>
#include <string>
#include <thread>
#include <vector>

thread_local dim3 threadIdx;
dim3 blockIdx, blockDim, gridDim;
std::barrier<>* block_barrier;

#include "philox.cuh"
#include "im2col.cu"
#include "bias_activation.cu"
#include "pool.cu"
#include "softmax.cu"
#include "mc_reduce.cu"
#include "gemm.cu"

static std::vector<std::vector<float>> buffers;
struct Arg { char type; long long value; int buffer; long long offset; };
static std::vector<Arg> args;

static float* P(int k) { return buffers[args[k].buffer].data() + args[k].offset; }
static long long L(int k) { return args[k].value; }
static int I(int k) { return (int)args[k].value; }
static float F(int k) { int bits = (int)args[k].value; float f; std::memcpy(&f, &bits, 4); return f; }

static void run(dim3 grid, dim3 block, const std::function<void()>& kernel) {
    gridDim = grid;
    blockDim = block;
    unsigned int n = block.x * block.y;
    for (unsigned int by = 0; by < grid.y; by++)
        for (unsigned int bx = 0; bx < grid.x; bx++) {
            blockIdx.x = bx; blockIdx.y = by; blockIdx.z = 0;
            std::barrier<> barrier(n);
            block_barrier = &barrier;
            std::vector<std::thread> threads;
            for (unsigned int t = 0; t < n; t++)
                threads.emplace_back([&, t] { threadIdx.x = t % block.x; threadIdx.y = t / block.x; threadIdx.z = 0; kernel(); });
            for (auto& th : threads) th.join();
        }
}

int main() {
    char name[128];
    dim3 grid, block;
    if (scanf("%127s %u %u %u %u", name, &grid.x, &grid.y, &block.x, &block.y) != 5) return 2;
    int nb;
    if (scanf("%d", &nb) != 1) return 2;
    buffers.resize(nb);
    for (auto& b : buffers) {
        long long count;
        if (scanf("%lld", &count) != 1) return 2;
        b.resize(count);
        for (auto& v : b) { int bits; if (scanf("%d", &bits) != 1) return 2; std::memcpy(&v, &bits, 4); }
    }
    int na;
    if (scanf("%d", &na) != 1) return 2;
    args.resize(na);
    for (auto& a : args) {
        char t[4];
        if (scanf("%3s", t) != 1) return 2;
        a.type = t[0];
        if (a.type == 'p') { if (scanf("%d %lld", &a.buffer, &a.offset) != 2) return 2; }
        else if (scanf("%lld", &a.value) != 1) return 2;
    }
    std::string k = name;
    std::function<void()> f;
    if (k == "im2col/im2col") f = [] { im2col(P(0), P(1), I(2), I(3), I(4), I(5), I(6), I(7), I(8), I(9), I(10), L(11)); };
    else if (k == "im2col/flatten") f = [] { flatten(P(0), P(1), I(2), L(3), L(4)); };
    else if (k == "bias_activation/bias_act") f = [] { bias_act(P(0), P(1), I(2), L(3), L(4), I(5)); };
    else if (k == "bias_activation/bias_act_dropout") f = [] { bias_act_dropout(P(0), P(1), I(2), L(3), L(4), I(5), L(6), I(7), I(8), F(9), I(10), L(11), I(12), L(13)); };
    else if (k == "bias_activation/expand_dropout") f = [] { expand_dropout(P(0), P(1), I(2), L(3), L(4), L(5), I(6), I(7), F(8), I(9), L(10), I(11), L(12)); };
    else if (k == "pool/max_pool") f = [] { max_pool(P(0), P(1), L(2), I(3), I(4), I(5), I(6), I(7), I(8)); };
    else if (k == "pool/avg_pool") f = [] { avg_pool(P(0), P(1), L(2), I(3), I(4), I(5), I(6), I(7), I(8)); };
    else if (k == "softmax/softmax_columns") f = [] { softmax_columns(P(0), P(1), I(2), L(3)); };
    else if (k == "mc_reduce/mc_accumulate") f = [] { mc_accumulate(P(0), P(1), I(2), L(3), L(4), I(5)); };
    else if (k == "gemm/sgemm_nn") f = [] { sgemm_nn(I(0), I(1), I(2), P(3), P(4), F(5), P(6)); };
    else if (k == "gemm/sgemm_nt") f = [] { sgemm_nt(I(0), I(1), I(2), P(3), P(4), F(5), P(6)); };
    else if (k == "gemm/sgemm_tn") f = [] { sgemm_tn(I(0), I(1), I(2), P(3), P(4), F(5), P(6)); };
    else if (k == "gemm/sgemm_tt") f = [] { sgemm_tt(I(0), I(1), I(2), P(3), P(4), F(5), P(6)); };
    else { fprintf(stderr, "unknown kernel %s\n", name); return 3; }
    run(grid, block, f);
    for (auto& b : buffers) {
        for (size_t i = 0; i < b.size(); i++) { int bits; std::memcpy(&bits, &b[i], 4); printf(i ? " %d" : "%d", bits); }
        printf("\n");
    }
    return 0;
}
