/* fakecuda.cpp — a stand-in libcuda.so.1 (the CUDA driver API) that runs on the CPU, for FakeDriverTest.
 *
 * Why: CudaBackend cannot run on CI, which has no GPU. With this library first on LD_LIBRARY_PATH the
 * unmodified backend runs end to end — JCuda's real JNI library (which links libcuda.so.1), our
 * kernel-argument blocks, PinnedStaging's pinned blocks and events, module loading from the shipped
 * PTX and (with fakecublas.c) the FFM cuBLAS bindings — and CudaBackendTest checks every op against
 * ReferenceBackend.
 *
 * What it does:
 *  - "Device" memory is host memory: one mmap per cuMemAlloc, with a PROT_NONE guard page right after
 *    the last byte (so device pointers are only 4-byte aligned, not 256), so a kernel that runs past
 *    the end of an allocation crashes the process. New allocations are filled with 0xFF bytes (NaN
 *    floats): real device memory is not zeroed either. The device has 8 GiB; fakecuda_set_total_bytes
 *    changes that, so running out of device memory can be tested without touching gigabytes.
 *  - Kernels are the real native-kernels sources compiled for the CPU with cuda_host_shim.h (as in
 *    KernelEmulation32Test) and dispatched through kernel_table.h. cuModuleLoadData parses the PTX it
 *    is handed: the ISA version (at most what its driver version knows: 9.0 as the CUDA 13.0 driver it
 *    is by default; fakecuda_set_driver_version makes it an older one, 8.0 for any 12.x, 7.8 for 11.8,
 *    which also changes cuDriverGetVersion's answer), each .entry's parameter list
 *    (checked against the table's argument types; it gives the byte sizes copied at launch), .maxntid,
 *    and whether the entry uses bar.sync. Such a kernel's block runs its CUDA threads as fibers,
 *    round-robin from one __syncthreads to the next (a barrier that some threads of a block reach and
 *    others do not is reported); other kernels run a block's threads one after another. Every block of
 *    the grid runs, one after another (or all of it last to first: fakecuda_set_reverse_schedule, which
 *    FakeDriverRun uses to show that no result depends on the order, i.e. no race changes an output
 *    between two barriers). The PTX code itself is not executed: the kernels run from the
 *    .cu sources, which PtxFreshnessTest ties the PTX to.
 *  - Streams are lazy: async copies, memsets, launches, event records and fakecublas' GEMMs are queued
 *    (with copies of their arguments) and run only when the host waits — cuStreamSynchronize,
 *    cuEventSynchronize (up to that event), a synchronous memcpy (which waits for the blocking
 *    streams, like the legacy default stream does), a free, an unload, a destroy. That is the laziest
 *    schedule a GPU may legally choose, so host code that reads a result or reuses a pinned block
 *    without waiting gets stale data here, every time.
 *  - Honesty: each call checks what a driver would and what matters here — cuInit first; a current
 *    context (the device's primary context, reference counted: released to zero it is destroyed with
 *    its memory, streams, events and modules); live handles; that copies, memsets and pointer
 *    arguments of launches lie inside live allocations; launch geometry (at least one block, grid
 *    limits, 1024 threads per block and the entry's .maxntid; no 3-D, dynamic shared memory or 'extra'
 *    launches, which nothing here uses); async copies only to or from pinned (cuMemAllocHost) memory.
 *    A failed check prints "fakecuda: ..." to stderr, is counted (fakecuda_errors(), which the test
 *    requires to stay 0) and returns the CUresult a driver would.
 *  - Every other driver function that JCuda links is a weak stub that reports an "unexpected call" the
 *    same way. The stubs are generated at test time (FakeDriverTest: `nm -D --undefined-only` of the
 *    libJCudaDriver-*.so in the jcuda-natives jar) rather than committed, so they follow whatever JCuda
 *    version the pom names; nm comes with binutils, which g++ needs anyway. Being weak, they need no
 *    list of what this file implements: its definitions override them at link time.
 *
 * What it cannot show: real asynchrony and concurrency (one host thread drains the queue; blocks run
 * one after another, so only races whose outcome depends on the order are found, by comparing the
 * forward and the reverse schedule), the PTX's own code and the driver's JIT, device
 * limits beyond the ones above (registers, shared memory size, occupancy), or speed.
 *
 * Build (FakeDriverTest does this into target/fake-cuda/):
 *   g++ -std=c++20 -O1 -pthread -ffp-contract=off -fPIC -shared -fvisibility=hidden \
 *       -Inative-kernels -Isrc/test/c src/test/c/fake_cuda/fakecuda.cpp stubs.cpp \
 *       -Wl,-soname,libcuda.so.1 -o lib/libcuda.so.1
 */
#define MCDROP_FIBER_SYNC
#include "cuda_host_shim.h"
#include <sys/mman.h>
#include <ucontext.h>
#include <unistd.h>
#include <cstdarg>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <deque>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <set>
#include <string>
#include <vector>

thread_local dim3 threadIdx;
dim3 blockIdx, blockDim, gridDim;
std::barrier<>* block_barrier; // unused here: MCDROP_FIBER_SYNC

#include "kernel_table.h" /* generated: includes every native-kernels/*.cu, then the dispatch table */

#define API extern "C" __attribute__((visibility("default")))
typedef unsigned long long DP; // CUdeviceptr

// CUresult values (cuda.h)
enum {
    OK = 0, INVALID_VALUE = 1, OUT_OF_MEMORY = 2, NOT_INITIALIZED = 3, INVALID_DEVICE = 101, INVALID_IMAGE = 200,
    NO_BINARY_FOR_GPU = 209,
    INVALID_CONTEXT = 201, UNSUPPORTED_PTX_VERSION = 222, INVALID_HANDLE = 400, NOT_FOUND = 500,
    ILLEGAL_ADDRESS = 700, NOT_SUPPORTED = 801
};

static std::recursive_mutex mu; // every entry point holds it: JCuda may call from any Java thread
#define LOCK std::lock_guard<std::recursive_mutex> guard(mu)

static int errors;
static int driverVersion = 13000; // what cuDriverGetVersion says (fakecuda_set_driver_version), and so the newest PTX ISA loaded
static int cubinsRefused;  // machine-code images handed to cuModuleLoadData (FakeDriverRun expects some)
static long long kernelsRun;

static int fail(int code, const char* fmt, ...) __attribute__((format(printf, 2, 3)));
static int fail(int code, const char* fmt, ...) {
    va_list ap;
    va_start(ap, fmt);
    fprintf(stderr, "fakecuda: ");
    vfprintf(stderr, fmt, ap);
    fprintf(stderr, " (CUresult %d)\n", code);
    fflush(stderr);
    va_end(ap);
    errors++;
    return code;
}

// ---- context ----

static bool initialized;
static int primaryRefs;
static char primaryContext; // its address is the CUcontext handle
thread_local void* currentContext;
static size_t totalBytes = 8ull << 30; // the device's memory (fakecuda_set_total_bytes)

static int needContext(const char* call) {
    if (!initialized) return fail(NOT_INITIALIZED, "%s before cuInit", call);
    if (currentContext != &primaryContext) return fail(INVALID_CONTEXT, "%s with no current context on this thread", call);
    if (primaryRefs == 0) return fail(INVALID_CONTEXT, "%s on the primary context after its last release", call);
    return OK;
}
#define NEED_CONTEXT do { if (int r_ = needContext(__func__)) return r_; } while (0)

// ---- memory ----

struct Allocation { size_t bytes; void* map; size_t mapBytes; };
static std::map<uintptr_t, Allocation> device; // base -> allocation
static std::map<uintptr_t, size_t> pinned;     // cuMemAllocHost blocks: base -> bytes
static size_t liveDeviceBytes;

/** True when [p, p+bytes) lies in one live device allocation (bytes == 0: p may be its end). */
static bool inDevice(uintptr_t p, size_t bytes) {
    auto it = device.upper_bound(p);
    if (it == device.begin()) return false;
    --it;
    return p >= it->first && p + bytes <= it->first + it->second.bytes && (bytes > 0 || p <= it->first + it->second.bytes);
}

static bool inPinned(uintptr_t p, size_t bytes) {
    auto it = pinned.upper_bound(p);
    if (it == pinned.begin()) return false;
    --it;
    return p >= it->first && p + bytes <= it->first + it->second;
}

// ---- streams and events: lazy queues ----

struct Stream {
    unsigned flags;
    std::deque<std::function<void()>> queue;
    unsigned long long issued = 0, done = 0;
};
struct Event { Stream* stream = nullptr; unsigned long long at = 0; };
static std::set<Stream*> streams;
static std::set<Event*> events;

static void drain(Stream* s, unsigned long long upTo) {
    while (s->done < upTo && !s->queue.empty()) {
        auto op = std::move(s->queue.front());
        s->queue.pop_front();
        op();
        s->done++;
    }
}
static void drain(Stream* s) { drain(s, s->issued); }
static void drainBlocking() { for (Stream* s : streams) if (s->flags == 0) drain(s); }
static void drainAll() { for (Stream* s : streams) drain(s); }

static bool legacy(void* s) { return s == nullptr || s == (void*)1; } // NULL or CU_STREAM_LEGACY

static int checkStream(void* s, const char* call) {
    if (legacy(s)) return OK;
    if (s == (void*)2) return fail(NOT_SUPPORTED, "%s on CU_STREAM_PER_THREAD (not emulated)", call);
    if (!streams.count((Stream*)s)) return fail(INVALID_HANDLE, "%s on unknown stream %p", call, s);
    return OK;
}

/** Queues op on stream s; the legacy stream waits for the blocking streams and runs it at once. */
static void enqueue(void* s, std::function<void()> op) {
    if (legacy(s)) {
        drainBlocking();
        op();
        return;
    }
    Stream* st = (Stream*)s;
    st->queue.push_back(std::move(op));
    st->issued++;
}

// ---- modules and functions ----

struct Kernel { const char* name; const char* types; void (*run)(); };
#define KERNEL_ENTRY(op, kname, types, call) {#kname, types, [] { call; }},
static void** params; // the launch being run: argument copies, read by P/I/L/F
static float* P(int k) { return *(float**)params[k]; }
static long long L(int k) { return *(long long*)params[k]; }
static int I(int k) { return *(int*)params[k]; }
static float F(int k) { return *(float*)params[k]; }
static const Kernel kernels[] = { MCDROP_KERNELS(KERNEL_ENTRY) };

struct Entry { std::string sizes; unsigned maxThreads = 1024; bool barrier = false; }; // sizes: '8' or '4' per param
struct Module { std::map<std::string, Entry> entries; };
struct Function { Module* module; const Kernel* kernel; Entry entry; };
static std::set<Module*> modules;
static std::set<Function*> functions;

/** Newest PTX ISA (×10) a driver of this version JIT-compiles; every 12.x counts as 12.0 (a lower bound). */
static int newestPtxIsa(int version) {
    if (version >= 13000) return 90;
    if (version >= 12000) return 80;
    if (version >= 11080) return 78;
    return 70;
}

/** Parses the .entry declarations of PTX text; false (with why) if it is not PTX this driver loads. */
static bool parsePtx(const std::string& ptx, Module* m, std::string* why, int* code) {
    size_t v = ptx.find(".version ");
    if (v == std::string::npos || ptx.find(".target ") == std::string::npos) { *why = "image is not PTX text"; *code = INVALID_IMAGE; return false; }
    int major = 0, minor = 0;
    if (sscanf(ptx.c_str() + v, ".version %d.%d", &major, &minor) != 2) { *why = "bad .version line"; *code = INVALID_IMAGE; return false; }
    int newest = newestPtxIsa(driverVersion);
    if (major * 10 + minor > newest) {
        *why = "PTX ISA " + std::to_string(major) + "." + std::to_string(minor) + " is newer than a CUDA " + std::to_string(driverVersion / 1000)
                + "." + std::to_string(driverVersion % 1000 / 10) + " driver's " + std::to_string(newest / 10) + "." + std::to_string(newest % 10);
        *code = UNSUPPORTED_PTX_VERSION;
        return false;
    }
    if (ptx.find(".address_size 64") == std::string::npos) { *why = "PTX is not .address_size 64"; *code = INVALID_IMAGE; return false; }
    for (size_t at = ptx.find(".entry "); at != std::string::npos;) {
        size_t open = ptx.find('(', at), close = ptx.find(')', open);
        if (open == std::string::npos || close == std::string::npos) { *why = "truncated .entry"; *code = INVALID_IMAGE; return false; }
        std::string name = ptx.substr(at + 7, open - at - 7);
        while (!name.empty() && isspace((unsigned char)name.back())) name.pop_back();
        Entry e;
        std::string plist = ptx.substr(open + 1, close - open - 1);
        for (size_t p = plist.find(".param ."); p != std::string::npos; p = plist.find(".param .", p + 1)) {
            std::string type = plist.substr(p + 8, 3);
            if (type == "u64" || type == "s64" || type == "b64") e.sizes += '8';
            else if (type == "u32" || type == "s32" || type == "b32" || type == "f32") e.sizes += '4';
            else { *why = "entry " + name + ": parameter type ." + type + " not emulated"; *code = INVALID_IMAGE; return false; }
        }
        size_t body = ptx.find('{', close);
        size_t next = ptx.find(".entry ", close);
        std::string head = ptx.substr(close, body - close);
        unsigned x = 1, y = 1, z = 1;
        size_t mx = head.find(".maxntid ");
        if (mx != std::string::npos && sscanf(head.c_str() + mx, ".maxntid %u, %u, %u", &x, &y, &z) >= 1) e.maxThreads = x * y * z;
        std::string text = ptx.substr(body, next == std::string::npos ? std::string::npos : next - body);
        e.barrier = text.find("bar.sync") != std::string::npos || text.find("barrier.sync") != std::string::npos
                || text.find("bar.red") != std::string::npos;
        m->entries[name] = e;
        at = next;
    }
    if (m->entries.empty()) { *why = "PTX has no .entry"; *code = INVALID_IMAGE; return false; }
    return true;
}

// ---- the API ----

API int cuInit(unsigned flags) {
    LOCK;
    if (flags != 0) return fail(INVALID_VALUE, "cuInit flags %u (must be 0)", flags);
    initialized = true;
    return OK;
}
API int cuDriverGetVersion(int* v) {
    if (!v) return fail(INVALID_VALUE, "cuDriverGetVersion(NULL)");
    LOCK;
    *v = driverVersion;
    return OK;
}
API int cuDeviceGetCount(int* c) {
    LOCK;
    if (!initialized) return fail(NOT_INITIALIZED, "cuDeviceGetCount before cuInit");
    *c = 1;
    return OK;
}
static int checkDevice(int d, const char* call) {
    if (!initialized) return fail(NOT_INITIALIZED, "%s before cuInit", call);
    if (d != 0) return fail(INVALID_DEVICE, "%s: device %d (there is one, 0)", call, d);
    return OK;
}
API int cuDeviceGet(int* d, int ordinal) {
    LOCK;
    if (int r = checkDevice(ordinal, __func__)) return r;
    *d = ordinal;
    return OK;
}
API int cuDeviceGetName(char* name, int len, int d) {
    LOCK;
    if (int r = checkDevice(d, __func__)) return r;
    if (!name || len <= 0) return fail(INVALID_VALUE, "cuDeviceGetName buffer %p length %d", name, len);
    snprintf(name, len, "mcdrop fakecuda (CPU emulation)");
    return OK;
}
API int cuDeviceGetAttribute(int* v, int attribute, int d) {
    LOCK;
    if (int r = checkDevice(d, __func__)) return r;
    switch (attribute) {
        case 75: *v = 9; return OK; // CU_DEVICE_ATTRIBUTE_COMPUTE_CAPABILITY_MAJOR
        case 76: *v = 0; return OK; // ..._MINOR
        default: return fail(NOT_SUPPORTED, "cuDeviceGetAttribute(%d): attribute not emulated", attribute);
    }
}
API int cuDeviceTotalMem_v2(size_t* bytes, int d) {
    LOCK;
    if (int r = checkDevice(d, __func__)) return r;
    *bytes = totalBytes;
    return OK;
}
API int cuMemGetInfo_v2(size_t* freeBytes, size_t* total) {
    LOCK;
    NEED_CONTEXT;
    *freeBytes = liveDeviceBytes > totalBytes ? 0 : totalBytes - liveDeviceBytes;
    *total = totalBytes;
    return OK;
}

static void destroyContextState();

API int cuDevicePrimaryCtxRetain(void** ctx, int d) {
    LOCK;
    if (int r = checkDevice(d, __func__)) return r;
    primaryRefs++;
    *ctx = &primaryContext;
    return OK;
}
API int cuDevicePrimaryCtxRelease_v2(int d) {
    LOCK;
    if (int r = checkDevice(d, __func__)) return r;
    if (primaryRefs == 0) return fail(INVALID_CONTEXT, "cuDevicePrimaryCtxRelease without a retain");
    if (--primaryRefs == 0) destroyContextState();
    return OK;
}
API int cuCtxSetCurrent(void* ctx) {
    LOCK;
    if (!initialized) return fail(NOT_INITIALIZED, "cuCtxSetCurrent before cuInit");
    if (ctx != nullptr && ctx != &primaryContext) return fail(INVALID_CONTEXT, "cuCtxSetCurrent(%p): not a context", ctx);
    currentContext = ctx;
    return OK;
}

API int cuStreamCreate(void** s, unsigned flags) {
    LOCK;
    NEED_CONTEXT;
    if (flags > 1) return fail(INVALID_VALUE, "cuStreamCreate flags %u", flags);
    Stream* st = new Stream();
    st->flags = flags;
    streams.insert(st);
    *s = st;
    return OK;
}
API int cuStreamDestroy_v2(void* s) {
    LOCK;
    NEED_CONTEXT;
    if (legacy(s) || !streams.count((Stream*)s)) return fail(INVALID_HANDLE, "cuStreamDestroy(%p): not a stream", s);
    drain((Stream*)s);
    streams.erase((Stream*)s);
    delete (Stream*)s;
    return OK;
}
API int cuStreamSynchronize(void* s) {
    LOCK;
    NEED_CONTEXT;
    if (int r = checkStream(s, __func__)) return r;
    if (legacy(s)) drainBlocking();
    else drain((Stream*)s);
    return OK;
}

API int cuEventCreate(void** e, unsigned flags) {
    LOCK;
    NEED_CONTEXT;
    if (flags > 7) return fail(INVALID_VALUE, "cuEventCreate flags %u", flags);
    Event* ev = new Event();
    events.insert(ev);
    *e = ev;
    return OK;
}
API int cuEventDestroy_v2(void* e) {
    LOCK;
    NEED_CONTEXT;
    if (!events.count((Event*)e)) return fail(INVALID_HANDLE, "cuEventDestroy(%p): not an event", e);
    events.erase((Event*)e);
    delete (Event*)e;
    return OK;
}
API int cuEventRecord(void* e, void* s) {
    LOCK;
    NEED_CONTEXT;
    if (!events.count((Event*)e)) return fail(INVALID_HANDLE, "cuEventRecord(%p): not an event", e);
    if (int r = checkStream(s, __func__)) return r;
    Event* ev = (Event*)e;
    if (legacy(s)) { drainBlocking(); ev->stream = nullptr; return OK; }
    ev->stream = (Stream*)s;
    ev->at = ev->stream->issued; // complete once everything queued so far has run
    return OK;
}
API int cuEventSynchronize(void* e) {
    LOCK;
    NEED_CONTEXT;
    if (!events.count((Event*)e)) return fail(INVALID_HANDLE, "cuEventSynchronize(%p): not an event", e);
    Event* ev = (Event*)e;
    if (ev->stream) {
        if (!streams.count(ev->stream)) return fail(INVALID_HANDLE, "cuEventSynchronize: the event's stream was destroyed");
        drain(ev->stream, ev->at);
    }
    return OK;
}

API int cuModuleLoadData(void** module, const void* image) {
    LOCK;
    NEED_CONTEXT;
    if (!module || !image) return fail(INVALID_VALUE, "cuModuleLoadData(%p, %p)", (void*)module, image);
    // Machine code (an ELF cubin) cannot run here: answer as a driver does for a GPU it was not built
    // for. Not counted as an error: the backend is expected to fall back to the PTX.
    const unsigned char* bytes = (const unsigned char*)image;
    if (bytes[0] == 0x7f && bytes[1] == 'E' && bytes[2] == 'L' && bytes[3] == 'F') {
        cubinsRefused++;
        return NO_BINARY_FOR_GPU;
    }
    Module* m = new Module();
    std::string why;
    int code = OK;
    if (!parsePtx((const char*)image, m, &why, &code)) {
        delete m;
        return fail(code, "cuModuleLoadData: %s", why.c_str());
    }
    modules.insert(m);
    *module = m;
    return OK;
}
API int cuModuleUnload(void* module) {
    LOCK;
    NEED_CONTEXT;
    Module* m = (Module*)module;
    if (!modules.count(m)) return fail(INVALID_HANDLE, "cuModuleUnload(%p): not a module", module);
    drainAll();
    for (auto it = functions.begin(); it != functions.end();) {
        if ((*it)->module == m) { delete *it; it = functions.erase(it); }
        else ++it;
    }
    modules.erase(m);
    delete m;
    return OK;
}
API int cuModuleGetFunction(void** f, void* module, const char* name) {
    LOCK;
    NEED_CONTEXT;
    Module* m = (Module*)module;
    if (!modules.count(m)) return fail(INVALID_HANDLE, "cuModuleGetFunction(%s): %p is not a module", name, module);
    auto e = m->entries.find(name);
    if (e == m->entries.end()) return fail(NOT_FOUND, "cuModuleGetFunction: no .entry %s in the module", name);
    const Kernel* k = nullptr;
    for (const Kernel& c : kernels) if (strcmp(c.name, name) == 0) k = &c;
    if (!k) return fail(NOT_FOUND, "no CPU emulation of kernel %s: kernel_table.h (generated by KernelTable.java from native-kernels/*.cu) lacks it", name);
    std::string sizes;
    for (const char* t = k->types; *t; t++) sizes += (*t == 'p' || *t == 'l') ? '8' : '4';
    if (sizes != e->second.sizes) {
        return fail(NOT_FOUND, "kernel %s: PTX parameter sizes %s but kernel_table.h types %s", name, e->second.sizes.c_str(), k->types);
    }
    Function* fn = new Function{m, k, e->second};
    functions.insert(fn);
    *f = fn;
    return OK;
}

API int cuMemAlloc_v2(DP* p, size_t bytes) {
    LOCK;
    NEED_CONTEXT;
    if (!p || bytes == 0) return fail(INVALID_VALUE, "cuMemAlloc(%p, %zu)", (void*)p, bytes);
    if (liveDeviceBytes > totalBytes || bytes > totalBytes - liveDeviceBytes) return OUT_OF_MEMORY; // a legal answer, not an error of the caller
    size_t page = (size_t)sysconf(_SC_PAGESIZE);
    size_t body = (bytes + page - 1) / page * page, total = body + page;
    void* map = mmap(nullptr, total, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
    if (map == MAP_FAILED) return OUT_OF_MEMORY;
    char* guardPage = (char*)map + body;
    mprotect(guardPage, page, PROT_NONE);
    char* base = guardPage - ((bytes + 3) & ~(size_t)3); // the last float ends at the guard page
    memset(base, 0xFF, bytes);                              // not zeroed: NaN until written
    device[(uintptr_t)base] = {bytes, map, total};
    liveDeviceBytes += bytes;
    *p = (DP)base;
    return OK;
}
API int cuMemFree_v2(DP p) {
    LOCK;
    NEED_CONTEXT;
    auto it = device.find((uintptr_t)p);
    if (it == device.end()) return fail(INVALID_VALUE, "cuMemFree(0x%llx): not the start of a live allocation", p);
    drainAll(); // pending work may still use it
    liveDeviceBytes -= it->second.bytes;
    munmap(it->second.map, it->second.mapBytes);
    device.erase(it);
    return OK;
}
API int cuMemAllocHost_v2(void** p, size_t bytes) {
    LOCK;
    NEED_CONTEXT;
    if (!p || bytes == 0) return fail(INVALID_VALUE, "cuMemAllocHost(%p, %zu)", (void*)p, bytes);
    void* block = malloc(bytes);
    if (!block) return OUT_OF_MEMORY;
    memset(block, 0xFF, bytes);
    pinned[(uintptr_t)block] = bytes;
    *p = block;
    return OK;
}
API int cuMemFreeHost(void* p) {
    LOCK;
    NEED_CONTEXT;
    auto it = pinned.find((uintptr_t)p);
    if (it == pinned.end()) return fail(INVALID_VALUE, "cuMemFreeHost(%p): not a cuMemAllocHost block", p);
    drainAll();
    free(p);
    pinned.erase(it);
    return OK;
}

API int cuMemcpyHtoD_v2(DP dst, const void* src, size_t bytes) {
    LOCK;
    NEED_CONTEXT;
    if (!inDevice(dst, bytes)) return fail(INVALID_VALUE, "cuMemcpyHtoD: [0x%llx, +%zu) is not inside one device allocation", dst, bytes);
    drainBlocking(); // the legacy default stream waits for blocking streams
    if (bytes) memcpy((void*)dst, src, bytes);
    return OK;
}
API int cuMemcpyDtoH_v2(void* dst, DP src, size_t bytes) {
    LOCK;
    NEED_CONTEXT;
    if (!inDevice(src, bytes)) return fail(INVALID_VALUE, "cuMemcpyDtoH: [0x%llx, +%zu) is not inside one device allocation", src, bytes);
    drainBlocking();
    if (bytes) memcpy(dst, (const void*)src, bytes);
    return OK;
}
API int cuMemcpyHtoDAsync_v2(DP dst, const void* src, size_t bytes, void* s) {
    LOCK;
    NEED_CONTEXT;
    if (int r = checkStream(s, __func__)) return r;
    if (!inDevice(dst, bytes)) return fail(INVALID_VALUE, "cuMemcpyHtoDAsync: [0x%llx, +%zu) is not inside one device allocation", dst, bytes);
    if (!inPinned((uintptr_t)src, bytes)) {
        return fail(INVALID_VALUE, "cuMemcpyHtoDAsync from pageable memory %p (+%zu): mcdrop copies asynchronously only from pinned staging blocks", src, bytes);
    }
    enqueue(s, [=] { memcpy((void*)dst, src, bytes); }); // reads the pinned block when it runs
    return OK;
}
API int cuMemcpyDtoHAsync_v2(void* dst, DP src, size_t bytes, void* s) {
    LOCK;
    NEED_CONTEXT;
    if (int r = checkStream(s, __func__)) return r;
    if (!inDevice(src, bytes)) return fail(INVALID_VALUE, "cuMemcpyDtoHAsync: [0x%llx, +%zu) is not inside one device allocation", src, bytes);
    if (!inPinned((uintptr_t)dst, bytes)) {
        return fail(INVALID_VALUE, "cuMemcpyDtoHAsync to pageable memory %p (+%zu): mcdrop copies asynchronously only into pinned staging blocks", dst, bytes);
    }
    enqueue(s, [=] { memcpy(dst, (const void*)src, bytes); });
    return OK;
}
API int cuMemcpyDtoDAsync_v2(DP dst, DP src, size_t bytes, void* s) {
    LOCK;
    NEED_CONTEXT;
    if (int r = checkStream(s, __func__)) return r;
    if (!inDevice(src, bytes)) return fail(INVALID_VALUE, "cuMemcpyDtoDAsync: source [0x%llx, +%zu) is not inside one device allocation", src, bytes);
    if (!inDevice(dst, bytes)) return fail(INVALID_VALUE, "cuMemcpyDtoDAsync: destination [0x%llx, +%zu) is not inside one device allocation", dst, bytes);
    if (src < dst + bytes && dst < src + bytes) return fail(INVALID_VALUE, "cuMemcpyDtoDAsync: [0x%llx, +%zu) and [0x%llx, +%zu) overlap", src, bytes, dst, bytes);
    enqueue(s, [=] { memcpy((void*)dst, (const void*)src, bytes); });
    return OK;
}
API int cuMemsetD32Async(DP dst, unsigned value, size_t count, void* s) {
    LOCK;
    NEED_CONTEXT;
    if (int r = checkStream(s, __func__)) return r;
    if (dst % 4 != 0 || !inDevice(dst, count * 4)) return fail(INVALID_VALUE, "cuMemsetD32Async: [0x%llx, +%zu words) is not inside one device allocation", dst, count);
    enqueue(s, [=] { unsigned* p = (unsigned*)dst; for (size_t i = 0; i < count; i++) p[i] = value; });
    return OK;
}

// A block of a kernel with __syncthreads: its CUDA threads are fibers (ucontext) on the draining
// thread, run round-robin from one __syncthreads to the next. Much cheaper than an OS thread per CUDA
// thread, and it sees a barrier that some threads of a block reach and others skip.
struct Fiber { ucontext_t context; std::unique_ptr<char[]> stack; bool finished; };
static const size_t FIBER_STACK = 256 << 10;
static std::vector<Fiber> fibers;
static ucontext_t scheduler;
static unsigned runningFiber;
static const Kernel* fiberKernel;
// fakecuda_set_reverse_schedule: run blocks, and a block's threads within each round, last to first.
// Results of race-free kernels cannot depend on it; FakeDriverRun compares both schedules bit for bit.
static bool reverseSchedule = false;

void mcdrop_syncthreads() { swapcontext(&fibers[runningFiber].context, &scheduler); }

static void fiberMain() {
    fiberKernel->run();
    fibers[runningFiber].finished = true; // then uc_link: back to the scheduler
}

/** Runs block blockIdx of k with bx×by fiber threads; false if its threads disagreed on a __syncthreads. */
static bool runBlockWithFibers(const Kernel* k, unsigned bx, unsigned by) {
    unsigned n = bx * by;
    if (fibers.size() < n) fibers.resize(n);
    fiberKernel = k;
    for (unsigned t = 0; t < n; t++) {
        Fiber& f = fibers[t];
        if (!f.stack) f.stack.reset(new char[FIBER_STACK]);
        getcontext(&f.context);
        f.context.uc_stack.ss_sp = f.stack.get();
        f.context.uc_stack.ss_size = FIBER_STACK;
        f.context.uc_link = &scheduler;
        makecontext(&f.context, fiberMain, 0);
        f.finished = false;
    }
    for (;;) { // one round: every thread runs to its next __syncthreads or its end
        unsigned finished = 0;
        for (unsigned i = 0; i < n; i++) {
            unsigned t = reverseSchedule ? n - 1 - i : i;
            runningFiber = t;
            threadIdx.x = t % bx; threadIdx.y = t / bx; threadIdx.z = 0;
            swapcontext(&scheduler, &fibers[t].context);
            finished += fibers[t].finished;
        }
        if (finished == n) return true;
        if (finished != 0) return false; // some threads ended while others wait at a barrier
    }
}

/** Runs one launch (argument copies in args) on the CPU, block after block. */
static void runKernel(const Kernel* k, bool barrier, std::vector<void*> args, std::shared_ptr<std::vector<unsigned char>> storage,
                      unsigned gx, unsigned gy, unsigned bx, unsigned by) {
    params = args.data();
    gridDim.x = gx; gridDim.y = gy; gridDim.z = 1;
    blockDim.x = bx; blockDim.y = by; blockDim.z = 1;
    unsigned n = bx * by;
    for (unsigned yi = 0; yi < gy; yi++)
        for (unsigned xi = 0; xi < gx; xi++) {
            unsigned x = reverseSchedule ? gx - 1 - xi : xi, y = reverseSchedule ? gy - 1 - yi : yi;
            blockIdx.x = x; blockIdx.y = y; blockIdx.z = 0;
            if (barrier) {
                if (!runBlockWithFibers(k, bx, by)) {
                    fail(ILLEGAL_ADDRESS, "kernel %s block (%u, %u): __syncthreads reached by some threads of the block but not all", k->name, x, y);
                    params = nullptr;
                    return;
                }
                continue;
            }
            for (unsigned i = 0; i < n; i++) {
                unsigned t = reverseSchedule ? n - 1 - i : i;
                threadIdx.x = t % bx; threadIdx.y = t / bx; threadIdx.z = 0;
                k->run();
            }
        }
    params = nullptr;
    kernelsRun++;
}

API int cuLaunchKernel(void* f, unsigned gx, unsigned gy, unsigned gz, unsigned bx, unsigned by, unsigned bz,
                       unsigned sharedBytes, void* s, void** kernelParams, void** extra) {
    LOCK;
    NEED_CONTEXT;
    Function* fn = (Function*)f;
    if (!functions.count(fn)) return fail(INVALID_HANDLE, "cuLaunchKernel(%p): not a function of a loaded module", f);
    const char* name = fn->kernel->name;
    if (int r = checkStream(s, __func__)) return r;
    if (gx < 1 || gx > 0x7fffffffu || gy < 1 || gy > 65535 || gz < 1 || gz > 65535)
        return fail(INVALID_VALUE, "launch %s: grid %ux%ux%u outside 1..2^31-1 x 1..65535 x 1..65535", name, gx, gy, gz);
    if (bx < 1 || bx > 1024 || by < 1 || by > 1024 || bz < 1 || bz > 64 || (unsigned long long)bx * by * bz > 1024)
        return fail(INVALID_VALUE, "launch %s: block %ux%ux%u outside the 1024-thread limits", name, bx, by, bz);
    if ((unsigned long long)bx * by * bz > fn->entry.maxThreads)
        return fail(INVALID_VALUE, "launch %s: %u threads per block exceed its .maxntid %u", name, bx * by * bz, fn->entry.maxThreads);
    if (gz != 1 || bz != 1) return fail(NOT_SUPPORTED, "launch %s: 3-D grids and blocks are not emulated", name);
    if (sharedBytes != 0) return fail(NOT_SUPPORTED, "launch %s: %u bytes of dynamic shared memory (none of the kernels declares any)", name, sharedBytes);
    if (extra) return fail(NOT_SUPPORTED, "launch %s: the 'extra' parameter form is not emulated", name);
    const std::string& sizes = fn->entry.sizes;
    if (!kernelParams && !sizes.empty()) return fail(INVALID_VALUE, "launch %s: no kernelParams", name);
    // The driver copies the argument values at launch: so do we (the caller may reuse its block at once).
    auto storage = std::make_shared<std::vector<unsigned char>>(sizes.size() * 8);
    std::vector<void*> args(sizes.size());
    for (size_t i = 0; i < sizes.size(); i++) {
        unsigned char* slot = storage->data() + 8 * i;
        if (!kernelParams[i]) return fail(INVALID_VALUE, "launch %s: kernelParams[%zu] is NULL", name, i);
        memcpy(slot, kernelParams[i], sizes[i] == '8' ? 8 : 4);
        args[i] = slot;
        if (fn->kernel->types[i] == 'p') {
            uintptr_t p;
            memcpy(&p, slot, 8);
            // NULL is a value a kernel may test (mask_image's optional key table); any other address must be device memory
            if (p != 0 && !inDevice(p, 0)) return fail(ILLEGAL_ADDRESS, "launch %s: argument %zu = 0x%lx is not device memory", name, i, (unsigned long)p);
        }
    }
    const Kernel* k = fn->kernel;
    bool barrier = fn->entry.barrier;
    enqueue(s, [=] { runKernel(k, barrier, args, storage, gx, gy, bx, by); });
    return OK;
}

/** Primary context released for the last time: its work finishes, then everything it owned goes. */
static void destroyContextState() {
    drainAll();
    for (Stream* s : streams) delete s;
    streams.clear();
    for (Event* e : events) delete e;
    events.clear();
    for (Function* f : functions) delete f;
    functions.clear();
    for (Module* m : modules) delete m;
    modules.clear();
    for (auto& [base, a] : device) munmap(a.map, a.mapBytes);
    device.clear();
    liveDeviceBytes = 0;
    for (auto& [base, bytes] : pinned) free((void*)base);
    pinned.clear();
}

// ---- for the generated stubs, fakecublas.c and the test ----

/** Every driver function the fake does not implement reports here (see FakeDriverTest's stub generator). */
API int fakecuda_unexpected(const char* function) {
    LOCK;
    return fail(NOT_SUPPORTED, "unexpected call %s: the fake driver does not implement it", function);
}
/** Number of failed checks so far (the test requires 0). */
API int fakecuda_errors(void) { LOCK; return errors; }
/** 1: blocks and threads run last to first from now on; 0: first to last (the default). */
API void fakecuda_set_reverse_schedule(int on) { LOCK; reverseSchedule = on != 0; }
/** Makes this fake a driver for CUDA version/1000 . version%1000/10 (13000 at load). */
API void fakecuda_set_driver_version(int version) { LOCK; driverVersion = version; }
/** The device's memory from now on: cuMemGetInfo, cuDeviceTotalMem and cuMemAlloc's OUT_OF_MEMORY follow it. */
API void fakecuda_set_total_bytes(long long bytes) { LOCK; totalBytes = (size_t)bytes; }
API int fakecuda_cubins_refused(void) { LOCK; return cubinsRefused; }
/** Kernel launches run so far. */
API long long fakecuda_kernels_run(void) { LOCK; return kernelsRun; }
/** Live cuMemAlloc bytes. */
API long long fakecuda_live_device_bytes(void) { LOCK; return (long long)liveDeviceBytes; }
/** fakecublas: reports a failed check (printed, counted). */
API void fakecuda_report(const char* message) { LOCK; fail(INVALID_VALUE, "%s", message); }
/** fakecublas: 0 if a context is current on this thread. */
API int fakecuda_need_context(const char* call) { LOCK; return needContext(call); }
/** fakecublas: 0 if s is a live stream (or the legacy stream). */
API int fakecuda_check_stream(void* s, const char* call) { LOCK; return checkStream(s, call); }
/** fakecublas: 1 if [p, p+bytes) is inside one live device allocation. */
API int fakecuda_in_device(unsigned long long p, size_t bytes) { LOCK; return inDevice(p, bytes); }
/** fakecublas: queues run(arg) on stream s (then free(arg)), like a library call on a stream. */
API void fakecuda_enqueue(void* s, void (*run)(void*), void* arg) {
    LOCK;
    enqueue(s, [=] { run(arg); free(arg); });
}
