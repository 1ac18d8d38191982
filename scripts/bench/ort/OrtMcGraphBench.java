/*
 * ONNX Runtime Java peer of issue 14's benchmark: MC-dropout prediction of cifar-nin or
 * cifar-resnet20-mc with ONNX Runtime's Java API, done the way mcdrop does it, timed as stochastic
 * passes per second (T · images / seconds). Prints ONE JSON line.
 *
 * Runs the files of scripts/bench/export_mc_graph_onnx.py (same seeded weights as the PyTorch peer):
 * per batch of B images the prefix runs once, then one standard pass (NET-suffix-dropout.onnx with
 * training = false, as mcdrop's bench includes it), then the suffix on the replicated batch, K samples
 * per run (Tile inside the graph, K·B columns), softmax probabilities summed here and divided by T.
 * --dropout op uses ONNX Dropout with training = true (kept alive by its mask being a graph output,
 * never fetched); --dropout uniform uses the RandomUniformLike < keep mask written out in the graph.
 * An untimed warm-up meets every shape of a timed run once, then --repeats timed runs.
 * Before timing it checks that dropout is alive (two stochastic runs differ from each other and from
 * the standard pass) and stops with one line if not.
 *
 * ONNX Runtime is a bench-time tool, never a dependency of mcdrop: this file is not in the Maven
 * build; run it with Java's source launcher and the onnxruntime jar on the class path
 * (scripts/bench/peers-setup.sh fetches it into ~/.m2):
 *   java --enable-native-access=ALL-UNNAMED -cp ~/.m2/repository/com/microsoft/onnxruntime/onnxruntime/1.29.0/onnxruntime-1.29.0.jar \
 *       scripts/bench/ort/OrtMcGraphBench.java --net cifar-nin --samples 100 --batch 256 --threads 2
 */
import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OnnxValue;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import java.io.File;
import java.nio.FloatBuffer;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.SplittableRandom;

public final class OrtMcGraphBench {
    record Options(String net, String onnxDir, String dropout, int samples, int batch, int images, int chunkSamples,
                   int threads, int repeats, long seed) {}

    /** MC mean and standard probabilities of every image, [images][classes] flattened. */
    record Prediction(float[] mc, float[] standard) {}

    private static final int CLASSES = 10, IMAGE = 3 * 32 * 32;

    private final Options o;
    private final OrtEnvironment env = OrtEnvironment.getEnvironment();
    private final OrtSession prefix, standardSuffix, mcSuffix;
    private final List<String> featureNames;

    OrtMcGraphBench(Options o) throws OrtException {
        this.o = o;
        OrtSession.SessionOptions so = new OrtSession.SessionOptions();
        so.setIntraOpNumThreads(o.threads());
        so.setInterOpNumThreads(1);
        so.setExecutionMode(OrtSession.SessionOptions.ExecutionMode.SEQUENTIAL);
        so.setOptimizationLevel(OrtSession.SessionOptions.OptLevel.ALL_OPT);
        prefix = env.createSession(file("prefix"), so);
        standardSuffix = env.createSession(file("suffix-dropout"), so);
        mcSuffix = o.dropout().equals("op") ? standardSuffix : env.createSession(file("suffix-uniform"), so);
        featureNames = new ArrayList<>(prefix.getOutputNames());
    }

    private String file(String part) {
        File f = new File(o.onnxDir(), o.net() + "-" + part + ".onnx");
        if (!f.isFile()) fail(f + ": missing; write it with scripts/bench/export_mc_graph_onnx.py --out " + o.onnxDir());
        return f.getPath();
    }

    /** Probabilities [k·b][classes] of the suffix on the features tiled k times. */
    private float[] suffix(OrtSession session, Map<String, OnnxTensor> features, int k, boolean stochastic) throws OrtException {
        Map<String, OnnxTensor> in = new HashMap<>(features);
        try (OnnxTensor repeats = OnnxTensor.createTensor(env, new long[] {k, 1, 1, 1});
             OnnxTensor training = session.getInputNames().contains("training") ? OnnxTensor.createTensor(env, stochastic) : null) {
            in.put("repeats", repeats);
            if (training != null) in.put("training", training);
            try (OrtSession.Result r = session.run(in, Set.of("probs"))) {
                FloatBuffer fb = ((OnnxTensor) r.get("probs").orElseThrow()).getFloatBuffer();
                float[] out = new float[fb.remaining()];
                fb.get(out);
                return out;
            }
        }
    }

    /** The prefix's outputs for images [first, first + b), as the suffix's named inputs. */
    private OrtSession.Result prefix(float[] images, int first, int b) throws OrtException {
        FloatBuffer x = FloatBuffer.wrap(images, first * IMAGE, b * IMAGE).slice();
        try (OnnxTensor t = OnnxTensor.createTensor(env, x, new long[] {b, 3, 32, 32})) {
            return prefix.run(Map.of("images", t));
        }
    }

    private static Map<String, OnnxTensor> named(OrtSession.Result r, List<String> names) {
        Map<String, OnnxTensor> m = new HashMap<>();
        for (String n : names) m.put(n, (OnnxTensor) r.get(n).orElseThrow());
        return m;
    }

    /** MC prediction over {@code samples} samples of the first {@code count} images. */
    Prediction predict(float[] images, int count, int samples) throws OrtException {
        float[] mc = new float[count * CLASSES], standard = new float[count * CLASSES];
        for (int first = 0; first < count; first += o.batch()) {
            int b = Math.min(o.batch(), count - first);
            try (OrtSession.Result pr = prefix(images, first, b)) {
                Map<String, OnnxTensor> features = named(pr, featureNames);
                System.arraycopy(suffix(standardSuffix, features, 1, false), 0, standard, first * CLASSES, b * CLASSES);
                double[] sum = new double[b * CLASSES];
                for (int s0 = 0; s0 < samples; s0 += o.chunkSamples()) {
                    int k = Math.min(o.chunkSamples(), samples - s0);
                    float[] p = suffix(mcSuffix, features, k, true);  // row j·b + i: sample j of image i
                    for (int j = 0; j < k; j++) for (int c = 0; c < b * CLASSES; c++) sum[c] += p[j * b * CLASSES + c];
                }
                for (int c = 0; c < b * CLASSES; c++) mc[first * CLASSES + c] = (float) (sum[c] / samples);
            }
        }
        return new Prediction(mc, standard);
    }

    /** Two stochastic runs of one sample must differ from each other and from the standard pass. */
    void requireDropoutAlive(float[] images) throws OrtException {
        int b = Math.min(o.batch(), o.images());
        try (OrtSession.Result pr = prefix(images, 0, b)) {
            Map<String, OnnxTensor> f = named(pr, featureNames);
            float[] s = suffix(standardSuffix, f, 1, false), a = suffix(mcSuffix, f, 1, true), c = suffix(mcSuffix, f, 1, true);
            if (Arrays.equals(a, c) || Arrays.equals(a, s)) {
                fail("dropout is not alive in " + o.net() + "-suffix-" + (o.dropout().equals("op") ? "dropout" : "uniform")
                        + ".onnx (stochastic runs equal the standard pass or each other): ONNX Runtime removed or froze it");
            }
        }
    }

    static void fail(String message) {
        System.err.println("OrtMcGraphBench: " + message);
        System.exit(2);
    }

    static Options parse(String[] args) {
        Map<String, String> m = new HashMap<>(Map.of("--onnx-dir", "target/peers", "--dropout", "op", "--samples", "100",
                "--batch", "256", "--images", "0", "--chunk-samples", "0", "--threads", "2", "--repeats", "3", "--seed", "2"));
        for (int i = 0; i < args.length; i += 2) {
            if (!m.containsKey(args[i]) && !args[i].equals("--net")) fail("unknown option " + args[i] + " (known: --net, " + m.keySet() + ")");
            if (i + 1 >= args.length) fail(args[i] + " needs a value");
            m.put(args[i], args[i + 1]);
        }
        String net = m.get("--net");
        if (net == null || !(net.equals("cifar-nin") || net.equals("cifar-resnet20-mc"))) fail("--net must be cifar-nin or cifar-resnet20-mc");
        if (!m.get("--dropout").equals("op") && !m.get("--dropout").equals("uniform")) fail("--dropout must be op or uniform");
        int samples = positive(m, "--samples"), batch = positive(m, "--batch"), images = nonNegative(m, "--images");
        int chunk = nonNegative(m, "--chunk-samples");
        chunk = Math.min(samples, chunk > 0 ? chunk : Math.max(1, 1024 / batch));
        return new Options(net, m.get("--onnx-dir"), m.get("--dropout"), samples, batch, images > 0 ? images : batch, chunk,
                positive(m, "--threads"), positive(m, "--repeats"), Long.parseLong(m.get("--seed")));
    }

    static int nonNegative(Map<String, String> m, String key) {
        try {
            int v = Integer.parseInt(m.get(key));
            if (v >= 0) return v;
        } catch (NumberFormatException e) { /* reported below */ }
        fail(key + " must be a whole number >= 0, got '" + m.get(key) + "'");
        return 0;
    }

    static int positive(Map<String, String> m, String key) {
        int v = nonNegative(m, key);
        if (v == 0) fail(key + " must be at least 1");
        return v;
    }

    static String cpuModel() {
        try {
            for (String line : java.nio.file.Files.readAllLines(java.nio.file.Path.of("/proc/cpuinfo"))) {
                if (line.startsWith("model name")) return line.substring(line.indexOf(':') + 1).trim();
            }
        } catch (java.io.IOException e) { /* fall through */ }
        return System.getProperty("os.arch");
    }

    public static void main(String[] args) throws OrtException {
        Options o = parse(args);
        OrtMcGraphBench bench = new OrtMcGraphBench(o);
        SplittableRandom rng = new SplittableRandom(o.seed());
        float[] images = new float[o.images() * IMAGE];
        for (int i = 0; i < images.length; i++) images[i] = (float) rng.nextDouble();
        bench.requireDropoutAlive(images);
        long t0 = System.nanoTime();
        // warm-up: every shape of a timed run once (one chunk per batch when the chunks divide T)
        Prediction p = bench.predict(images, o.images(), o.samples() % o.chunkSamples() == 0 ? o.chunkSamples() : o.samples());
        double warmup = (System.nanoTime() - t0) / 1e9;
        double[] rates = new double[o.repeats()];
        StringBuilder runs = new StringBuilder();
        for (int r = 0; r < o.repeats(); r++) {
            t0 = System.nanoTime();
            p = bench.predict(images, o.images(), o.samples());
            double s = (System.nanoTime() - t0) / 1e9;
            rates[r] = (double) o.images() * o.samples() / s;
            runs.append(r == 0 ? "" : ", ").append(String.format(Locale.ROOT, "{\"seconds\": %.4f, \"passes_per_second\": %.1f}", s, rates[r]));
        }
        double[] sorted = rates.clone();
        Arrays.sort(sorted);
        int n = sorted.length;
        double median = n % 2 == 1 ? sorted[n / 2] : (sorted[n / 2 - 1] + sorted[n / 2]) / 2;
        double sumError = 0, mcVsStandard = 0;
        for (int i = 0; i < o.images(); i++) {
            double sum = 0;
            for (int c = 0; c < CLASSES; c++) {
                sum += p.mc()[i * CLASSES + c];
                mcVsStandard = Math.max(mcVsStandard, Math.abs(p.mc()[i * CLASSES + c] - p.standard()[i * CLASSES + c]));
            }
            sumError = Math.max(sumError, Math.abs(sum - 1));
        }
        System.out.println(String.format(Locale.ROOT,
                "{\"tool\": \"onnxruntime-java %s\", \"net\": \"%s\", \"mode\": \"ort\", \"dropout\": \"%s\", \"samples\": %d, "
                        + "\"batch\": %d, \"images\": %d, \"chunk_columns\": %d, \"threads\": %d, \"standard_pass\": true, "
                        + "\"machine\": \"%s, %d cpus\", \"java\": \"%s\", \"warmup_seconds\": %.2f, \"runs\": [%s], "
                        + "\"median_passes_per_second\": %.1f, \"mc_prob_sum_max_error\": %.3g, \"mc_vs_standard_max_diff\": %.3g}",
                bench.env.getVersion(), o.net(), o.dropout(), o.samples(), o.batch(), o.images(), o.chunkSamples() * o.batch(),
                o.threads(), cpuModel(), Runtime.getRuntime().availableProcessors(), Runtime.version(), warmup, runs, median,
                sumError, mcVsStandard));
    }
}
