package dev.mcdrop.cli;

import dev.mcdrop.backend.Backend;
import dev.mcdrop.backend.ReferenceBackend;
import dev.mcdrop.cpu.CpuBackend;
import dev.mcdrop.cuda.BackendUnavailableException;
import dev.mcdrop.cuda.ConvAlgorithm;
import dev.mcdrop.cuda.CudaBackend;
import dev.mcdrop.cuda.CudaOptions;
import dev.mcdrop.cuda.GemmPrecision;
import java.io.PrintStream;

/**
 * Chooses the backend. {@code auto} tries CUDA and falls back to the CPU with one line on stderr
 * saying why; {@code cuda} fails with that reason instead.
 */
final class Backends {
    private Backends() {}

    static Backend open(String kind, int threads, CudaOptions cuda, PrintStream log) {
        int t = threads > 0 ? threads : Runtime.getRuntime().availableProcessors();
        boolean cpuOnly = kind.equals("cpu") || kind.equals("reference");
        if (cuda.gemmPrecision() != GemmPrecision.FP32 && cpuOnly) {
            log.println("mcdrop: --gemm-precision " + cuda.gemmPrecision() + " applies to the GPU only; --backend " + kind + " computes in full precision");
        }
        if (cuda.conv() != ConvAlgorithm.IM2COL && cpuOnly) {
            log.println("mcdrop: --conv " + cuda.conv() + " applies to the GPU only");
        }
        return switch (kind) {
            case "cpu" -> new CpuBackend(t);
            case "reference" -> new ReferenceBackend();
            case "cuda" -> {
                try {
                    yield CudaBackend.open(cuda);
                } catch (BackendUnavailableException e) {
                    throw new IllegalStateException("--backend cuda: " + e.getMessage());
                }
            }
            case "auto" -> {
                try {
                    Backend b = CudaBackend.open(cuda);
                    log.println("mcdrop: backend cuda (" + b.describe() + ")");
                    yield b;
                } catch (BackendUnavailableException | LinkageError e) {
                    log.println("mcdrop: backend cpu, " + t + " threads (CUDA unavailable: " + e.getMessage() + ")");
                    yield new CpuBackend(t);
                }
            }
            default -> throw new IllegalArgumentException("unknown --backend '" + kind + "' (auto, cpu, cuda, reference)");
        };
    }
}
