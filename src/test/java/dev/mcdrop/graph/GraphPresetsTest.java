package dev.mcdrop.graph;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * The graph presets: shapes and parameter counts against the published architectures (counted
 * here layer by layer from the papers' descriptions, not from the graph), the prefix-once split
 * (NIN's first block, ResNet's stem and first conv run once per image), finite outputs of the
 * float64 reference on a random image, batch-norm folding changing no output beyond 1e-9, and the
 * random weights' scale (He-normal) and determinism.
 */
class GraphPresetsTest {
    private static long conv(int in, int out, int k, boolean bias) { return (long) out * in * k * k + (bias ? out : 0); }

    /** Initializer values, less the batch norms' running statistics (buffers, not learned). */
    private static long learnable(Graph g) {
        long n = 0;
        for (Initializer i : g.initializers()) if (!i.name().endsWith(".running_mean") && !i.name().endsWith(".running_var")) n += i.length();
        return n;
    }

    private static long all(Graph g) { return g.initializers().stream().mapToLong(Initializer::length).sum(); }

    @Test
    void ninHasLinsShapesAndParameterCount() {
        Graph g = GraphPresets.random("cifar-nin", 1).graph();
        long expected = conv(3, 192, 5, true) + conv(192, 160, 1, true) + conv(160, 96, 1, true)
                + conv(96, 192, 5, true) + conv(192, 192, 1, true) + conv(192, 192, 1, true)
                + conv(192, 192, 3, true) + conv(192, 192, 1, true) + conv(192, 10, 1, true);
        assertEquals(966_986, expected);
        assertEquals(expected, all(g));
        assertEquals(TensorShape.of(96, 32, 32), g.shape("drop1"));
        assertEquals(TensorShape.of(96, 16, 16), g.shape("pool1"), "3x3 stride 2 ceil mode: 32 -> 16");
        assertEquals(TensorShape.of(192, 8, 8), g.shape("pool2"), "16 -> 8");
        assertEquals(TensorShape.of(10, 8, 8), g.shape("relu_cccp6"));
        assertEquals(TensorShape.features(10), g.shape(g.outputs().getFirst()));
        assertEquals(List.of("drop1", "drop2"), g.nodes().stream().filter(n -> n.op() instanceof Op.Dropout).map(Node::name).toList());
        assertEquals(InputTransform.scale(1f / 255f), GraphPresets.random("cifar-nin", 1).transform());
    }

    @Test
    void resnet20HasHesShapesAndParameterCount() {
        GraphModel m = GraphPresets.random("cifar-resnet20-mc", 1);
        Graph g = m.graph();
        long convs = conv(3, 16, 3, false) + 6 * conv(16, 16, 3, false)
                + conv(16, 32, 3, false) + 5 * conv(32, 32, 3, false) + conv(16, 32, 1, false)
                + conv(32, 64, 3, false) + 5 * conv(64, 64, 3, false) + conv(32, 64, 1, false);
        long bnChannels = 16 + 6 * 16 + 7 * 32 + 7 * 64; // stem, two per block, one per projection
        long expected = convs + 2 * bnChannels + 64 * 10 + 10;
        assertEquals(272_474, expected, "ResNet-20 with projection shortcuts: 0.27 M");
        assertEquals(expected, learnable(g));
        assertEquals(expected + 2 * bnChannels, all(g));
        assertEquals(TensorShape.of(16, 32, 32), g.shape("layer1.2.relu2"));
        assertEquals(TensorShape.of(32, 16, 16), g.shape("layer2.0.shortcut.1"));
        assertEquals(TensorShape.of(64, 8, 8), g.shape("layer3.2.relu2"));
        assertEquals(TensorShape.features(10), g.shape("fc"));
        assertEquals(9, g.nodes().stream().filter(n -> n.op() instanceof Op.Dropout d && d.ratio() == 0.2f).count());
        assertEquals(9, g.nodes().stream().filter(n -> n.op() instanceof Op.Add).count());
        assertArrayEquals(new float[]{0.4914f, 0.4822f, 0.4465f}, m.transform().mean());
        assertArrayEquals(new float[]{0.2470f, 0.2435f, 0.2616f}, m.transform().std());
    }

    @Test
    void theFirstBlockRunsOncePerImage() {
        McPartition nin = McPartition.of(GraphPresets.random("cifar-nin", 2).graph());
        assertEquals(List.of("conv1", "relu_conv1", "cccp1", "relu_cccp1", "cccp2", "relu_cccp2"), nin.once().stream().map(Node::name).toList());
        assertEquals(List.of("relu_cccp2"), nin.expanded());
        Graph res = GraphPresets.random("cifar-resnet20-mc", 2).graph();
        McPartition p = McPartition.of(res);
        assertEquals(List.of("conv1", "bn1", "relu", "layer1.0.conv1", "layer1.0.bn1", "layer1.0.relu1"), p.once().stream().map(Node::name).toList());
        assertEquals(List.of("layer1.0.relu1", "relu"), p.expanded(), "the dropout's input, and the first block's skip");
        McPartition folded = McPartition.of(Folding.foldBatchNorm(res));
        assertEquals(List.of("conv1", "relu", "layer1.0.conv1", "layer1.0.relu1"), folded.once().stream().map(Node::name).toList());
    }

    /** A random picture's pixels 0–255 through the model's transform, as the engine will apply it. */
    private static double[] image(GraphModel m, Random r) {
        var s = m.input();
        float[] mean = m.transform().mean(), std = m.transform().std();
        double[] x = new double[s.channels() * s.height() * s.width()];
        for (int i = 0; i < x.length; i++) {
            int c = i / (s.height() * s.width());
            float v = r.nextInt(256) * m.transform().scale();
            x[i] = mean.length == 0 ? v : (v - mean[c]) / std[c];
        }
        return x;
    }

    @Test
    void referenceRunsAreFiniteAndFoldingChangesNothing() {
        Random r = new Random(3);
        for (String name : GraphPresets.names()) {
            GraphModel m = GraphPresets.random(name, 7);
            Graph folded = Folding.foldBatchNorm(m.graph());
            if (name.contains("resnet")) {
                assertFalse(folded.nodes().stream().anyMatch(n -> n.op() instanceof Op.BatchNormalization), "every batch norm follows a conv");
            }
            double[][] images = {image(m, r)};
            long[] keys = {12345};
            var plain = new ReferenceGraphExecutor(m.graph());
            var fold = new ReferenceGraphExecutor(folded);
            for (var pass : List.of(ReferenceGraphExecutor.Pass.standard(), ReferenceGraphExecutor.Pass.mc(99, 0), ReferenceGraphExecutor.Pass.mc(99, 1))) {
                double[] y = plain.run(images, keys, pass)[0][0];
                for (double v : y) assertTrue(Double.isFinite(v), name + " " + pass + ": " + v);
                assertTrue(java.util.Arrays.stream(y).anyMatch(v -> v != 0), name + ": not all zero");
                if (name.equals("cifar-nin")) assertEquals(1.0, java.util.Arrays.stream(y).sum(), 1e-12, "softmax");
                GraphFixtures.assertClose(y, fold.run(images, keys, pass)[0][0], 1e-9, name + " folded, " + pass);
            }
            double[] a = plain.run(images, keys, ReferenceGraphExecutor.Pass.mc(99, 0))[0][0];
            double[] b = plain.run(images, keys, ReferenceGraphExecutor.Pass.mc(99, 1))[0][0];
            assertFalse(java.util.Arrays.equals(a, b), name + ": two MC samples differ");
        }
    }

    @Test
    void randomWeightsAreHeNormalAndSeeded() {
        Graph g = GraphPresets.random("cifar-nin", 5).graph();
        for (String w : List.of("conv2.weight", "conv3.weight")) {
            Initializer i = g.initializer(w);
            double fanIn = (double) i.length() / i.dim(0), sum = 0, squares = 0;
            for (int k = 0; k < i.length(); k++) {
                sum += i.get(k);
                squares += i.get(k) * i.get(k);
            }
            double mean = sum / i.length(), std = Math.sqrt(squares / i.length() - mean * mean);
            assertEquals(Math.sqrt(2 / fanIn), std, 0.02 * Math.sqrt(2 / fanIn), w + " std");
            assertEquals(0, mean, 0.01 * std, w + " mean");
        }
        Graph res = GraphPresets.random("cifar-resnet20-mc", 5).graph();
        for (Initializer i : res.initializers()) {
            if (i.name().endsWith(".running_var")) for (double v : i.toDoubles()) assertTrue(v >= 0.5 && v < 2.0, i.name());
            if (i.name().endsWith(".running_mean")) assertTrue(java.util.Arrays.stream(i.toDoubles()).anyMatch(v -> v != 0), i.name());
        }
        assertArrayEquals(res.initializer("layer2.0.conv1.weight").toDoubles(),
                GraphPresets.random("cifar-resnet20-mc", 5).graph().initializer("layer2.0.conv1.weight").toDoubles());
        assertNotEquals(res.initializer("fc.weight").get(0), GraphPresets.random("cifar-resnet20-mc", 6).graph().initializer("fc.weight").get(0));
        GraphException e = assertThrows(GraphException.class, () -> GraphPresets.build("cifar-nim"));
        assertTrue(e.getMessage().contains("cifar-nin") && e.getMessage().contains("cifar-resnet20-mc"), e.getMessage());
    }
}
