package dev.mcdrop;

import dev.mcdrop.backend.Backend;
import dev.mcdrop.backend.ReferenceBackend;
import dev.mcdrop.cpu.CpuBackend;
import dev.mcdrop.cuda.BackendUnavailableException;
import dev.mcdrop.cuda.ConvAlgorithm;
import dev.mcdrop.cuda.CudaBackend;
import dev.mcdrop.cuda.CudaOptions;
import dev.mcdrop.cuda.GemmPrecision;
import java.lang.System.Logger.Level;

/**
 * The one place that chooses a backend, for the CLI's {@code --backend} and for programs that use
 * mcdrop as a library. {@code auto} tries CUDA and falls back to the CPU, logging why; {@code cuda}
 * fails with that reason instead; {@code cpu} is the multi-threaded Vector-API backend;
 * {@code reference} the float64 control (slow). Nothing is printed: the choice goes to a
 * {@link System.Logger} at INFO (a GPU running degraded, e.g. without cuBLAS, at WARNING), by
 * default {@code System.getLogger("dev.mcdrop.Backends")}; the CLI passes one that prints
 * "mcdrop: ..." lines on stderr.
 *
 * <pre>{@code
 * try (Backend backend = Backends.open("auto")) { ... }
 * }</pre>
 */
public final class Backends {
    /** The JDK module the CPU backend's kernels are written with; it must be added to the JVM. */
    public static final String VECTOR_MODULE = "jdk.incubator.vector";

    private Backends() {}

    /** {@code kind} with all CPU cores, the default CUDA options (strict FP32), logging to "dev.mcdrop.Backends". */
    public static Backend open(String kind) {
        return open(kind, 0, CudaOptions.defaults(), System.getLogger(Backends.class.getName()));
    }

    /**
     * @param kind    auto, cpu, cuda or reference
     * @param threads CPU threads; 0 = all cores
     * @param cuda    device, GEMM precision, cuBLAS path and convolution algorithm for the GPU
     * @param log     told which backend runs and why, and GPU-only options ignored on the CPU (INFO), a
     *                degraded GPU (WARNING)
     * @throws IllegalStateException    {@code cuda} asked for and unusable, or the CPU backend
     *                                  needed and the JVM lacks {@value #VECTOR_MODULE}
     * @throws IllegalArgumentException unknown kind, or negative threads
     */
    public static Backend open(String kind, int threads, CudaOptions cuda, System.Logger log) {
        java.util.Objects.requireNonNull(kind, "backend kind (auto, cpu, cuda, reference)");
        java.util.Objects.requireNonNull(cuda, "cuda options");
        java.util.Objects.requireNonNull(log, "log");
        if (threads < 0) throw new IllegalArgumentException("threads must be >= 0 (0 = all cores), got " + threads);
        int t = threads > 0 ? threads : Runtime.getRuntime().availableProcessors();
        boolean cpuOnly = kind.equals("cpu") || kind.equals("reference");
        if (cuda.gemmPrecision() != GemmPrecision.FP32 && cpuOnly) {
            log.log(Level.INFO, "--gemm-precision " + cuda.gemmPrecision() + " applies to the GPU only; --backend " + kind + " computes in full precision");
        }
        if (cuda.conv() != ConvAlgorithm.IM2COL && cpuOnly) {
            log.log(Level.INFO, "--conv " + cuda.conv() + " applies to the GPU only");
        }
        return switch (kind) {
            case "cpu" -> cpu(t);
            case "reference" -> new ReferenceBackend();
            case "cuda" -> {
                try {
                    yield warnIfDegraded(CudaBackend.open(cuda), "", log);
                } catch (BackendUnavailableException e) {
                    throw new IllegalStateException("--backend cuda: " + e.getMessage());
                }
            }
            case "auto" -> {
                try {
                    CudaBackend b = CudaBackend.open(cuda);
                    log.log(Level.INFO, "backend cuda (" + b.describe() + ")");
                    yield warnIfDegraded(b, b.describe(), log);
                } catch (BackendUnavailableException | LinkageError e) {
                    Backend b = cpu(t);
                    log.log(Level.INFO, "backend cpu, " + t + " threads (CUDA unavailable: " + e.getMessage() + ")");
                    yield b;
                }
            }
            default -> throw new IllegalArgumentException("unknown --backend '" + kind + "' (auto, cpu, cuda, reference)");
        };
    }

    /** One warning line when the GPU runs in a degraded mode (no cuBLAS, or not the one asked for), unless already said. */
    private static Backend warnIfDegraded(CudaBackend b, String alreadySaid, System.Logger log) {
        b.warning().filter(w -> !alreadySaid.contains(w)).ifPresent(w -> log.log(Level.WARNING, w));
        return b;
    }

    /** The CPU backend, or one line naming the missing JVM flag instead of a NoClassDefFoundError mid-run. */
    private static Backend cpu(int threads) {
        if (ModuleLayer.boot().findModule(VECTOR_MODULE).isEmpty()) {
            throw new IllegalStateException("the CPU backend needs the Vector API: start the JVM with --add-modules "
                    + VECTOR_MODULE + " (the mcdrop launcher does; so must a program that uses mcdrop as a library)");
        }
        return new CpuBackend(threads);
    }
}
