package dev.mcdrop.onnx;

import static dev.mcdrop.onnx.OnnxWriter.attrInts;
import static dev.mcdrop.onnx.OnnxWriter.floatTensor;
import static dev.mcdrop.onnx.OnnxWriter.graph;
import static dev.mcdrop.onnx.OnnxWriter.model;
import static dev.mcdrop.onnx.OnnxWriter.node;
import static dev.mcdrop.onnx.OnnxWriter.valueInfo;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.mcdrop.graph.Graph;
import dev.mcdrop.graph.GraphLimits;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Hostile ONNX files that are well-formed protobuf, which the reader ({@link OnnxFile}) accepts
 * and the importer ({@link OnnxImport}) must refuse: a node cycle, an unknown operator, dimensions
 * whose product overflows, more nodes than a graph may have. Each is refused with one
 * {@link OnnxFormatException} line naming the file and the node or field, before anything large
 * is allocated. (Truncated files, wrong tensor sizes, overflowing initializer dims and 10⁶ nodes at
 * the reader are in {@link OnnxHostileFilesTest}; external data outside the model's directory in
 * {@link OnnxExternalDataTest}.)
 */
class OnnxHostileGraphsTest {
    @TempDir
    Path dir;

    /** The importer's refusal of {@code model} written to a file, checked to be one printable line naming the file. */
    private String refused(ProtoWriter model) throws IOException {
        Path file = OnnxWriter.write(dir.resolve("m.onnx"), model);
        OnnxModel read = OnnxFile.read(file); // the reader accepts it: the importer must refuse
        return OnnxHostileFilesTest.clean(assertThrows(OnnxFormatException.class, () -> OnnxImport.fromOnnx(read)), file);
    }

    private Graph imported(ProtoWriter model) throws IOException {
        return OnnxImport.fromOnnx(OnnxFile.read(OnnxWriter.write(dir.resolve("ok.onnx"), model)));
    }

    /** A graph on input x [N,1,4,4] with output {@code output} and {@code nodes}. */
    private static ProtoWriter image(String output, ProtoWriter... nodes) {
        ProtoWriter g = graph("g").message(11, valueInfo("x", DataType.FLOAT, "N", 1L, 4L, 4L));
        for (ProtoWriter n : nodes) g.message(1, n);
        return model(g.message(12, valueInfo(output, DataType.FLOAT)));
    }

    private static ProtoWriter relu(String name, String in, String out) {
        return node("Relu", name, new String[] {in}, new String[] {out});
    }

    @Test
    void aNodeCycleIsRefusedNamingTheNode() throws IOException {
        assertEquals("graph.node[1] 'a' (Relu): input 0 'z' is not defined before the node",
                refused(image("z", relu("r", "x", "y"), relu("a", "z", "w"), relu("b", "w", "z"))));
        assertEquals("graph.node[0] 'self' (Relu): input 0 'y' is not defined before the node", refused(image("y", relu("self", "y", "y"))));
        ProtoWriter add = node("Add", "add", new String[] {"x", "s"}, new String[] {"y"});
        assertEquals("graph.node[0] 'add' (Add): input 1 's' must be an initializer or a Constant",
                refused(image("s", add, relu("back", "y", "s"))));
        // the same nodes in order import
        assertEquals(3, imported(image("z", relu("r", "x", "y"), relu("b", "y", "w"), relu("a", "w", "z"))).nodes().size());
    }

    @Test
    void anUnknownOperatorIsRefusedNamingTheNodeAndItsType() throws IOException {
        String supported = "(supported: " + String.join(", ", OnnxImport.SUPPORTED) + ")";
        assertEquals("graph.node[1] 'mystery' (FancyOp): operator not supported by mcdrop " + supported,
                refused(image("z", relu("r", "x", "y"), node("FancyOp", "mystery", new String[] {"y"}, new String[] {"z"}))));
        assertEquals("graph.node[0] (LSTM): operator not supported by mcdrop " + supported,
                refused(image("y", node("LSTM", "", new String[] {"x"}, new String[] {"y"}))));
        ProtoWriter custom = new ProtoWriter().string(1, "x").string(2, "y").string(3, "c").string(4, "Relu").string(7, "com.example");
        assertEquals("graph.node[0] 'c' (Relu): domain 'com.example' is not supported (only the default ONNX domain)", refused(image("y", custom)));
        assertEquals("graph.node[0] 'r' (Relu): attribute 'alpha' is not supported",
                refused(image("y", node("Relu", "r", new String[] {"x"}, new String[] {"y"}, OnnxWriter.attrFloat("alpha", 1f)))));
    }

    /** Before opset 12 Dropout's ratio is an attribute: an input in its place would be ignored, so it is refused. */
    @Test
    void aDropoutRatioInputBeforeOpset12IsRefused() throws IOException {
        ProtoWriter g = graph("g").message(11, valueInfo("x", DataType.FLOAT, "N", 1L, 4L, 4L))
                .message(1, node("Dropout", "drop", new String[] {"x", "x"}, new String[] {"y"}))
                .message(12, valueInfo("y", DataType.FLOAT));
        ProtoWriter opset11 = new ProtoWriter().varint(1, 8).string(2, "mcdrop-test").string(3, "1")
                .message(7, g).message(8, new ProtoWriter().string(1, "").varint(2, 11));
        assertEquals("graph.node[0] 'drop' (Dropout): has a ratio or training_mode input, which Dropout takes from opset 12 on;"
                + " at opset 11 its ratio is the attribute 'ratio'", refused(opset11));
    }

    @Test
    void inputDimensionsWhoseProductOverflowsAreRefused() throws IOException {
        long big = Integer.MAX_VALUE;
        ProtoWriter huge = model(graph("g").message(11, valueInfo("x", DataType.FLOAT, 1L, big, big, big))
                .message(1, relu("r", "x", "y")).message(12, valueInfo("y", DataType.FLOAT)));
        assertEquals("graph: graph 'g': input 'x' is Nx2147483647x2147483647x2147483647; at most 16777216 channels, sides of 65536 and"
                + " 268435456 values per image are supported", refused(huge));
        long past = 1L << 32;
        assertEquals("graph.input[0] 'x': input 'x' dimension 1 is 4294967296; a positive number is needed",
                refused(model(graph("g").message(11, valueInfo("x", DataType.FLOAT, 1L, past, past, past))
                        .message(1, relu("r", "x", "y")).message(12, valueInfo("y", DataType.FLOAT)))));
        assertEquals("graph.input[0] 'x': input 'x' dimension 2 is symbolic ('H'); a positive number is needed",
                refused(model(graph("g").message(11, valueInfo("x", DataType.FLOAT, 1L, 3L, "H", 4L))
                        .message(1, relu("r", "x", "y")).message(12, valueInfo("y", DataType.FLOAT)))));
        // each side allowed, the product (2^16 · 2^16 · 2^16 values per image) not
        long side = 1 << 16;
        String product = refused(model(graph("g").message(11, valueInfo("x", DataType.FLOAT, 1L, side, side, side))
                .message(1, relu("r", "x", "y")).message(12, valueInfo("y", DataType.FLOAT))));
        assertEquals("graph: graph 'g': input 'x' is Nx65536x65536x65536; at most 16777216 channels, sides of 65536 and"
                + " 268435456 values per image are supported", product);
    }

    @Test
    void shapesThatOverflowInsideTheGraphAreRefused() throws IOException {
        // a Conv padding a 4x4 image by 2^31 - 1 on each side: the output side overflows an int
        ProtoWriter conv = node("Conv", "c", new String[] {"x", "w"}, new String[] {"y"}, attrInts("pads", Integer.MAX_VALUE, Integer.MAX_VALUE,
                Integer.MAX_VALUE, Integer.MAX_VALUE));
        ProtoWriter g = graph("g").message(11, valueInfo("x", DataType.FLOAT, "N", 1L, 4L, 4L))
                .message(5, floatTensor("w", new long[] {1, 1, 1, 1}, 1f)).message(1, conv).message(12, valueInfo("y", DataType.FLOAT));
        assertEquals("graph: node 'c' (Conv): attribute 'pads' is 2147483647; it must be between 0 and 65536", refused(model(g)));
        // Reshape to [N, 2^40] features
        ProtoWriter shape = OnnxWriter.tensorHeader("s", DataType.INT64, 2).packedVarints(7, -1, 1L << 40);
        ProtoWriter reshape = node("Reshape", "re", new String[] {"x", "s"}, new String[] {"y"});
        assertEquals("graph.node[0] 're' (Reshape): input 1 (the shape) is [-1, 1099511627776]; only [N, features] is supported",
                refused(model(graph("g").message(11, valueInfo("x", DataType.FLOAT, "N", 1L, 4L, 4L)).message(5, shape).message(1, reshape)
                        .message(12, valueInfo("y", DataType.FLOAT)))));
    }

    @Test
    void moreNodesThanAGraphMayHaveAreRefusedBeforeTheyAreMapped() throws IOException {
        // past the graph's limit, within the reader's (so the reader hands them over)
        int count = GraphLimits.MAX_NODES + 1;
        assertTrue(count < OnnxFile.Limits.DEFAULT.maxNodes());
        ProtoWriter g = graph("g").message(11, valueInfo("x", DataType.FLOAT, "N", 1L, 4L, 4L));
        for (int i = 0; i < count; i++) g.message(1, relu("r" + i, i == 0 ? "x" : "t" + (i - 1), "t" + i));
        g.message(12, valueInfo("t" + (count - 1), DataType.FLOAT));
        assertEquals("graph: " + count + " nodes; at most " + GraphLimits.MAX_NODES + " are supported", refused(model(g)));
    }

    @Test
    void aChainOfReshapesAtTheNodeLimitImports() throws IOException {
        // [N,16] input (the importer adds its Flatten node), then Reshape [0, -1] up to the limit; each used to
        // build the graph so far to learn its size (quadratic: 8,000 took 17 s); [N, -1] is now a Flatten
        int count = GraphLimits.MAX_NODES - 1;
        ProtoWriter g = graph("g").message(11, valueInfo("x", DataType.FLOAT, "N", 16L))
                .message(5, OnnxWriter.tensorHeader("s", DataType.INT64, 2).packedVarints(7, 0, -1))
                .message(5, OnnxWriter.tensorHeader("f", DataType.INT64, 2).packedVarints(7, -1, 16));
        for (int i = 0; i < count; i++) {
            g.message(1, node("Reshape", "r" + i, new String[] {i == 0 ? "x" : "t" + (i - 1), i % 2 == 0 ? "s" : "f"}, new String[] {"t" + i}));
        }
        Graph imported = imported(model(g.message(12, valueInfo("t" + (count - 1), DataType.FLOAT))));
        assertEquals(GraphLimits.MAX_NODES, imported.nodes().size());
        assertEquals(16, imported.shape("t" + (count - 1)).elements());
        assertEquals(new dev.mcdrop.graph.Op.Flatten(), imported.node("r0").op());
        assertEquals(new dev.mcdrop.graph.Op.Reshape(16), imported.node("r1").op());
    }
}
