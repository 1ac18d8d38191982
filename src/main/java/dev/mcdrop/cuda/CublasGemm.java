package dev.mcdrop.cuda;

import static java.lang.foreign.ValueLayout.ADDRESS;
import static java.lang.foreign.ValueLayout.JAVA_FLOAT;
import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_LONG;

import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.SymbolLookup;
import java.lang.invoke.MethodHandle;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * cuBLAS SGEMM through Java's FFM API (java.lang.foreign), the one place that knows cuBLAS.
 *
 * <h2>Why FFM and not JCublas</h2>
 * JCublas 12.6 binds CUDA 12's libcublas only; FFM binds whichever cuBLAS is installed
 * ({@code libcublas.so.13}, then {@code .so.12}, or an explicit path from
 * {@link CudaOptions#cublasPath()} / {@code -Dmcdrop.cublas=...}) by its stable C ABI.
 *
 * <h2>Row-major on a column-major library</h2>
 * Our matrices are row-major; cuBLAS is column-major. A row-major M[r×c] is, byte for byte, the
 * column-major Mᵀ[c×r] with leading dimension c. So row-major C[m×n] = op(A)·op(B) is computed
 * as the column-major Cᵀ[n×m] = op(B)ᵀ·op(A)ᵀ: call
 * {@code cublasSgemm(opB, opA, n, m, k, 1, B, ldb, A, lda, beta, C, n)}, where (rows of the
 * stored row-major matrix = leading dimension) ldb = transB ? k : n, lda = transA ? m : k, and
 * opX = transX ? T : N.
 *
 * <h2>Pointers</h2>
 * Handles, device pointers, the stream and the host alpha/beta are passed as 64-bit integers
 * (JAVA_LONG), which on x86-64/aarch64 is exactly how a pointer argument is passed; this avoids a
 * MemorySegment per call. alpha/beta live in one segment allocated at open (pointer mode host:
 * cuBLAS reads them before the call returns).
 *
 * <h2>Precision</h2>
 * Math mode CUBLAS_DEFAULT_MATH (0) always. {@link GemmPrecision#FP32} calls
 * {@code cublasSgemm_v2}: strict FP32, no TF32. The other precisions call {@code cublasGemmEx}
 * with the same arguments, every matrix CUDA_R_32F (0), algorithm CUBLAS_GEMM_DEFAULT (−1) and
 * the precision's "fast" compute type, so cuBLAS may round the inputs to TF32, FP16 or BF16 for
 * tensor cores while storage and accumulation stay FP32.
 */
final class CublasGemm implements AutoCloseable {
    static final int CUBLAS_OP_N = 0, CUBLAS_OP_T = 1;
    private static final int CUBLAS_DEFAULT_MATH = 0;
    private static final int CUDA_R_32F = 0, CUDA_R_16F = 2, CUDA_R_16BF = 14, CUBLAS_GEMM_DEFAULT = -1;
    private static final int CUBLAS_COMPUTE_32F = 68;

    private final Arena arena;
    private final String libraryName;
    private final MethodHandle destroy, sgemm, gemmEx;
    private final MemorySegment scalars; // [alpha, beta] floats
    private final long handle;
    private final int version;
    private final GemmPrecision precision;
    // why a cuBLAS the user named (option or -Dmcdrop.cublas) was passed over for this one; null when it was not
    private String passedOver;

    private CublasGemm(Arena arena, String libraryName, MethodHandle destroy, MethodHandle sgemm, MethodHandle gemmEx,
                       MemorySegment scalars, long handle, int version, GemmPrecision precision) {
        this.arena = arena;
        this.libraryName = libraryName;
        this.destroy = destroy;
        this.sgemm = sgemm;
        this.gemmEx = gemmEx;
        this.scalars = scalars;
        this.handle = handle;
        this.version = version;
        this.precision = precision;
    }

    /** What is tried when no path is given, in this order. */
    private static final List<String> SONAMES = List.of("libcublas.so.13", "libcublas.so.12");

    /** Library names tried in order. */
    static List<String> candidates(String explicitPath) {
        List<String> names = new ArrayList<>();
        if (explicitPath != null && !explicitPath.isBlank()) names.add(explicitPath);
        String property = System.getProperty("mcdrop.cublas");
        if (property != null && !property.isBlank() && !names.contains(property)) names.add(property);
        for (String soname : SONAMES) if (!names.contains(soname)) names.add(soname);
        return names;
    }

    /**
     * Loads cuBLAS, creates a handle bound to {@code stream} (the calling thread's current
     * context must be the backend's primary context). Tries each of {@link #candidates} in turn
     * until one loads and gives a handle: a cuBLAS 13 that loads on a CUDA 12 driver fails at
     * cublasCreate, and cuBLAS 12 beside it then serves. Throws with a one-line reason naming every
     * candidate if none does ("cuBLAS not found (tried …)" when none even loads).
     */
    @SuppressWarnings("restricted") // FFM: the launcher passes --enable-native-access=ALL-UNNAMED
    static CublasGemm open(String explicitPath, GemmPrecision precision, long stream) throws BackendUnavailableException {
        List<String> missing = new ArrayList<>(), unusable = new ArrayList<>(), givenButFailed = new ArrayList<>();
        for (String name : candidates(explicitPath)) {
            boolean given = !SONAMES.contains(name);
            SymbolLookup lookup;
            try {
                preloadSiblingLt(name);
                // The library stays loaded for the life of the JVM (global arena): unloading cuBLAS, and the
                // CUDA runtime linked into it, while its exit handlers are registered can crash at exit.
                lookup = SymbolLookup.libraryLookup(name, Arena.global());
            } catch (IllegalArgumentException | IllegalCallerException e) {
                String why = Files.isRegularFile(Path.of(name))
                        ? name + " (exists but does not load: not a library for this machine, or one it needs is not on the loader's path)" : name;
                missing.add(why);
                if (given) givenButFailed.add("not loadable: " + why);
                continue;
            }
            try {
                CublasGemm gemm = open(lookup, name, precision, stream);
                if (!givenButFailed.isEmpty()) gemm.passedOver = String.join("; ", givenButFailed);
                return gemm;
            } catch (BackendUnavailableException e) {
                unusable.add(e.getMessage());
                if (given) givenButFailed.add(e.getMessage());
            }
        }
        if (unusable.isEmpty()) throw new BackendUnavailableException("cuBLAS not found (tried " + String.join(", ", missing) + ")");
        String notFound = missing.isEmpty() ? "" : "; not found: " + String.join(", ", missing);
        throw new BackendUnavailableException(String.join("; ", unusable) + notFound);
    }

    /**
     * cuBLAS needs cuBLASLt ({@code libcublasLt.so.<major>}). Where cuBLAS is given by path — pip's
     * {@code nvidia/cublas/lib}, PyTorch's bundled copy — its Lt sits beside it but is not on the
     * loader's search path, so loading cuBLAS alone fails. Loading that sibling first lets the
     * dynamic loader resolve cuBLAS's dependency to it (it matches loaded libraries by soname).
     * A name without a directory, or a directory without Lt, is left to the loader as it is.
     */
    @SuppressWarnings("restricted")
    private static void preloadSiblingLt(String cublas) {
        Path file = Path.of(cublas), dir = file.getParent();
        String base = file.getFileName().toString();
        if (dir == null || !base.startsWith("libcublas.so.")) return;
        String major = base.substring("libcublas.so.".length()).split("\\.")[0];
        Path lt = dir.resolve("libcublasLt.so." + major);
        if (!Files.isRegularFile(lt)) return; // (follows symbolic links)
        try {
            SymbolLookup.libraryLookup(lt, Arena.global());
        } catch (IllegalArgumentException e) {
            // not loadable either: loading cuBLAS itself will fail and say so
        }
    }

    /** A handle from the loaded library {@code name}, or a one-line reason it is unusable. */
    private static CublasGemm open(SymbolLookup lookup, String loaded, GemmPrecision precision, long stream)
            throws BackendUnavailableException {
        Arena arena = Arena.ofShared();
        try {
            Linker linker = Linker.nativeLinker();
            MethodHandle create = bind(linker, lookup, "cublasCreate_v2", FunctionDescriptor.of(JAVA_INT, ADDRESS));
            MethodHandle destroy = bind(linker, lookup, "cublasDestroy_v2", FunctionDescriptor.of(JAVA_INT, JAVA_LONG));
            MethodHandle setStream = bind(linker, lookup, "cublasSetStream_v2",
                    FunctionDescriptor.of(JAVA_INT, JAVA_LONG, JAVA_LONG));
            MethodHandle setMathMode = bind(linker, lookup, "cublasSetMathMode",
                    FunctionDescriptor.of(JAVA_INT, JAVA_LONG, JAVA_INT));
            MethodHandle getVersion = bind(linker, lookup, "cublasGetVersion_v2",
                    FunctionDescriptor.of(JAVA_INT, JAVA_LONG, ADDRESS));
            // cublasSgemm_v2(handle, transa, transb, m, n, k, *alpha, A, lda, B, ldb, *beta, C, ldc)
            MethodHandle sgemm = bind(linker, lookup, "cublasSgemm_v2", FunctionDescriptor.of(JAVA_INT,
                    JAVA_LONG, JAVA_INT, JAVA_INT, JAVA_INT, JAVA_INT, JAVA_INT,
                    JAVA_LONG, JAVA_LONG, JAVA_INT, JAVA_LONG, JAVA_INT, JAVA_LONG, JAVA_LONG, JAVA_INT));
            // cublasGemmEx(handle, transa, transb, m, n, k, *alpha, A, Atype, lda, B, Btype, ldb, *beta,
            //              C, Ctype, ldc, computeType, algo): bound only when a reduced precision is asked for
            MethodHandle gemmEx = precision == GemmPrecision.FP32 ? null
                    : bind(linker, lookup, "cublasGemmEx", FunctionDescriptor.of(JAVA_INT,
                            JAVA_LONG, JAVA_INT, JAVA_INT, JAVA_INT, JAVA_INT, JAVA_INT,
                            JAVA_LONG, JAVA_LONG, JAVA_INT, JAVA_INT, JAVA_LONG, JAVA_INT, JAVA_INT,
                            JAVA_LONG, JAVA_LONG, JAVA_INT, JAVA_INT, JAVA_INT, JAVA_INT));

            MemorySegment handleOut = arena.allocate(ADDRESS);
            int created = (int) create.invokeExact(handleOut);
            if (created == 1) throw new CudaOpException("cublasCreate: CUBLAS_STATUS_NOT_INITIALIZED (a driver older than this cuBLAS's CUDA release?)");
            status(created, "cublasCreate");
            long handle = handleOut.get(JAVA_LONG, 0);
            try {
                status((int) setStream.invokeExact(handle, stream), "cublasSetStream");
                status((int) setMathMode.invokeExact(handle, CUBLAS_DEFAULT_MATH), "cublasSetMathMode");
                MemorySegment versionOut = arena.allocate(JAVA_INT);
                status((int) getVersion.invokeExact(handle, versionOut), "cublasGetVersion");
                MemorySegment scalars = arena.allocate(JAVA_FLOAT, 2);
                return new CublasGemm(arena, loaded, destroy, sgemm, gemmEx, scalars, handle,
                        versionOut.get(JAVA_INT, 0), precision);
            } catch (Throwable t) {
                int ignored = (int) destroy.invokeExact(handle);
                throw t;
            }
        } catch (BackendUnavailableException e) {
            arena.close();
            throw new BackendUnavailableException("cuBLAS (" + loaded + ") unusable: " + e.getMessage(), e);
        } catch (CudaOpException e) {
            arena.close();
            throw new BackendUnavailableException("cuBLAS (" + loaded + ") unusable: " + e.getMessage(), e);
        } catch (Throwable t) {
            arena.close();
            throw new BackendUnavailableException("cuBLAS (" + loaded + ") unusable: " + t, t);
        }
    }

    @SuppressWarnings("restricted")
    private static MethodHandle bind(Linker linker, SymbolLookup lookup, String symbol, FunctionDescriptor fd)
            throws BackendUnavailableException {
        MemorySegment address = lookup.find(symbol)
                .orElseThrow(() -> new BackendUnavailableException("cuBLAS lacks symbol " + symbol));
        return linker.downcallHandle(address, fd);
    }

    private static void status(int code, String call) {
        if (code != 0) throw new CudaOpException("cuBLAS " + call + ": " + statusName(code) + " (" + code + ")");
    }

    static String statusName(int code) {
        return switch (code) {
            case 0 -> "CUBLAS_STATUS_SUCCESS";
            case 1 -> "CUBLAS_STATUS_NOT_INITIALIZED";
            case 3 -> "CUBLAS_STATUS_ALLOC_FAILED";
            case 7 -> "CUBLAS_STATUS_INVALID_VALUE";
            case 8 -> "CUBLAS_STATUS_ARCH_MISMATCH";
            case 11 -> "CUBLAS_STATUS_MAPPING_ERROR";
            case 13 -> "CUBLAS_STATUS_EXECUTION_FAILED";
            case 14 -> "CUBLAS_STATUS_INTERNAL_ERROR";
            case 15 -> "CUBLAS_STATUS_NOT_SUPPORTED";
            case 16 -> "CUBLAS_STATUS_LICENSE_ERROR";
            default -> "CUBLAS_STATUS_" + code;
        };
    }

    /**
     * Row-major {@code C[m×n] = op(A)·op(B) + beta·C} on device addresses (see the class comment
     * for the transposition). Asynchronous on the backend's stream.
     */
    void gemm(boolean transA, boolean transB, int m, int n, int k, long a, long b, float beta, long c) {
        if (m <= 0 || n <= 0) return;
        scalars.setAtIndex(JAVA_FLOAT, 0, 1f);
        scalars.setAtIndex(JAVA_FLOAT, 1, beta);
        long alphaPtr = scalars.address(), betaPtr = alphaPtr + Float.BYTES;
        int opB = opFirst(transB), opA = opSecond(transA), ldb = ldFirst(transB, n, k), lda = ldSecond(transA, m, k);
        int code;
        try {
            code = gemmEx == null
                    ? (int) sgemm.invokeExact(handle, opB, opA, n, m, k, alphaPtr, b, ldb, a, lda, betaPtr, c, n)
                    : (int) gemmEx.invokeExact(handle, opB, opA, n, m, k, alphaPtr, b, CUDA_R_32F, ldb, a, CUDA_R_32F, lda,
                            betaPtr, c, CUDA_R_32F, n, precision.cublasComputeType, CUBLAS_GEMM_DEFAULT);
        } catch (Throwable t) {
            throw new CudaOpException("cuBLAS gemm: " + t, t);
        }
        if (code != 0) status(code, (gemmEx == null ? "sgemm" : "gemmEx " + precision) + " m=" + m + " n=" + n + " k=" + k);
    }

    /**
     * Row-major {@code C[m×n] = op(A)·op(B) + beta·C} with A and B already stored as 16-bit floats
     * (2 bytes per element: bfloat16 if {@code bf16}, else IEEE half; same layouts as {@link #gemm}, but
     * A's stored rows are {@code lda} elements long),
     * C in FP32: cublasGemmEx with 16-bit A/B types and CUBLAS_COMPUTE_32F (tensor cores, FP32
     * accumulation). Only for a reduced precision (gemmEx bound), whose rounding the 16-bit copies
     * already did.
     */
    void gemmHalf(boolean transA, boolean transB, int m, int n, int k, long a, int lda, long b, float beta, long c, boolean bf16) {
        if (gemmEx == null) throw new IllegalStateException("16-bit GEMM inputs need a reduced --gemm-precision");
        if (m <= 0 || n <= 0) return;
        scalars.setAtIndex(JAVA_FLOAT, 0, 1f);
        scalars.setAtIndex(JAVA_FLOAT, 1, beta);
        long alphaPtr = scalars.address(), betaPtr = alphaPtr + Float.BYTES;
        if (lda < ldSecond(transA, m, k)) throw new IllegalArgumentException("gemmHalf: lda " + lda + " < " + ldSecond(transA, m, k));
        int opB = opFirst(transB), opA = opSecond(transA), ldb = ldFirst(transB, n, k);
        int type = bf16 ? CUDA_R_16BF : CUDA_R_16F, code;
        try {
            code = (int) gemmEx.invokeExact(handle, opB, opA, n, m, k, alphaPtr, b, type, ldb, a, type, lda,
                    betaPtr, c, CUDA_R_32F, n, CUBLAS_COMPUTE_32F, CUBLAS_GEMM_DEFAULT);
        } catch (Throwable t) {
            throw new CudaOpException("cuBLAS gemm: " + t, t);
        }
        if (code != 0) status(code, "gemmEx " + (bf16 ? "bf16" : "fp16") + " inputs m=" + m + " n=" + n + " k=" + k);
    }

    // The column-major call for row-major C = op(A)·op(B): cublasSgemm(opFirst, opSecond, n, m, k,
    // 1, B, ldFirst, A, ldSecond, beta, C, n). Package-private and static so a CPU test can run them
    // through a column-major SGEMM emulator and compare with the row-major definition.
    static int opFirst(boolean transB) { return transB ? CUBLAS_OP_T : CUBLAS_OP_N; }

    static int opSecond(boolean transA) { return transA ? CUBLAS_OP_T : CUBLAS_OP_N; }

    /** Leading dimension of B = length of its stored row-major rows (≥ 1 as cuBLAS requires). */
    static int ldFirst(boolean transB, int n, int k) { return Math.max(1, transB ? k : n); }

    /** Leading dimension of A = length of its stored row-major rows (≥ 1). */
    static int ldSecond(boolean transA, int m, int k) { return Math.max(1, transA ? m : k); }

    /** Why the cuBLAS named by path or property was not used (this one was found after it), if it was not. */
    Optional<String> passedOver() { return Optional.ofNullable(passedOver); }

    /** "cuBLAS 13.0.2 (libcublas.so.13), strict FP32". */
    String describe() {
        return "cuBLAS " + version / 10000 + "." + (version % 10000) / 100 + "." + version % 100
                + " (" + libraryName + "), " + precision.description();
    }

    @Override
    public void close() {
        try {
            int ignored = (int) destroy.invokeExact(handle);
        } catch (Throwable ignored) {
            // closing anyway
        } finally {
            arena.close();
        }
    }
}
