package dev.mcdrop.cli;

import dev.mcdrop.predict.McOptions;
import picocli.CommandLine.Option;

/** MC options shared by predict, eval and bench. */
final class RunOptions {
    @Option(names = {"-T", "--samples"}, defaultValue = "100", description = "MC samples T per image. Default: ${DEFAULT-VALUE}")
    int samples;

    @Option(names = "--seed", defaultValue = "42", description = "mask seed (same seed, same numbers on every backend). Default: ${DEFAULT-VALUE}")
    long seed;

    @Option(names = "--batch", defaultValue = "1000", description = "images per batch B, at most (fewer when the memory budget needs it). Default: ${DEFAULT-VALUE}")
    int batch;

    @Option(names = "--memory", paramLabel = "MB", defaultValue = "0",
            description = "working-memory budget per batch in MB (sets the chunk size of the T×B batch); 0 = backend default")
    long memoryMb;

    McOptions options() {
        return new McOptions(samples, seed, batch, memoryMb * (1L << 20));
    }

    /** {@link #options()} for a run over {@code images} images: no batch larger than the run. */
    McOptions options(int images) {
        McOptions o = options();
        return o.withBatch(Math.max(1, Math.min(o.batchImages(), images)));
    }
}
