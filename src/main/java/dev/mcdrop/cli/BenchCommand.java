package dev.mcdrop.cli;

import dev.mcdrop.backend.Backend;
import dev.mcdrop.backend.ProfilingBackend;
import dev.mcdrop.cpu.CpuBackend;
import dev.mcdrop.data.LabeledImages;
import dev.mcdrop.model.Shape;
import dev.mcdrop.graph.GraphModel;
import dev.mcdrop.io.Names;
import dev.mcdrop.predict.ImagePrediction;
import dev.mcdrop.predict.ImageSource;
import dev.mcdrop.predict.McOptions;
import dev.mcdrop.predict.McPredictor;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.mcdrop.experiment.Machine;
import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Locale;
import java.util.OptionalDouble;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * {@code mcdrop bench}: stochastic image-passes per second of MC prediction (T·B passes per
 * batch, the standard-dropout pass included in the time), on the bundled MNIST images repeated
 * to fill the batch. Reports every timed run, their median (for an even count, the mean of the
 * two middle runs), min and max, the machine and the settings; {@code --json} as one object.
 */
@Command(name = "bench", mixinStandardHelpOptions = true,
        description = "Measure MC-dropout throughput: stochastic image-passes per second for a model, T, B and thread count.")
final class BenchCommand implements Callable<Integer> {
    @Mixin ModelOptions model = new ModelOptions();
    @Mixin BackendOptions backendOptions = new BackendOptions();
    @Mixin RunOptions run = new RunOptions();

    @Option(names = "--repeat", defaultValue = "5", converter = OptionValues.Positive.class, description = "timed repetitions. Default: ${DEFAULT-VALUE}")
    int repeat;

    @Option(names = "--warmup", defaultValue = "2", converter = OptionValues.NonNegative.class, description = "untimed repetitions first (JIT). Default: ${DEFAULT-VALUE}")
    int warmup;

    @Option(names = "--images", defaultValue = "0", converter = OptionValues.BenchImages.class, description = "images per repetition, at most 1,000,000 (default: one batch)")
    int images;

    @Option(names = "--profile", description = "time every backend op (synchronising after each) and print where the time goes")
    boolean profile;

    @Option(names = "--compare-cpu", description = "also run the first 100 images on the CPU backend and report the largest probability difference")
    boolean compareCpu;

    @Option(names = "--json", description = "print one JSON object on stdout: every run, median, min, max, machine and settings "
            + "(--profile's table goes to stderr)")
    boolean json;

    /** Largest probability differences against the CPU backend on the first {@code images} images. */
    record Comparison(int images, double mcProbDiff, double standardProbDiff) {}

    @Override
    public Integer call() throws Exception {
        GraphModel net = model.loadModel();
        int count = images > 0 ? images : run.batch();
        McOptions options = run.options(count);
        LabeledImages bundled = benchImages(net.input());
        ImageSource source = cycled(bundled, count);
        long passes = (long) count * options.samples();
        PrintStream text = json ? nowhere() : System.out;
        try (Backend opened = backendOptions.open();
             Backend backend = profile ? new ProfilingBackend(opened) : opened;
             McPredictor predictor = new McPredictor(backend, net, options)) {
            StderrLog.release(); // checks passed, work starts: the backend line now
            text.printf(Locale.ROOT, "model %s, backend %s, T=%d, B=%d, images %d, chunk %d columns, workspace %.0f MiB%n",
                    Names.display(net.name(), Names.MAX_NAME), backend.describe(), options.samples(), predictor.batchImages(),
                    count, predictor.chunkColumns(), predictor.workspaceBytes() / (double) (1 << 20));
            text.printf(Locale.ROOT, "machine: %s, %d cores, Java %s%n", Machine.cpuModel(), Runtime.getRuntime().availableProcessors(),
                    Runtime.version());
            for (int i = 0; i < warmup; i++) predictor.predict(source, null);
            if (backend instanceof ProfilingBackend p) p.reset();
            double[] seconds = new double[repeat];
            double[] rates = new double[repeat];
            for (int i = 0; i < repeat; i++) {
                long start = System.nanoTime();
                predictor.predict(source, null);
                seconds[i] = (System.nanoTime() - start) / 1e9;
                rates[i] = passes / seconds[i];
                text.printf(Locale.ROOT, "  run %d: %.3f s, %.0f passes/s%n", i + 1, seconds[i], rates[i]);
            }
            double[] sorted = rates.clone();
            Arrays.sort(sorted);
            double median = median(sorted);
            double flops = 2.0 * predictor.multiplyAddsPerPass() * median;
            text.printf(Locale.ROOT, "median %.0f stochastic image-passes/s (min %.0f, max %.0f), %.1f GFLOP/s in the sampled layers%n",
                    median, sorted[0], sorted[sorted.length - 1], flops / 1e9);
            OptionalDouble peak = backend.peakFlopsPerSecond();
            peak.ifPresent(p -> text.printf(Locale.ROOT,
                    "  = %.2f %% of the device's published peak for its GEMM precision (%.1f TFLOP/s)%n", 100 * flops / p, p / 1e12));
            if (backend instanceof ProfilingBackend p) (json ? System.err : System.out).print("time per op over the timed runs:\n" + p.report());
            Comparison comparison = compareCpu ? compare(backend, net, options, bundled) : null;
            if (comparison != null) {
                text.printf(Locale.ROOT, "compare with cpu on %d images: max |MC mean prob diff| %.3g, max |standard prob diff| %.3g%n",
                        comparison.images(), comparison.mcProbDiff(), comparison.standardProbDiff());
            }
            if (json) {
                ObjectNode o = jsonReport(net, backend, predictor, options, count, seconds, rates, sorted, flops, peak, comparison);
                System.out.println(new ObjectMapper().writeValueAsString(o));
            }
        }
        return 0;
    }

    /** The median of sorted values: the middle one, or for an even count the mean of the two middle ones. */
    static double median(double[] sorted) {
        int n = sorted.length;
        return n % 2 == 1 ? sorted[n / 2] : (sorted[n / 2 - 1] + sorted[n / 2]) / 2;
    }

    private ObjectNode jsonReport(GraphModel net, Backend backend, McPredictor predictor, McOptions options, int count,
                                  double[] seconds, double[] rates, double[] sorted, double flops, OptionalDouble peak,
                                  Comparison comparison) {
        ObjectNode o = JsonNodeFactory.instance.objectNode();
        ObjectNode s = o.putObject("settings");
        s.put("model", model.model);
        s.put("architecture", net.name());
        s.put("backend", backend.name());
        s.put("backend_description", backend.describe());
        s.put("samples", options.samples());
        s.put("batch", predictor.batchImages());
        s.put("images", count);
        s.put("seed", options.seed());
        s.put("mask_key", options.maskKey().option());
        s.put("threads", backendOptions.threads > 0 ? backendOptions.threads : Runtime.getRuntime().availableProcessors());
        s.put("gemm_precision", backendOptions.gemmPrecision().toString());
        s.put("conv", backendOptions.conv.toString());
        s.put("memory_mib", run.memoryMiB);
        s.put("chunk_columns", predictor.chunkColumns());
        s.put("workspace_bytes", predictor.workspaceBytes());
        s.put("warmup", warmup);
        s.put("repeat", repeat);
        s.put("profile", profile);
        ObjectNode m = o.putObject("machine");
        m.put("cpu", Machine.cpuModel());
        m.put("cores", Runtime.getRuntime().availableProcessors());
        m.put("java", Runtime.version().toString());
        m.put("os", System.getProperty("os.name") + " " + System.getProperty("os.version"));
        o.put("passes_per_run", (long) count * options.samples());
        ArrayNode runs = o.putArray("runs");
        for (int i = 0; i < seconds.length; i++) runs.addObject().put("seconds", seconds[i]).put("passes_per_second", rates[i]);
        o.put("median_passes_per_second", median(sorted));
        o.put("min_passes_per_second", sorted[0]);
        o.put("max_passes_per_second", sorted[sorted.length - 1]);
        o.put("gflops_per_second", flops / 1e9);
        peak.ifPresent(p -> o.put("peak_tflops_per_second", p / 1e12).put("peak_fraction", flops / p));
        if (comparison != null) {
            o.putObject("compare_cpu").put("images", comparison.images()).put("max_mc_prob_diff", comparison.mcProbDiff())
                    .put("max_standard_prob_diff", comparison.standardProbDiff());
        }
        return o;
    }

    private static PrintStream nowhere() {
        return new PrintStream(OutputStream.nullOutputStream(), false, StandardCharsets.UTF_8);
    }

    private static Comparison compare(Backend backend, GraphModel weights, McOptions options, LabeledImages bundled) {
        int n = Math.min(100, bundled.count());
        ImageSource first = cycled(bundled, n);
        McOptions small = options.withBatch(Math.min(options.batchImages(), n));
        ImagePrediction[] a, b;
        try (McPredictor p = new McPredictor(backend, weights, small)) { a = p.predict(first, null); }
        try (CpuBackend cpu = new CpuBackend(Runtime.getRuntime().availableProcessors());
             McPredictor p = new McPredictor(cpu, weights, small)) { b = p.predict(first, null); }
        double mc = 0, std = 0;
        for (int i = 0; i < n; i++) {
            for (int k = 0; k < a[i].meanProbs().length; k++) {
                mc = Math.max(mc, Math.abs(a[i].meanProbs()[k] - b[i].meanProbs()[k]));
                std = Math.max(std, Math.abs(a[i].standardProbs()[k] - b[i].standardProbs()[k]));
            }
        }
        return new Comparison(n, mc, std);
    }

    /**
     * The bundled MNIST test images when the network takes 1×28×28 inputs; otherwise up to 1,000
     * random images of its input shape (seeded; as many as fit in {@link #RANDOM_PIXEL_BYTES}, at
     * least one, repeated by {@link #cycled}), said on stderr: speed does not depend on the pixels.
     */
    static LabeledImages benchImages(Shape input) throws java.io.IOException {
        if (input.equals(new Shape(1, 28, 28))) {
            return Inputs.load(Home.bundledMnistImages(), Home.bundledMnistLabels(), input);
        }
        int distinct = (int) Math.max(1, Math.min(1000, RANDOM_PIXEL_BYTES / input.elements()));
        System.err.printf(Locale.ROOT, "mcdrop: the model takes %s inputs: timing on %,d random image%s of that shape%n",
                input, distinct, distinct == 1 ? "" : "s");
        byte[] pixels = new byte[Math.toIntExact(distinct * input.elements())];
        new java.util.Random(1).nextBytes(pixels);
        return new LabeledImages("random " + input, input.channels(), input.height(), input.width(), pixels, null);
    }

    /** Bytes of random pixels {@link #benchImages} draws at most (a 4096×4096 input gets 16 images, not 1,000). */
    static final long RANDOM_PIXEL_BYTES = 256L << 20;

    /** {@code images} repeated to {@code count}. */
    static ImageSource cycled(LabeledImages images, int count) {
        Shape shape = new Shape(images.channels(), images.height(), images.width());
        int channels = shape.channels(), plane = shape.plane();
        float[] one = new float[channels * plane];
        return new ImageSource() {
            @Override public int count() { return count; }

            @Override public Shape imageShape() { return shape; }

            @Override public void copyCnhw(int from, int n, float scale, float[] dst, int dstOffset) {
                for (int i = 0; i < n; i++) {
                    images.copyCnhw((from + i) % images.count(), 1, scale, one, 0); // [c][1][plane]
                    for (int c = 0; c < channels; c++) System.arraycopy(one, c * plane, dst, dstOffset + (c * n + i) * plane, plane);
                }
            }
        };
    }
}
