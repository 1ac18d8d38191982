package dev.mcdrop.cli;

import dev.mcdrop.Backends;
import dev.mcdrop.backend.Backend;
import dev.mcdrop.cuda.ConvAlgorithm;
import dev.mcdrop.cuda.CudaOptions;
import dev.mcdrop.cuda.GemmPrecision;
import picocli.CommandLine.Option;

/** The options every computing command shares: which backend, how many threads, GPU knobs. */
final class BackendOptions {
    @Option(names = "--backend", defaultValue = "auto", converter = OptionValues.BackendKind.class,
            description = "auto (GPU when one works, else CPU), cpu, cuda or reference (float64, slow). Default: ${DEFAULT-VALUE}")
    String backend;

    @Option(names = "--threads", defaultValue = "0", converter = OptionValues.Threads.class,
            description = "CPU threads, at most 1024; 0 or auto = all cores")
    int threads;

    @Option(names = "--gemm-precision", paramLabel = "P", defaultValue = "fp32", converter = GemmPrecisionConverter.class,
            description = "GPU GEMM inputs: fp32 (strict, matches the CPU), tf32, fp16 or bf16 (tensor cores, faster, "
                    + "~1e-3..1e-2 relative error; fp16/bf16 also store the im2col matrix in 16 bits). Default: ${DEFAULT-VALUE}")
    GemmPrecision gemmPrecision;

    @Option(names = "--tf32", description = "same as --gemm-precision tf32")
    boolean tf32;

    @Option(names = "--conv", paramLabel = "ALGO", defaultValue = "im2col", converter = ConvAlgorithmConverter.class,
            description = "GPU convolutions: im2col (unfold in device memory, then cuBLAS) or implicit (one kernel "
                    + "that unfolds in shared memory; FP16 tensor cores with --gemm-precision fp16, else strict FP32). Default: ${DEFAULT-VALUE}")
    ConvAlgorithm conv;

    @Option(names = "--cublas", paramLabel = "PATH", description = "path to libcublas.so (default: probe libcublas.so.13, then .so.12)")
    String cublasPath;

    /** The GEMM precision asked for, with --tf32 as short for --gemm-precision tf32. */
    GemmPrecision gemmPrecision() {
        if (tf32 && gemmPrecision != GemmPrecision.FP32 && gemmPrecision != GemmPrecision.TF32) {
            throw new UsageException("--tf32 contradicts --gemm-precision " + gemmPrecision);
        }
        return tf32 ? GemmPrecision.TF32 : gemmPrecision;
    }

    Backend open() {
        var cuda = new CudaOptions(0, gemmPrecision(), cublasPath, true, conv);
        return Backends.open(backend, threads, cuda, StderrLog.HELD); // said once the run starts work: StderrLog.release
    }

    static final class ConvAlgorithmConverter implements picocli.CommandLine.ITypeConverter<ConvAlgorithm> {
        @Override
        public ConvAlgorithm convert(String value) {
            try {
                return ConvAlgorithm.parse(value);
            } catch (IllegalArgumentException e) {
                throw new picocli.CommandLine.TypeConversionException(e.getMessage());
            }
        }
    }

    static final class GemmPrecisionConverter implements picocli.CommandLine.ITypeConverter<GemmPrecision> {
        @Override
        public GemmPrecision convert(String value) {
            try {
                return GemmPrecision.parse(value);
            } catch (IllegalArgumentException e) {
                throw new picocli.CommandLine.TypeConversionException(e.getMessage());
            }
        }
    }
}
