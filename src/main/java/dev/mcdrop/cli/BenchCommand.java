package dev.mcdrop.cli;

import dev.mcdrop.backend.Backend;
import dev.mcdrop.backend.ProfilingBackend;
import dev.mcdrop.cpu.CpuBackend;
import dev.mcdrop.data.LabeledImages;
import dev.mcdrop.model.Shape;
import dev.mcdrop.model.Weights;
import dev.mcdrop.predict.ImagePrediction;
import dev.mcdrop.predict.ImageSource;
import dev.mcdrop.predict.McOptions;
import dev.mcdrop.predict.McPredictor;
import java.util.Arrays;
import java.util.Locale;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * {@code mcdrop bench}: stochastic image-passes per second of MC prediction (T·B passes per
 * batch, the standard-dropout pass included in the time), on the bundled MNIST images repeated
 * to fill the batch. Reports the median of the timed repeats, and the machine.
 */
@Command(name = "bench", mixinStandardHelpOptions = true,
        description = "Measure MC-dropout throughput: stochastic image-passes per second for a model, T, B and thread count.")
final class BenchCommand implements Callable<Integer> {
    @Mixin ModelOptions model = new ModelOptions();
    @Mixin BackendOptions backendOptions = new BackendOptions();
    @Mixin RunOptions run = new RunOptions();

    @Option(names = "--repeat", defaultValue = "5", description = "timed repetitions. Default: ${DEFAULT-VALUE}")
    int repeat;

    @Option(names = "--warmup", defaultValue = "2", description = "untimed repetitions first (JIT). Default: ${DEFAULT-VALUE}")
    int warmup;

    @Option(names = "--images", defaultValue = "0", description = "images per repetition (default: one batch)")
    int images;

    @Option(names = "--profile", description = "time every backend op (synchronising after each) and print where the time goes")
    boolean profile;

    @Option(names = "--compare-cpu", description = "also run the first 100 images on the CPU backend and report the largest probability difference")
    boolean compareCpu;

    @Override
    public Integer call() throws Exception {
        Weights weights = model.load();
        McOptions options = run.options();
        int count = images > 0 ? images : options.batchImages();
        LabeledImages bundled = benchImages(weights.network().input());
        ImageSource source = cycled(bundled, count);
        long passes = (long) count * options.samples();
        try (Backend opened = backendOptions.open();
             Backend backend = profile ? new ProfilingBackend(opened) : opened;
             McPredictor predictor = new McPredictor(backend, weights, options)) {
            System.out.printf(Locale.ROOT, "model %s, backend %s, T=%d, B=%d, images %d, chunk %d columns, workspace %.0f MB%n",
                    weights.network().architecture().name(), backend.describe(), options.samples(), predictor.batchImages(),
                    count, predictor.chunkColumns(), predictor.workspaceBytes() / 1e6);
            System.out.printf(Locale.ROOT, "machine: %s, %d cores, Java %s%n", cpuName(), Runtime.getRuntime().availableProcessors(),
                    Runtime.version());
            for (int i = 0; i < warmup; i++) predictor.predict(source, null);
            if (backend instanceof ProfilingBackend p) p.reset();
            double[] rates = new double[repeat];
            for (int i = 0; i < repeat; i++) {
                long start = System.nanoTime();
                predictor.predict(source, null);
                double s = (System.nanoTime() - start) / 1e9;
                rates[i] = passes / s;
                System.out.printf(Locale.ROOT, "  run %d: %.3f s, %.0f passes/s%n", i + 1, s, rates[i]);
            }
            Arrays.sort(rates);
            double median = rates[rates.length / 2];
            double flops = 2.0 * weights.network().multiplyAdds(Math.max(0, weights.network().firstDropout())) * median;
            System.out.printf(Locale.ROOT, "median %.0f stochastic image-passes/s (min %.0f, max %.0f), %.1f GFLOP/s in the sampled layers%n",
                    median, rates[0], rates[rates.length - 1], flops / 1e9);
            backend.peakFlopsPerSecond().ifPresent(peak -> System.out.printf(Locale.ROOT,
                    "  = %.2f %% of the device's published peak for its GEMM precision (%.1f TFLOP/s)%n", 100 * flops / peak, peak / 1e12));
            if (backend instanceof ProfilingBackend p) System.out.print("time per op over the timed runs:\n" + p.report());
            if (compareCpu) compare(backend, weights, options, bundled);
        }
        return 0;
    }

    private void compare(Backend backend, Weights weights, McOptions options, LabeledImages bundled) {
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
        System.out.printf(Locale.ROOT, "compare with cpu on %d images: max |MC mean prob diff| %.3g, max |standard prob diff| %.3g%n", n, mc, std);
    }

    /**
     * The bundled MNIST test images when the network takes 1×28×28 inputs; otherwise 1,000 random
     * images of its input shape (seeded), said on stderr: speed does not depend on the pixels.
     */
    static LabeledImages benchImages(Shape input) throws java.io.IOException {
        if (input.equals(new Shape(1, 28, 28))) {
            return Inputs.load(Home.bundledMnistImages(), Home.bundledMnistLabels(), input);
        }
        System.err.println("mcdrop: the model takes " + input + " inputs: timing on 1,000 random images of that shape");
        byte[] pixels = new byte[Math.toIntExact(1000 * input.elements())];
        new java.util.Random(1).nextBytes(pixels);
        return new LabeledImages("random " + input, input.channels(), input.height(), input.width(), pixels, null);
    }

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

    static String cpuName() {
        try {
            for (String line : java.nio.file.Files.readAllLines(java.nio.file.Path.of("/proc/cpuinfo"))) {
                if (line.startsWith("model name")) return line.substring(line.indexOf(':') + 1).trim();
            }
        } catch (java.io.IOException | RuntimeException e) {
            // not Linux: fall through
        }
        return System.getProperty("os.arch");
    }
}
