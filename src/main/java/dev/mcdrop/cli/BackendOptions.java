package dev.mcdrop.cli;

import dev.mcdrop.backend.Backend;
import picocli.CommandLine.Option;

/** The options every computing command shares: which backend, how many threads, GPU knobs. */
final class BackendOptions {
    @Option(names = "--backend", defaultValue = "auto",
            description = "auto (GPU when one works, else CPU), cpu, cuda or reference (float64, slow). Default: ${DEFAULT-VALUE}")
    String backend;

    @Option(names = "--threads", defaultValue = "0", description = "CPU threads; 0 = all cores")
    int threads;

    @Option(names = "--tf32", description = "allow TF32 tensor-core GEMMs on the GPU (off by default: strict FP32)")
    boolean tf32;

    @Option(names = "--cublas", paramLabel = "PATH", description = "path to libcublas.so (default: probe libcublas.so.13, then .so.12)")
    String cublasPath;

    Backend open() {
        return Backends.open(backend, threads, tf32, cublasPath, System.err);
    }
}
