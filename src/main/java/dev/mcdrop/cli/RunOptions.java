package dev.mcdrop.cli;

import dev.mcdrop.predict.MaskKeying;
import dev.mcdrop.predict.McOptions;
import picocli.CommandLine.Option;

/** MC options shared by predict, eval and bench. */
final class RunOptions {
    @Option(names = {"-T", "--samples"}, defaultValue = "100", description = "MC samples T per image. Default: ${DEFAULT-VALUE}")
    int samples;

    @Option(names = "--seed", defaultValue = "42", description = "mask seed (same seed, same numbers on every backend). Default: ${DEFAULT-VALUE}")
    long seed;

    @Option(names = "--mask-key", paramLabel = "KEY", defaultValue = "content", converter = MaskKeyConverter.class,
            description = "what keys an image's dropout masks: content (a hash of its pixels: its answer is the same alone or in any batch), "
                    + "position (its index in the input: mcdrop's keying before content keys), or shared (the same masks for every image "
                    + "of a sample, as BatchBALD-style active learning needs). Default: ${DEFAULT-VALUE}")
    MaskKeying maskKey;

    @Option(names = "--batch", defaultValue = "1000", description = "images per batch B, at most (fewer when the memory budget needs it). Default: ${DEFAULT-VALUE}")
    int batch;

    @Option(names = "--memory", paramLabel = "MiB", defaultValue = "0",
            description = "working-memory budget per batch in MiB (sets the chunk size of the T×B batch); 0 = backend default")
    long memoryMiB;

    McOptions options() {
        return new McOptions(samples, seed, batch, memoryMiB * (1L << 20), maskKey);
    }

    /** {@link #options()} for a run over {@code images} images: no batch larger than the run (capped before T×B is checked). */
    McOptions options(int images) {
        return new McOptions(samples, seed, Math.max(1, Math.min(batch, images)), memoryMiB * (1L << 20), maskKey);
    }

    /** picocli: "content" / "position" / "shared", with the choices in the error. */
    static final class MaskKeyConverter implements picocli.CommandLine.ITypeConverter<MaskKeying> {
        @Override public MaskKeying convert(String value) {
            try {
                return MaskKeying.parse(value);
            } catch (IllegalArgumentException e) {
                throw new picocli.CommandLine.TypeConversionException(e.getMessage());
            }
        }
    }
}
