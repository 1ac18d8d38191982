package dev.mcdrop.onnx;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.mcdrop.cpu.CpuBackend;
import dev.mcdrop.graph.Folding;
import dev.mcdrop.graph.GraphModel;
import dev.mcdrop.graph.InputTransform;
import dev.mcdrop.model.Shape;
import dev.mcdrop.predict.ImagePrediction;
import dev.mcdrop.predict.ImageSource;
import dev.mcdrop.predict.McOptions;
import dev.mcdrop.predict.McPredictor;
import dev.mcdrop.graph.Graph;
import dev.mcdrop.graph.Node;
import dev.mcdrop.graph.Op;
import dev.mcdrop.graph.ReferenceGraphExecutor;
import java.io.IOException;
import java.nio.file.Path;
import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;

/**
 * Issue 14's "Must show" network: a residual CNN defined in PyTorch (BatchNorm, a residual Add, a
 * 1×1 convolution, global average pooling, two Dropouts), exported to ONNX by PyTorch with its
 * Dropout nodes kept, and PyTorch's own answers for 8 inputs (test-data/pytorch/resnet-mc*, written
 * by scripts/fixtures/make_resnet_mc_onnx.py). mcdrop reads the file and (1) its standard pass
 * gives PyTorch's eval-mode logits and probabilities within 1e-5, with the BatchNorms as they are
 * and folded into the convolutions; (2) its MC mean of the probabilities over T = 10,000 samples
 * equals PyTorch's MC mean over T = 10,000 within 4 standard errors per image and class (other
 * masks, the same distribution). The MC check takes any engine ({@link McEngine}); this class runs
 * it with the product, {@link McPredictor} on the CPU backend; the standard pass is checked with the
 * float64 {@link ReferenceGraphExecutor}.
 */
public class PyTorchOnnxFixtureTest {
    static final Path FIXTURE = Path.of("test-data/pytorch");
    /** PyTorch computes in float32: its logits are within a few float32 ulps of the exact values. */
    static final double EVAL_TOLERANCE = 1e-5;
    /** Standard errors (of the difference of the two MC means) allowed per image and class. */
    static final double MC_STANDARD_ERRORS = 4;

    /** The fixture: the imported graph, the inputs [image][C·H·W], and PyTorch's answers [image][class]. */
    public record Fixture(Graph graph, double[][] images, double[][] evalLogits, double[][] evalProbs, double[][] mcMean,
                          double[][] mcStandardError, int samples) {}

    /**
     * An engine's MC answer, [image][class]: the mean of the graph's one output over the samples, and
     * its standard error (std/√T); {@code standardError} null where the engine does not give it.
     */
    public record McAnswer(double[][] mean, double[][] standardError) {}

    /** An engine under test: the MC answer for {@code images} ([image][C·H·W]) over {@code samples} MC samples. */
    @FunctionalInterface
    public interface McEngine {
        McAnswer mc(Graph graph, double[][] images, int samples);
    }


    public static Fixture load() throws IOException {
        Graph graph = OnnxImport.fromOnnx(OnnxFile.read(FIXTURE.resolve("resnet-mc.onnx")));
        OnnxTensor x = OnnxFile.readTensor(FIXTURE.resolve("resnet-mc-input.pb"));
        JsonNode expected = new ObjectMapper().readTree(FIXTURE.resolve("resnet-mc-expected.json").toFile());
        int count = (int) x.dim(0), size = (int) (x.elementCount() / count);
        assertEquals(graph.input().tensorShape().elements(), size, "values per image");
        float[] values = x.floats();
        double[][] images = new double[count][size];
        for (int i = 0; i < count; i++) for (int v = 0; v < size; v++) images[i][v] = values[i * size + v];
        return new Fixture(graph, images, matrix(expected, "eval_logits"), matrix(expected, "eval_probs"), matrix(expected, "mc_mean"),
                matrix(expected, "mc_se"), expected.get("samples").asInt());
    }

    private static double[][] matrix(JsonNode json, String field) {
        JsonNode rows = json.get(field);
        double[][] m = new double[rows.size()][];
        for (int i = 0; i < m.length; i++) {
            m[i] = new double[rows.get(i).size()];
            for (int k = 0; k < m[i].length; k++) m[i][k] = rows.get(i).get(k).asDouble();
        }
        return m;
    }

    /**
     * Fails unless {@code engine}'s MC means over the fixture's T samples are within
     * {@link #MC_STANDARD_ERRORS} standard errors of PyTorch's, per image and class: the standard
     * error of the difference, √(se_torch² + se_engine²) (the engine's taken equal to PyTorch's
     * where it gives none), plus 1e-6 for float32 rounding. For the fast predictor, pass a lambda
     * that runs it on {@code graph}.
     */
    public static void assertMcAgrees(Fixture f, Graph graph, McEngine engine, String engineName) {
        McAnswer answer = engine.mc(graph, f.images(), f.samples());
        double[][] mine = answer.mean(), engineSe = answer.standardError();
        assertEquals(f.mcMean().length, mine.length, engineName + ": images");
        double worst = 0;
        String where = "";
        for (int i = 0; i < mine.length; i++) {
            assertEquals(f.mcMean()[i].length, mine[i].length, engineName + ": classes of image " + i);
            for (int k = 0; k < mine[i].length; k++) {
                double seTorch = f.mcStandardError()[i][k], seMine = engineSe == null ? seTorch : engineSe[i][k];
                double se = Math.hypot(seTorch, seMine);
                double z = Math.abs(mine[i][k] - f.mcMean()[i][k]) / (se + 1e-6 / MC_STANDARD_ERRORS);
                if (z > worst) {
                    worst = z;
                    where = "image " + i + " class " + k + ": " + mine[i][k] + " vs PyTorch " + f.mcMean()[i][k] + " (se " + se + ")";
                }
            }
        }
        System.out.printf("%s: MC means within %.2f standard errors of PyTorch's (worst %s)%n", engineName, worst, where);
        assertTrue(worst <= MC_STANDARD_ERRORS, engineName + ": MC mean " + worst + " standard errors from PyTorch's at " + where);
    }

    private static void assertClose(double[][] expected, double[][] actual, String what) {
        double worst = 0;
        for (int i = 0; i < expected.length; i++) {
            assertEquals(expected[i].length, actual[i].length, what + " of image " + i);
            for (int k = 0; k < expected[i].length; k++) {
                worst = Math.max(worst, Math.abs(actual[i][k] - expected[i][k]) / Math.max(1.0, Math.abs(expected[i][k])));
            }
        }
        System.out.printf("%s: largest difference from PyTorch %.2e%n", what, worst);
        assertTrue(worst <= EVAL_TOLERANCE, what + ": largest (relative above 1) difference from PyTorch " + worst);
    }

    /** The standard pass's logits (the Softmax node's input) and probabilities (the output), [image][class]. */
    private static double[][][] standard(Graph graph, double[][] images) {
        Node softmax = graph.producer(graph.outputs().getFirst());
        assertTrue(softmax.op() instanceof Op.Softmax, softmax.describe());
        ReferenceGraphExecutor run = new ReferenceGraphExecutor(graph);
        double[][][] out = new double[2][images.length][];
        for (int i = 0; i < images.length; i++) {
            Map<String, double[]> values = run.evaluate(images[i], i, ReferenceGraphExecutor.Pass.standard());
            out[0][i] = values.get(softmax.input(0));
            out[1][i] = values.get(graph.outputs().getFirst());
        }
        return out;
    }

    private static Map<String, Integer> opCounts(Graph graph) {
        Map<String, Integer> counts = new TreeMap<>();
        for (Node n : graph.nodes()) counts.merge(n.op().type(), 1, Integer::sum);
        return counts;
    }

    @Test
    void theFixtureHasWhatIssue14AsksForAndFoldingRemovesEveryBatchNorm() throws IOException {
        Fixture f = load();
        Map<String, Integer> ops = opCounts(f.graph());
        assertEquals(4, ops.get("BatchNormalization"), ops.toString());
        assertEquals(1, ops.get("Add"), ops.toString());
        assertEquals(1, ops.get("GlobalAveragePool"), ops.toString());
        assertEquals(2, ops.get("Dropout"), ops.toString());
        assertTrue(f.graph().nodes().stream().anyMatch(n -> n.op() instanceof Op.Conv
                && f.graph().initializer(n.input(1)).dim(2) == 1 && f.graph().initializer(n.input(1)).dim(3) == 1), "a 1x1 convolution");
        Map<String, Integer> folded = opCounts(Folding.foldBatchNorm(f.graph()));
        assertEquals(null, folded.get("BatchNormalization"), folded.toString());
        assertEquals(ops.get("Conv"), folded.get("Conv"));
        assertEquals(8, f.images().length);
        assertEquals(10_000, f.samples());
    }

    @Test
    void theStandardPassGivesPyTorchsEvalOutputWithBatchNormAsItIsAndFolded() throws IOException {
        Fixture f = load();
        for (Graph g : new Graph[] {f.graph(), Folding.foldBatchNorm(f.graph())}) {
            String name = g == f.graph() ? "unfolded" : "folded";
            double[][][] out = standard(g, f.images());
            assertClose(f.evalLogits(), out[0], name + " logits");
            assertClose(f.evalProbs(), out[1], name + " probabilities");
        }
    }

    @Test
    void pytorchsMcMeanIsFarFromItsEvalOutputSoTheMcCheckCanFail() throws IOException {
        // an engine that ignored dropout (or dropped at another rate) would give about the eval probabilities
        Fixture f = load();
        double farthest = 0;
        for (int i = 0; i < f.mcMean().length; i++) {
            for (int k = 0; k < f.mcMean()[i].length; k++) {
                farthest = Math.max(farthest, Math.abs(f.mcMean()[i][k] - f.evalProbs()[i][k]) / f.mcStandardError()[i][k]);
            }
        }
        assertTrue(farthest > 100, "PyTorch's MC mean is only " + farthest + " standard errors from its eval output");
    }

    /**
     * The product: {@link McPredictor} on the CPU backend, the ONNX graph as imported (folded and
     * fused by the plan), T = 10,000. The float64 executor's MC path is tied to the predictor sample
     * by sample in {@code GraphPlanTest}; running it here too took about two minutes of CI.
     */
    @Test
    void theCpuPredictorsMcMeanOverTenThousandSamplesMatchesPyTorchs() throws IOException {
        Fixture f = load();
        assertMcAgrees(f, f.graph(), PyTorchOnnxFixtureTest::cpuPredictorMc, "McPredictor (cpu, fused plan)");
    }

    /** The product's standard prediction (dropout as the identity, BatchNorm folded, fused plan) is PyTorch's eval output. */
    @Test
    void theCpuPredictorsStandardPredictionIsPyTorchsEvalOutput() throws IOException {
        Fixture f = load();
        ImagePrediction[] ps = cpuPredict(f.graph(), f.images(), 1);
        for (int i = 0; i < ps.length; i++)
            for (int k = 0; k < ps[i].standardProbs().length; k++) {
                assertEquals(f.evalProbs()[i][k], ps[i].standardProbs()[k], 1e-5, "image " + i + " class " + k + ": standard probability");
            }
    }

    /** {@link McPredictor} on a 2-thread CPU backend as an {@link McEngine}: raw input values, content mask keys. */
    static McAnswer cpuPredictorMc(Graph graph, double[][] images, int samples) {
        ImagePrediction[] ps = cpuPredict(graph, images, samples);
        double[][] mean = new double[images.length][];
        for (int i = 0; i < ps.length; i++) {
            mean[i] = new double[ps[i].meanProbs().length];
            for (int k = 0; k < mean[i].length; k++) mean[i][k] = ps[i].meanProbs()[k];
        }
        return new McAnswer(mean, null);
    }

    private static ImagePrediction[] cpuPredict(Graph graph, double[][] images, int samples) {
        Shape shape = graph.input().shape();
        ImageSource source = new ImageSource() {
            @Override public int count() { return images.length; }

            @Override public Shape imageShape() { return shape; }

            @Override public void copyCnhw(int from, int count, float scale, float[] dst, int dstOffset) {
                int plane = shape.plane();
                for (int c = 0; c < shape.channels(); c++)
                    for (int n = 0; n < count; n++)
                        for (int j = 0; j < plane; j++) {
                            dst[dstOffset + (c * count + n) * plane + j] = (float) images[from + n][c * plane + j] * scale;
                        }
            }
        };
        GraphModel model = new GraphModel("resnet-mc", graph, InputTransform.RAW, Map.of());
        try (CpuBackend cpu = new CpuBackend(2);
             McPredictor p = new McPredictor(cpu, model, new McOptions(samples, 20261214L, images.length, 0))) {
            return p.predict(source);
        }
    }
}
