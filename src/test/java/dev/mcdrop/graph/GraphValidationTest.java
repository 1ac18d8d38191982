package dev.mcdrop.graph;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.mcdrop.model.Shape;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Graphs that must be refused, each with one line naming the node (or the graph) and what is wrong:
 * names defined twice or never, order and cycles, operator inputs, shapes, and sizes past
 * {@link GraphLimits} (checked before anything is allocated).
 */
class GraphValidationTest {
    private static final Shape IN = new Shape(2, 4, 4);

    private static String refused(List<Initializer> inits, List<Node> nodes, List<String> outputs) {
        return assertThrows(GraphException.class, () -> new Graph("g", new GraphInput("x", IN), inits, nodes, outputs)).getMessage();
    }

    private static String refused(List<Node> nodes, String output) { return refused(List.of(), nodes, List.of(output)); }

    private static Node relu(String name, String in, String out) { return Node.of(name, new Op.Relu(), in, out); }

    @Test
    void namesDefinedTwiceOrNever() {
        assertEquals("node 'b' (Relu): output 'y' is already defined by node 'a' (Relu)",
                refused(List.of(relu("a", "x", "y"), relu("b", "x", "y")), "y"));
        assertEquals("node 'a' (Relu): output 'x' is already defined by the graph input", refused(List.of(relu("a", "x", "x")), "x"));
        assertEquals("graph 'g': two nodes are named 'a'", refused(List.of(relu("a", "x", "y"), relu("a", "y", "z")), "z"));
        assertEquals("node 'a' (Relu): input 'q' is not defined (not the graph input, an initializer or any node's output)",
                refused(List.of(relu("a", "q", "y")), "y"));
        assertEquals("graph 'g': tensor 'x' is defined twice (as the input and as an initializer)",
                refused(List.of(Initializer.of("x", new int[]{1}, new float[1])), List.of(relu("a", "x", "y")), List.of("y")));
        assertEquals("graph 'g': output 'z' is not defined", refused(List.of(relu("a", "x", "y")), "z"));
        assertEquals("graph 'g': node 0 (Relu) has no name", refused(List.of(relu("", "x", "y")), "y"));
    }

    @Test
    void outOfOrderNodesAndCyclesAreNamed() {
        assertEquals("node 'a' (Relu): input 'z' comes from node 'b' (Relu), which is not before it: the nodes are not in topological order"
                + " or form a cycle", refused(List.of(relu("a", "z", "y"), relu("b", "y", "z")), "z"));
        assertEquals("node 'a' (Relu): input 'y' comes from node 'a' (Relu), itself: the nodes are not in topological order or form a cycle",
                refused(List.of(relu("a", "y", "y")), "y"));
    }

    @Test
    void operatorInputsAndShapes() {
        Initializer w = Initializer.of("w", new int[]{4, 2, 3, 3}, new float[72]);
        assertEquals("node 'c' (Conv): input 'x' (the weight) must be an initializer",
                refused(List.of(), List.of(new Node("c", Op.Conv.simple(1, 0), List.of("x", "x"), List.of("y"))), List.of("y")));
        assertEquals("node 'c' (Conv): group 2 does not divide the input channels 2 and the output channels 3",
                refused(List.of(Initializer.of("w", new int[]{3, 1, 1, 1}, new float[3])),
                        List.of(new Node("c", new Op.Conv(Op.Size2.ONE, Op.Pads.NONE, Op.AutoPad.NOTSET, Op.Size2.ONE, 2), List.of("x", "w"), List.of("y"))),
                        List.of("y")));
        assertEquals("node 'c' (Conv): the kernel 3 is larger than the padded input height 2",
                refused(List.of(w), List.of(Node.of("p", new Op.MaxPool(Op.Size2.square(2), Op.Size2.square(2), Op.Pads.NONE, Op.AutoPad.NOTSET,
                        false, Op.Size2.ONE), "x", "p"), new Node("c", Op.Conv.simple(1, 0), List.of("p", "w"), List.of("y"))), List.of("y")));
        assertEquals("node 'c' (Conv): 2 to 3 input(s) expected, 1 given",
                refused(List.of(w), List.of(new Node("c", Op.Conv.simple(1, 0), List.of("x"), List.of("y"))), List.of("y")));
        assertEquals("node 'g' (Gemm): input 'x' is Nx2x4x4; a matrix [N,K] is needed (add a Flatten)",
                refused(List.of(Initializer.of("B", new int[]{32, 2}, new float[64])),
                        List.of(new Node("g", new Op.Gemm(false, 1, 1), List.of("x", "B"), List.of("y"))), List.of("y")));
        assertEquals("node 'a' (Add): inputs Nx2x4x4 and [3, 1, 1] do not broadcast (dimension 1)",
                refused(List.of(Initializer.of("b", new int[]{3, 1, 1}, new float[3])),
                        List.of(new Node("a", new Op.Add(), List.of("x", "b"), List.of("y"))), List.of("y")));
        assertEquals("node 'a' (Add): the constant 'b' [2, 1, 1, 1] does not broadcast to [N,C,H,W]",
                refused(List.of(Initializer.of("b", new int[]{2, 1, 1, 1}, new float[2])),
                        List.of(new Node("a", new Op.Add(), List.of("x", "b"), List.of("y"))), List.of("y")));
        assertEquals("node 's' (Softmax): axis 0 of a rank-4 tensor Nx2x4x4 is the batch", refused(List.of(Node.of("s", new Op.Softmax(0), "x", "y")), "y"));
        assertEquals("node 'd' (Dropout): ratio must be in [0, 1), got 1.0", refused(List.of(Node.of("d", new Op.Dropout(1f, false), "x", "y")), "y"));
        assertEquals("node 'r' (Reshape): cannot reshape Nx2x4x4 (32 values per image) to Nx30", refused(List.of(Node.of("r", new Op.Reshape(30), "x", "y")), "y"));
        assertEquals("node 'b' (BatchNormalization): variance[1] + epsilon = -0.5 is not positive",
                refused(List.of(Initializer.of("s", new int[]{2}, new float[2]), Initializer.of("v", new int[]{2}, new float[]{1, -0.5f})),
                        List.of(new Node("b", new Op.BatchNormalization(0), List.of("x", "s", "s", "s", "v"), List.of("y"))), List.of("y")));
        assertEquals("node 'p' (MaxPool): auto_pad SAME_UPPER and explicit pads [1,1,1,1] are both given",
                refused(List.of(Node.of("p", new Op.MaxPool(Op.Size2.square(2), Op.Size2.ONE, Op.Pads.all(1), Op.AutoPad.SAME_UPPER, false,
                        Op.Size2.ONE), "x", "y")), "y"));
        assertEquals("node 'p' (AveragePool): attribute 'stride height' is 0; it must be between 1 and 65536",
                refused(List.of(Node.of("p", new Op.AveragePool(Op.Size2.square(2), new Op.Size2(0, 1), Op.Pads.NONE, Op.AutoPad.NOTSET, false,
                        false), "x", "y")), "y"));
    }

    @Test
    void sizesPastTheLimitsAreRefusedBeforeAllocating() {
        GraphException e = assertThrows(GraphException.class, () -> Initializer.of("huge", new int[]{1 << 20, 1 << 20, 1 << 20}, new float[0]));
        assertEquals("initializer 'huge': shape [1048576, 1048576, 1048576] holds 1152921504606846976 values but 0 are given", e.getMessage());
        e = assertThrows(GraphException.class, () -> Initializer.of("huge", new int[]{1 << 30, 1 << 30, 1 << 30}, new float[0]));
        assertTrue(e.getMessage().contains("holds more than 2^63 values"), e.getMessage());
        // 3 × 2^27 values per image from a concatenation (nothing of that size exists or is allocated)
        GraphException big = assertThrows(GraphException.class, () -> new Graph("g", new GraphInput("x", new Shape(1, 8192, 16384)), List.of(),
                List.of(new Node("cat", new Op.Concat(), List.of("x", "x", "x"), List.of("y"))), List.of("y")));
        assertEquals("node 'cat' (Concat): the output has 402653184 values per image; at most 268435456 are supported", big.getMessage());
        GraphException input = assertThrows(GraphException.class, () -> new Graph("g", new GraphInput("x", new Shape(2, 16384, 16384)), List.of(),
                List.of(relu("a", "x", "y")), List.of("y")));
        assertTrue(input.getMessage().startsWith("graph 'g': input 'x' is Nx2x16384x16384; at most"), input.getMessage());
        List<Node> many = new ArrayList<>();
        for (int i = 0; i <= GraphLimits.MAX_NODES; i++) many.add(relu("n" + i, i == 0 ? "x" : "t" + (i - 1), "t" + i));
        assertEquals("graph 'g': 65537 nodes; at most 65536 are supported", refused(many, "t0"));
        // a huge kernel with a small input is a shape error, not an allocation: stride and pads checked in long
        assertEquals("node 'p' (MaxPool): attribute 'kernel height' is 70000; it must be between 1 and 65536",
                refused(List.of(Node.of("p", new Op.MaxPool(new Op.Size2(70000, 1), Op.Size2.ONE, Op.Pads.NONE, Op.AutoPad.NOTSET, false,
                        Op.Size2.ONE), "x", "y")), "y"));
    }

    @Test
    void summaryNamesEveryNode() {
        Graph g = new Graph("g", new GraphInput("x", IN), List.of(), List.of(relu("a", "x", "y"), Node.of("d", new Op.Dropout(0.25f, true), "y", "z")),
                List.of("z"));
        String s = g.summary();
        assertTrue(s.contains("node 'a' (Relu) ['x'] -> 'y' Nx2x4x4"), s);
        assertTrue(s.contains("node 'd' (Dropout) ['y'] -> 'z' Nx2x4x4 p=0.25 per channel mask index 0"), s);
    }
}
