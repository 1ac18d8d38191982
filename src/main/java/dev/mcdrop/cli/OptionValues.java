package dev.mcdrop.cli;

import dev.mcdrop.experiment.RotationExperiment;
import dev.mcdrop.model.Presets;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import picocli.CommandLine.ITypeConverter;
import picocli.CommandLine.TypeConversionException;

/**
 * The one way an option value is checked: every numeric and every choice option of every
 * command names one of these converters ({@code OptionCoverageTest} makes sure), so a value out
 * of range is a usage error when the command line is parsed (exit 2, one line naming the option
 * and what it accepts), never a silent default, a wrapped-around number or a failure minutes
 * later. Choices are case-insensitive.
 */
final class OptionValues {
    private OptionValues() {}

    /** Most CPU threads {@code --threads} accepts: far above any machine's cores, far below the process limits. */
    static final int MAX_THREADS = 1024;
    /** Most MiB {@code --memory} accepts (16 TiB): its bytes fit a long many times over. */
    static final long MAX_MEMORY_MIB = 1L << 24;
    /** Largest {@code experiment rotation --max-angle} in degrees, either way. */
    static final double MAX_ANGLE = RotationExperiment.MAX_ANGLE;
    /** Most steps of {@code experiment rotation} (each angle is an image of the run). */
    static final int MAX_ROTATION_STEPS = RotationExperiment.MAX_STEPS;

    /** A whole number from {@code min} to {@code max}; {@code words} are accepted for the given numbers ("auto" = 0). */
    abstract static class IntRange implements ITypeConverter<Integer> {
        private final long min, max;
        private final String meaning;

        IntRange(long min, long max, String meaning) {
            this.min = min;
            this.max = max;
            this.meaning = meaning;
        }

        @Override public Integer convert(String text) {
            return (int) LongRange.check(text, min, max, meaning, word(text.strip().toLowerCase(Locale.ROOT)));
        }

        /** A word that stands for a number, or null. */
        Long word(String lowerCase) { return null; }
    }

    /** A whole number from {@code min} to {@code max} (a long). */
    abstract static class LongRange implements ITypeConverter<Long> {
        private final long min, max;
        private final String meaning;

        LongRange(long min, long max, String meaning) {
            this.min = min;
            this.max = max;
            this.meaning = meaning;
        }

        @Override public Long convert(String text) { return check(text, min, max, meaning, null); }

        static long check(String text, long min, long max, String meaning, Long word) {
            if (word != null) return word;
            String accepted = "give a whole number from " + number(min) + " to " + number(max) + meaning;
            long v;
            try {
                v = Long.parseLong(text.strip());
            } catch (NumberFormatException e) {
                throw new TypeConversionException("'" + text + "' is not a whole number; " + accepted);
            }
            if (v < min || v > max) throw new TypeConversionException(text.strip() + " is out of range; " + accepted);
            return v;
        }

        private static String number(long n) {
            return n == Long.MIN_VALUE || n == Long.MAX_VALUE ? Long.toString(n) : String.format(Locale.ROOT, "%,d", n);
        }
    }

    /** At least 1 (counts: T, batch, repetitions, iterations, …). */
    static final class Positive extends IntRange {
        Positive() { super(1, Integer.MAX_VALUE, ""); }
    }

    /** At least 0, where 0 has a meaning the option's help gives (all, one batch, none). */
    static final class NonNegative extends IntRange {
        NonNegative() { super(0, Integer.MAX_VALUE, ""); }
    }

    /**
     * Most images of one {@code bench} repetition: bench keeps every image's prediction of a
     * repetition (about 200 bytes for 10 classes), so a bound keeps a large count a usage error
     * rather than an out-of-memory end; a million images is far beyond what a timing needs.
     */
    static final int MAX_BENCH_IMAGES = 1_000_000;

    /** {@code bench --images}: 0 (one batch) to {@link #MAX_BENCH_IMAGES}. */
    static final class BenchImages extends IntRange {
        BenchImages() { super(0, MAX_BENCH_IMAGES, " (0: one batch)"); }
    }

    /** {@code --threads}: 0 or "auto" for all cores, else 1 to {@link #MAX_THREADS}. */
    static final class Threads extends IntRange {
        Threads() { super(0, MAX_THREADS, " (0 or auto: all cores)"); }

        @Override Long word(String lowerCase) { return lowerCase.equals("auto") ? 0L : null; }
    }

    /** Seeds: any 64-bit integer. */
    static final class Seed extends LongRange {
        Seed() { super(Long.MIN_VALUE, Long.MAX_VALUE, ""); }
    }

    /** {@code --memory} in MiB: 0 (the backend's default) to {@link #MAX_MEMORY_MIB}. */
    static final class MemoryMiB extends LongRange {
        MemoryMiB() { super(0, MAX_MEMORY_MIB, " MiB (0: the backend's default)"); }
    }

    /** {@code experiment rotation --steps}: 1 to {@link #MAX_ROTATION_STEPS}. */
    static final class RotationSteps extends IntRange {
        RotationSteps() { super(1, MAX_ROTATION_STEPS, ""); }
    }

    /** A finite decimal number from {@code min} to {@code max}; {@code minOpen}: the minimum itself is refused. */
    abstract static class DoubleRange implements ITypeConverter<Double> {
        private final double min, max;
        private final boolean minOpen;

        DoubleRange(double min, boolean minOpen, double max) {
            this.min = min;
            this.minOpen = minOpen;
            this.max = max;
        }

        @Override public Double convert(String text) {
            String accepted = "give a number " + (minOpen ? "above " + plain(min) + " and up to " : "from " + plain(min) + " to ")
                    + plain(max);
            double v;
            try {
                v = Double.parseDouble(text.strip());
            } catch (NumberFormatException e) {
                throw new TypeConversionException("'" + text + "' is not a number; " + accepted);
            }
            if (!Double.isFinite(v) || v < min || (minOpen && v == min) || v > max) {
                throw new TypeConversionException(text.strip() + " is out of range; " + accepted);
            }
            return v;
        }

        private static String plain(double d) {
            return d == Math.rint(d) ? Long.toString((long) d) : Double.toString(d);
        }
    }

    /** {@code train --subset}: a fraction of the training set, above 0 and at most 1. */
    static final class Fraction extends DoubleRange {
        Fraction() { super(0, true, 1); }
    }

    /** {@code experiment rotation --max-angle}: degrees, -{@link #MAX_ANGLE} to {@link #MAX_ANGLE}. */
    static final class Angle extends DoubleRange {
        Angle() { super(-MAX_ANGLE, false, MAX_ANGLE); }
    }

    /** {@code --input-scale}: what each pixel value 0–255 is multiplied by, above 0 and at most 10⁶. */
    static final class InputScale extends DoubleRange {
        InputScale() { super(0, true, 1e6); }
    }

    /**
     * {@code --mean} / {@code --std}: comma-separated finite numbers, one per input channel (the count
     * is checked against the model once it is loaded); {@code positive}: each above 0 (a std).
     */
    /** Values of {@code --mean} / {@code --std}, one per input channel (a record: picocli would take a bare array for a repeated option). */
    record PerChannel(float[] values) {}

    abstract static class ChannelValues implements ITypeConverter<PerChannel> {
        /** The smallest std: dividing by less would carry pixel values past the float range. */
        static final float MIN_STD = 1e-20f;

        private final boolean positive;

        ChannelValues(boolean positive) { this.positive = positive; }

        @Override public PerChannel convert(String text) {
            String[] parts = text.split(",", -1);
            if (parts.length > 4096) throw new TypeConversionException(parts.length + " values; give one per input channel");
            float[] v = new float[parts.length];
            for (int i = 0; i < parts.length; i++) {
                String part = parts[i].strip();
                try {
                    v[i] = Float.parseFloat(part);
                } catch (NumberFormatException e) {
                    throw new TypeConversionException("'" + dev.mcdrop.io.Names.display(part, 40) + "' is not a number; give comma-separated numbers, one per input channel");
                }
                if (!Float.isFinite(v[i]) || (positive && !(v[i] >= MIN_STD)) || Math.abs(v[i]) > 1e30f) {
                    throw new TypeConversionException(part + " is out of range; give " + (positive ? "numbers from 1e-20" : "numbers")
                            + " up to 1e30, one per input channel");
                }
            }
            return new PerChannel(v);
        }
    }

    static final class Means extends ChannelValues {
        Means() { super(false); }
    }

    static final class Stds extends ChannelValues {
        Stds() { super(true); }
    }

    /** One of a few words, any case; the canonical (lower-case) word is the value. */
    abstract static class Choice implements ITypeConverter<String> {
        private final String what;
        private final List<String> words;

        Choice(String what, List<String> words) {
            this.what = what;
            this.words = words;
        }

        @Override public String convert(String text) {
            for (String w : words) if (w.equalsIgnoreCase(text.strip())) return w;
            throw new TypeConversionException("unknown " + what + " " + dev.mcdrop.io.Names.quote(text) + " (" + String.join(", ", words) + ")");
        }
    }

    /** {@code predict --format}. */
    static final class Format extends Choice {
        Format() { super("format", List.of("jsonl", "csv")); }
    }

    /** {@code --backend}. */
    static final class BackendKind extends Choice {
        BackendKind() { super("backend", List.of("auto", "cpu", "cuda", "reference")); }
    }

    /** {@code experiment … --checkpoints}. */
    static final class Checkpoints extends Choice {
        Checkpoints() { super("checkpoints choice", List.of("all", "final")); }
    }

    /** {@code info --preset}. */
    static final class Preset extends Choice {
        Preset() { super("preset", List.copyOf(Presets.names())); }
    }

    /**
     * A file to write: a path that ends in '/' names a folder, which the path would quietly lose
     * ({@code Path.of("x/")} is {@code x}), so it is refused here with what to give instead.
     */
    static final class OutputFile implements ITypeConverter<Path> {
        @Override public Path convert(String text) {
            if (text.isEmpty()) throw new TypeConversionException("empty path; give a file name");
            if (text.endsWith("/")) {
                throw new TypeConversionException(dev.mcdrop.io.Names.quote(text) + " ends in '/', so it names a folder, not a file; "
                        + "give a file name");
            }
            try {
                return Path.of(text);
            } catch (java.nio.file.InvalidPathException e) {
                throw new TypeConversionException(dev.mcdrop.io.Names.quote(text) + " is not a valid path: " + e.getReason());
            }
        }
    }
}
