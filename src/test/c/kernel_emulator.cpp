/* kernel_emulator.cpp — runs one kernel of native-kernels/ on the CPU (see cuda_host_shim.h) for
 * KernelEmulation32Test/64Test. Protocol on stdin (whitespace separated):
 *   <op/kernel> <gridX> <gridY> <blockX> <blockY>
 *   <nBuffers>   then per buffer: <count> <count float bit patterns as int32>
 *   <nArgs>      then per argument: p <buffer> <elementOffset> | n (NULL) | i <int> | l <int64> | f <float bits>
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

#include "kernel_table.h" /* generated: includes every native-kernels/*.cu, then the dispatch table */

static std::vector<std::vector<float>> buffers;
struct Arg { char type; long long value; int buffer; long long offset; };
static std::vector<Arg> args;

static float* P(int k) { return args[k].buffer < 0 ? nullptr : buffers[args[k].buffer].data() + args[k].offset; }
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
        if (a.type == 'n') { a.buffer = -1; a.type = 'p'; }  /* NULL pointer */
        else if (a.type == 'p') { if (scanf("%d %lld", &a.buffer, &a.offset) != 2) return 2; }
        else if (scanf("%lld", &a.value) != 1) return 2;
    }
    std::string k = name;
    std::function<void()> f;
#define DISPATCH(op, kname, types, call) if (k == #op "/" #kname) f = [] { call; }; else
    MCDROP_KERNELS(DISPATCH) { fprintf(stderr, "unknown kernel %s\n", name); return 3; }
#undef DISPATCH
    run(grid, block, f);
    for (auto& b : buffers) {
        for (size_t i = 0; i < b.size(); i++) { int bits; std::memcpy(&bits, &b[i], 4); printf(i ? " %d" : "%d", bits); }
        printf("\n");
    }
    return 0;
}
