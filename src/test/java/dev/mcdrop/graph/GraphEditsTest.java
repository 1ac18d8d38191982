package dev.mcdrop.graph;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.mcdrop.model.Shape;
import dev.mcdrop.rng.DropoutMask;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * {@link GraphEdits#insertDropout}: on an ONNX-like residual graph (PyTorch exporter names) and on
 * a chain network, the Dropout lands right after the named node and every reader of its output
 * (a skip connection included, and the graph output) reads the Dropout instead; the standard pass
 * is unchanged bit for bit; an MC pass masks the tensor exactly as DropoutMask says for the
 * index the graph rule gives; the existing chain masks keep their indices. Each refusal is one line.
 */
class GraphEditsTest {
    private final Random r = new Random(14);

    /** x → /conv1/Conv → /relu/Relu → /conv2/Conv → /Add(conv2, relu) → GAP → Flatten → /fc/Gemm → /drop/Dropout (implicit index). */
    private Graph onnxLike() {
        List<Initializer> inits = List.of(GraphFixtures.random(r, "conv1.weight", 4, 3, 3, 3), GraphFixtures.random(r, "conv1.bias", 4),
                GraphFixtures.random(r, "conv2.weight", 4, 4, 3, 3), GraphFixtures.random(r, "fc.weight", 5, 4), GraphFixtures.random(r, "fc.bias", 5));
        List<Node> nodes = List.of(
                new Node("/conv1/Conv", Op.Conv.simple(1, 1), List.of("input", "conv1.weight", "conv1.bias"), List.of("/conv1/Conv_output_0")),
                Node.of("/relu/Relu", new Op.Relu(), "/conv1/Conv_output_0", "/relu/Relu_output_0"),
                new Node("/conv2/Conv", Op.Conv.simple(1, 1), List.of("/relu/Relu_output_0", "conv2.weight"), List.of("/conv2/Conv_output_0")),
                new Node("/Add", new Op.Add(), List.of("/conv2/Conv_output_0", "/relu/Relu_output_0"), List.of("/Add_output_0")),
                Node.of("/pool/GlobalAveragePool", new Op.GlobalAveragePool(), "/Add_output_0", "/pool/GlobalAveragePool_output_0"),
                Node.of("/Flatten", new Op.Flatten(), "/pool/GlobalAveragePool_output_0", "/Flatten_output_0"),
                new Node("/fc/Gemm", new Op.Gemm(true, 1, 1), List.of("/Flatten_output_0", "fc.weight", "fc.bias"), List.of("/fc/Gemm_output_0")),
                Node.of("/drop/Dropout", new Op.Dropout(0.25f, false), "/fc/Gemm_output_0", "logits"));
        return new Graph("torch_jit", new GraphInput("input", new Shape(3, 7, 7)), inits, nodes, List.of("logits"));
    }

    private static double[] randomImage(Random r, Graph g) {
        double[] x = new double[(int) g.input().tensorShape().elements()];
        for (int i = 0; i < x.length; i++) x[i] = r.nextDouble() * 2 - 1;
        return x;
    }

    /** The Dropout node reading {@code tensor}, checked to be the only reader, right after the producer. */
    private static Node dropoutAfter(Graph g, String producer) {
        Node p = g.node(producer);
        List<Node> readers = g.consumers(p.output());
        assertEquals(1, readers.size(), producer + " is read by its Dropout only");
        Node d = readers.getFirst();
        assertTrue(d.op() instanceof Op.Dropout, d.describe());
        assertEquals(g.indexOf(p) + 1, g.indexOf(d), "right after " + producer);
        return d;
    }

    /** Standard pass unchanged; in MC sample s the Dropout's output is its input masked as DropoutMask says for its index. */
    private void assertMasks(Graph before, Graph after, List<String> producers) {
        double[] image = randomImage(r, before);
        for (long key : new long[]{0, 91}) {
            var standard = ReferenceGraphExecutor.Pass.standard();
            assertArrayEquals(new ReferenceGraphExecutor(before).evaluate(image, key, standard).get(before.outputs().getFirst()),
                    new ReferenceGraphExecutor(after).evaluate(image, key, standard).get(after.outputs().getFirst()), "standard pass unchanged");
            for (int s = 0; s < 3; s++) {
                Map<String, double[]> v = new ReferenceGraphExecutor(after).evaluate(image, key, ReferenceGraphExecutor.Pass.mc(2024, s));
                for (String p : producers) {
                    Node d = dropoutAfter(after, p);
                    Op.Dropout op = (Op.Dropout) d.op();
                    double[] in = v.get(d.input(0)), out = v.get(d.output());
                    int threshold = DropoutMask.dropThreshold(op.ratio());
                    int dropped = 0;
                    for (int e = 0; e < in.length; e++) {
                        boolean keep = DropoutMask.keep(2024, s, key, after.maskIndex(d), e, threshold);
                        assertEquals(keep ? in[e] * (1.0 / (1.0 - op.ratio())) : 0.0, out[e], 1e-12, d.describe() + " element " + e);
                        if (!keep) dropped++;
                    }
                    assertTrue(in.length < 20 || dropped > 0, "some units dropped");
                }
            }
        }
    }

    @Test
    void insertsAfterNamedNodesRewiringEveryReader() {
        Graph g = onnxLike();
        Graph e = GraphEdits.insertDropout(g, "/relu/Relu:0.3,/Flatten");
        assertEquals(g.nodes().size() + 2, e.nodes().size());
        Node d = dropoutAfter(e, "/relu/Relu");
        assertEquals(0.3f, ((Op.Dropout) d.op()).ratio());
        assertEquals(List.of(d.output(), "conv2.weight"), e.node("/conv2/Conv").inputs());
        assertEquals(List.of("/conv2/Conv_output_0", d.output()), e.node("/Add").inputs(), "the skip reads the Dropout too");
        Node d2 = dropoutAfter(e, "/Flatten");
        assertEquals(GraphEdits.DEFAULT_P, ((Op.Dropout) d2.op()).ratio());
        assertEquals(List.of(d2.output(), "fc.weight", "fc.bias"), e.node("/fc/Gemm").inputs());
        // graph rule: position among the Dropout nodes
        assertEquals(0, e.maskIndex(d));
        assertEquals(1, e.maskIndex(d2));
        assertEquals(2, e.maskIndex(e.node("/drop/Dropout")));
        assertTrue(d.name().startsWith("/relu/Relu") && d.output().startsWith("/relu/Relu_output_0"), d.describe());
        assertTrue(McPartition.of(e).once().stream().map(Node::name).toList().equals(List.of("/conv1/Conv", "/relu/Relu")));
        assertMasks(g, e, List.of("/relu/Relu", "/Flatten"));
    }

    @Test
    void aGraphOutputIsRenamedAndNamesWithColonsParse() {
        List<Node> nodes = new ArrayList<>(List.of(Node.of("a:b", new Op.Relu(), "x", "t"), Node.of("c", new Op.Sigmoid(), "t", "t:out"),
                Node.of("flat", new Op.Flatten(), "t:out", "y")));
        Graph g = new Graph("colons", new GraphInput("x", new Shape(2, 3, 3)), List.of(), nodes, List.of("y"));
        assertEquals(List.of(new GraphEdits.DropoutAfter("a:b", 0.5f), new GraphEdits.DropoutAfter("a:b", 0.25f), new GraphEdits.DropoutAfter("c", 0.5f)),
                GraphEdits.parse(g, "a:b,a:b:0.25,c"));
        Graph e = GraphEdits.insertDropout(g, "a:b:0.2,flat:0.1");
        Node last = dropoutAfter(e, "flat");
        assertEquals(List.of(last.output()), e.outputs(), "the output is the Dropout's now");
        assertFalse(e.outputs().contains("y"));
        assertMasks(g, e, List.of("a:b", "flat"));
    }

    @Test
    void chainNetworksKeepTheirMaskIndices() {
        var w = GraphFilesTest.randomChain("lenet-ip", 3);
        Graph g = Graph.fromChain(w);
        Node old = g.nodes().stream().filter(n -> n.op() instanceof Op.Dropout).findFirst().orElseThrow();
        int oldIndex = g.maskIndex(old);
        assertEquals(7, oldIndex, "lenet-ip's dropout is layer 7");
        Graph e = GraphEdits.insertDropout(g, "conv1,conv2:0.4");
        assertEquals(oldIndex, e.maskIndex(e.node(old.name())), "the chain's own masks stay");
        assertEquals(8, e.maskIndex(dropoutAfter(e, "conv1")));
        assertEquals(9, e.maskIndex(dropoutAfter(e, "conv2")));
        assertMasks(g, e, List.of("conv1", "conv2"));
        // inserted where the chain's lenet-all has its conv dropouts: the same prefix-once split
        var all = Graph.fromChain(GraphFilesTest.randomChain("lenet-all", 3));
        assertEquals(McPartition.of(all).once().size(), McPartition.of(e).once().size());
    }

    private static String refusal(Graph g, String spec) {
        GraphException e = assertThrows(GraphException.class, () -> GraphEdits.insertDropout(g, spec));
        assertTrue(e.getMessage().startsWith("--dropout"), e.getMessage());
        assertFalse(e.getMessage().contains("\n"));
        return e.getMessage();
    }

    private static void contains(String message, String part) { assertTrue(message.contains(part), message); }

    @Test
    void badSpecsAreRefusedInOneLine() {
        Graph g = onnxLike();
        contains(refusal(g, "/relu/relu"), "no node '/relu/relu' in graph 'torch_jit'; closest: '/relu/Relu'");
        contains(refusal(g, "/conv/Conv"), "closest: '/conv1/Conv', '/conv2/Conv'");
        contains(refusal(g, "/relu/Relu,/relu/Relu:0.2"), "node '/relu/Relu' is named twice");
        contains(refusal(g, "/drop/Dropout"), "node '/drop/Dropout' (Dropout) is itself a Dropout");
        Graph once = GraphEdits.insertDropout(g, "/relu/Relu");
        contains(refusal(once, "/relu/Relu"), "node '/relu/Relu' (Relu) is already followed by node '/relu/Relu/mc_dropout' (Dropout)");
        contains(refusal(g, "/fc/Gemm"), "is already followed by node '/drop/Dropout'");
        for (String p : List.of("0", "1", "1.5", "-0.1", "NaN", "0.99999999999")) contains(refusal(g, "/relu/Relu:" + p), "p must be in (0, 1), got " + p);
        contains(refusal(g, "/relu/Relu:half"), "p 'half' is not a number");
        contains(refusal(g, "/relu/Relu,,/Add"), "an empty item");
        contains(refusal(g, ""), "no node named");
        GraphException e = assertThrows(GraphException.class,
                () -> GraphEdits.insertDropout(g, List.of(new GraphEdits.DropoutAfter("/Add", 1f))));
        contains(e.getMessage(), "p must be in (0, 1)");
    }
}
