package dev.mcdrop.cli;

import dev.mcdrop.predict.MaskKeying;
import dev.mcdrop.predict.McOptions;
import picocli.CommandLine.Option;

/** MC options shared by predict, eval and bench. */
final class RunOptions {
    @Option(names = {"-T", "--samples"}, defaultValue = "100", converter = OptionValues.Positive.class, description = "MC samples T per image. Default: ${DEFAULT-VALUE}")
    int samples;

    @Option(names = "--seed", defaultValue = "42", converter = OptionValues.Seed.class, description = "mask seed (same seed, same numbers on every backend). Default: ${DEFAULT-VALUE}")
    long seed;

    @Option(names = "--mask-key", paramLabel = "KEY", defaultValue = "content", converter = MaskKeyConverter.class,
            description = "what keys an image's dropout masks: content (a hash of its pixels: its answer is the same alone or in any batch), "
                    + "position (its index in the input: mcdrop's keying before content keys), or shared (the same masks for every image "
                    + "of a sample, as BatchBALD-style active learning needs). Default: ${DEFAULT-VALUE}")
    MaskKeying maskKey;

    /** B when --batch is not given. */
    static final int DEFAULT_BATCH = 1000;

    @Option(names = "--batch", converter = OptionValues.Positive.class, description = "images per batch B, at most (fewer when the memory budget "
            + "or T needs it: without --batch, B is at most 2,147,483,647 / T). Default: " + DEFAULT_BATCH)
    Integer batch; // null: not given, so the default, which yields to T

    /** B asked for: --batch, or the default. */
    int batch() { return batch != null ? batch : DEFAULT_BATCH; }

    @Option(names = "--memory", paramLabel = "MiB", defaultValue = "0", converter = OptionValues.MemoryMiB.class,
            description = "working-memory budget per batch in MiB (sets the chunk size of the T×B batch), at most 16777216 (16 TiB); 0 = backend default")
    long memoryMiB;

    /**
     * The MC options for a run over {@code images} images: no batch larger than the run (capped
     * before T×B is checked, so many samples of few images are not refused for a batch never
     * used), and without --batch none larger than one batch's limit of passes over T (the default
     * yields to a large T). T×B beyond that limit with an explicit --batch is a usage error naming
     * both options.
     */
    McOptions options(int images) {
        int b = Math.max(1, Math.min(batch(), images));
        if (batch == null) b = Math.max(1, Math.min(b, Integer.MAX_VALUE / samples));
        if ((long) samples * b > Integer.MAX_VALUE) {
            throw new UsageException(String.format(java.util.Locale.ROOT, "--samples %d × --batch %d = %,d passes in one batch, more than %,d; "
                    + "lower --samples or --batch", samples, b, (long) samples * b, Integer.MAX_VALUE));
        }
        return new McOptions(samples, seed, b, memoryMiB * (1L << 20), maskKey);
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
