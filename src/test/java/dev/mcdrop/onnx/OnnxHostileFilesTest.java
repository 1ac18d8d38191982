package dev.mcdrop.onnx;

import static dev.mcdrop.onnx.OnnxWriter.floatTensor;
import static dev.mcdrop.onnx.OnnxWriter.graph;
import static dev.mcdrop.onnx.OnnxWriter.model;
import static dev.mcdrop.onnx.OnnxWriter.node;
import static dev.mcdrop.onnx.OnnxWriter.tensorHeader;
import static dev.mcdrop.onnx.OnnxWriter.valueInfo;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Hostile and broken model files: each is refused with one clean line naming the file and the
 * place in it, before anything large is allocated; none escapes as another exception.
 */
class OnnxHostileFilesTest {
    @TempDir
    Path dir;

    private Path write(ProtoWriter w) throws IOException {
        return write(w.toByteArray());
    }

    private Path write(byte[] bytes) throws IOException {
        return Files.write(dir.resolve("m.onnx"), bytes);
    }

    /** The message of the refusal, checked to be one printable line naming the file. */
    private String refused(Path file) {
        OnnxFormatException e = assertThrows(OnnxFormatException.class, () -> OnnxFile.read(file));
        return clean(e, file);
    }

    private String refused(Path file, OnnxFile.Limits limits) {
        return clean(assertThrows(OnnxFormatException.class, () -> OnnxFile.read(file, limits)), file);
    }

    static String clean(Exception e, Path file) {
        String m = e.getMessage();
        assertTrue(m.startsWith(file + ": "), m);
        assertTrue(m.chars().noneMatch(Character::isISOControl), m);
        return m.substring(file.toString().length() + 2);
    }

    private static ProtoWriter withInitializer(ProtoWriter tensor) {
        return model(graph("g").message(5, tensor));
    }

    @Test
    void everyTruncationIsRefusedUnlessItEndsAtATopLevelFieldAfterTheGraph() throws IOException {
        // the model's top-level fields, written one by one so their boundaries are known
        ProtoWriter g = graph("g").message(1, node("Conv", "conv1", new String[] {"x", "w"}, new String[] {"y"},
                        OnnxWriter.attrInts("pads", 1, 1, 1, 1), OnnxWriter.attrInt("group", 1)))
                .message(5, floatTensor("w", new long[] {1, 1, 3, 3}, new float[9]))
                .message(11, valueInfo("x", DataType.FLOAT, 1L, 1L, 5L, 5L)).message(12, valueInfo("y", DataType.FLOAT, "N", 1L, 5L, 5L));
        List<byte[]> fields = List.of(new ProtoWriter().varint(1, 8).toByteArray(), new ProtoWriter().string(2, "t").toByteArray(),
                new ProtoWriter().message(7, g).toByteArray(),
                new ProtoWriter().message(8, new ProtoWriter().string(1, "").varint(2, 13)).toByteArray());
        java.io.ByteArrayOutputStream all = new java.io.ByteArrayOutputStream();
        List<Integer> boundaries = new ArrayList<>();
        for (byte[] f : fields) {
            all.writeBytes(f);
            boundaries.add(all.size());
        }
        byte[] whole = all.toByteArray();
        int graphEnd = boundaries.get(2);
        int read = 0;
        for (int n = 0; n < whole.length; n++) {
            Path p = write(Arrays.copyOf(whole, n));
            boolean shouldRead = n >= graphEnd && boundaries.contains(n);
            if (shouldRead) {
                OnnxFile.read(p);
                read++;
            } else {
                refused(p);
            }
        }
        assertEquals(1, read); // the cut between graph and opset_import
        assertEquals(1, OnnxFile.read(write(whole)).graph().nodes().size());
    }

    @Test
    void lengthsBeyondTheEndAreRefused() throws IOException {
        byte[] good = OnnxWriter.reluModel().toByteArray();
        // the graph field (tag 0x3a) claims more bytes than the file has
        byte[] lying = new ProtoWriter().varint(1, 8).tag(7, 2).raw(ProtoWriter.varintBytes(1 << 20)).raw(good).toByteArray();
        assertTrue(refused(write(lying)).contains("length 1048576 exceeds the"), refused(write(lying)));
        assertTrue(refused(write(new ProtoWriter().varint(1, 8).tag(7, 2).raw(ProtoWriter.varintBytes(-1)).toByteArray())).contains("exceeds"));
    }

    @Test
    void varintOverflowIsRefused() throws IOException {
        byte[] b = new ProtoWriter().tag(1, 0).raw(new byte[] {-1, -1, -1, -1, -1, -1, -1, -1, -1, -1, 1}).toByteArray();
        assertTrue(refused(write(b)).contains("varint overflows 64 bits"));
    }

    @Test
    void notProtobufOrNotAModelIsRefused() throws IOException {
        assertEquals("no graph (ModelProto field 7): not an ONNX model", refused(write(new byte[0])));
        assertTrue(refused(write("\u0089PNG\r\n\u001a\n".getBytes(java.nio.charset.StandardCharsets.ISO_8859_1))).contains("at byte"));
        assertTrue(refused(write("{\"not\": \"onnx\"}".getBytes())).contains("at byte"));
        assertTrue(refused(write(new ProtoWriter().message(7, graph("g")))).startsWith("ir_version 0"));
        assertTrue(refused(write(new ProtoWriter().varint(1, 8).message(7, graph("g")).message(7, graph("h")))).contains("'graph' (7) appears twice"));
        assertTrue(refused(write(new ProtoWriter().varint(1, 8).tag(7, 3))).contains("group"));
    }

    @Test
    void negativeHugeAndOverflowingDimensionsAreRefusedBeforeAllocating() throws IOException {
        assertEquals("graph.initializer[0] 'w': dims [-1]: dimension 0 is negative",
                refused(write(withInitializer(floatTensor("w", new long[] {-1}, 1f)))));
        assertEquals("graph.initializer[0] 'w': dims [4294967296, 4294967296, 4]: the element count overflows 64 bits",
                refused(write(withInitializer(floatTensor("w", new long[] {1L << 32, 1L << 32, 4}, 1f)))));
        assertTrue(refused(write(withInitializer(floatTensor("w", new long[] {1L << 31, 1L << 31}, 1f))))
                .contains("elements would take more than 2^63 bytes"));
        assertEquals("graph.initializer[0] 'w': raw_data has 4 bytes; 1152921504606846976 FLOAT elements (dims [1073741824, 1073741824]) take 4611686018427387904",
                refused(write(withInitializer(floatTensor("w", new long[] {1L << 30, 1L << 30}, 1f)))));
        // varint-coded data with huge dims: the count is compared before any array is made
        assertTrue(refused(write(withInitializer(tensorHeader("w", DataType.INT64, 1L << 40).packedVarints(7, 1, 2, 3))))
                .contains("int64_data has 3 values for 1099511627776 INT64 elements"));
        assertTrue(refused(write(model(graph("g").message(11, valueInfo("x", DataType.FLOAT, -3L))))).contains("dim_value -3 is negative"));
        ProtoWriter deep = new ProtoWriter();
        for (int i = 0; i < 65; i++) deep.varint(1, 1);
        assertTrue(refused(write(withInitializer(deep.varint(2, 1).string(8, "w").bytes(9, new byte[4])))).contains("more than 64 dims"));
    }

    @Test
    void wrongTensorSizesAndMixedDataFieldsAreRefused() throws IOException {
        assertEquals("graph.initializer[0] 'w': raw_data has 12 bytes; 4 FLOAT elements (dims [2, 2]) take 16",
                refused(write(withInitializer(floatTensor("w", new long[] {2, 2}, 1, 2, 3)))));
        assertEquals("graph.initializer[0] 'w': float_data has 3 values; 4 FLOAT elements need 4",
                refused(write(withInitializer(tensorHeader("w", DataType.FLOAT, 2, 2).packedFloats(4, 1, 2, 3)))));
        assertTrue(refused(write(withInitializer(tensorHeader("w", DataType.FLOAT, 1).packedFloats(4, 1).bytes(9, new byte[4]))))
                .contains("has both float_data and raw_data"));
        assertTrue(refused(write(withInitializer(tensorHeader("w", DataType.INT64, 1).packedFloats(4, 1))))
                .contains("is INT64 but its values are in float_data"));
        assertTrue(refused(write(withInitializer(tensorHeader("w", DataType.UINT8, 2).packedVarints(5, 1, 256))))
                .contains("int32_data value 256 at index 1 is out of range for UINT8"));
        assertTrue(refused(write(withInitializer(tensorHeader("w", DataType.FLOAT, 3)))).contains("has 3 elements but no data"));
        assertTrue(refused(write(withInitializer(new ProtoWriter().varint(1, 1).varint(2, 99).string(8, "w"))))
                .contains("data_type 99 is not an ONNX data type"));
        assertTrue(refused(write(withInitializer(floatTensor("w", new long[] {1}, 1).message(3, new ProtoWriter().varint(1, 0)))))
                .contains("segment (a chunk of a larger tensor) is not supported"));
        assertTrue(refused(write(withInitializer(floatTensor("", new long[] {1}, 1)))).contains("graph.initializer[0]: has no name"));
        assertTrue(refused(write(model(graph("g").message(5, floatTensor("w", new long[] {1}, 1)).message(5, floatTensor("w", new long[] {1}, 2)))))
                .contains("graph.initializer[1] 'w': the name is also that of initializer[0]"));
        assertTrue(refused(write(model(graph("g").message(15, new ProtoWriter())))).contains("sparse_initializer"));
    }

    @Test
    void nodeErrorsNameTheNodeEvenWhenItsNameComesLast() throws IOException {
        // attribute before name and op_type on the wire; its tensor is broken
        ProtoWriter n = new ProtoWriter().string(1, "x")
                .message(5, OnnxWriter.attrTensor("value", floatTensor("c", new long[] {2}, 1f)))
                .string(3, "const1").string(4, "Constant");
        assertEquals("graph.node[0] 'const1' (Constant): attribute 'value': raw_data has 4 bytes; 2 FLOAT elements (dims [2]) take 8",
                refused(write(model(graph("g").message(1, n)))));
        ProtoWriter dup = node("Conv", "c", new String[] {"x"}, new String[] {"y"}, OnnxWriter.attrInt("group", 1), OnnxWriter.attrInt("group", 2));
        assertEquals("graph.node[0] 'c' (Conv): attribute 'group': appears twice in the node", refused(write(model(graph("g").message(1, dup)))));
        assertEquals("graph.node[0] 'c': has no op_type", refused(write(model(graph("g").message(1, new ProtoWriter().string(3, "c"))))));
        ProtoWriter both = new ProtoWriter().string(1, "k").varint(20, AttributeType.INTS.code()).fixed32(2, 1f);
        assertEquals("graph.node[0] 'c' (Conv): attribute 'k': is declared INTS but carries a FLOAT value",
                refused(write(model(graph("g").message(1, node("Conv", "c", new String[0], new String[0], both))))));
    }

    @Test
    void controlCharactersFromTheFileAreEscapedInMessages() throws IOException {
        ProtoWriter n = node("Co\u001b[31mnv", "evil\nmcdrop: forged line", new String[0], new String[0],
                new ProtoWriter().string(1, "a\rb").varint(20, 99));
        String m = refused(write(model(graph("g").message(1, n))));
        assertEquals("graph.node[0] 'evil\\nmcdrop: forged line' (Co\\u001b[31mnv): attribute 'a\\rb': type 99 is not an attribute type", m);
    }

    @Test
    void aMillionNodesAreRefusedAtTheNodeLimit() throws IOException {
        ProtoWriter g = graph("big");
        byte[] tiny = node("Relu", "", new String[] {"x"}, new String[] {"x"}).toByteArray();
        for (int i = 0; i < 1_000_000; i++) g.bytes(1, tiny);
        Path p = write(model(g));
        assertTrue(Files.size(p) > 10_000_000);
        assertEquals("graph: more than 100,000 nodes, the reader's limit", refused(p));
        assertEquals("graph: more than 1,000 nodes, the reader's limit", refused(p, new OnnxFile.Limits(Integer.MAX_VALUE, 1000, 5_000_000, 64, 1000)));
    }

    @Test
    void manySmallEntriesAreBoundedAndSizeLimitsHold() throws IOException {
        ProtoWriter n = new ProtoWriter().string(4, "Concat");
        for (int i = 0; i < 100; i++) n.string(1, "x");
        Path p = write(model(graph("g").message(1, n)));
        assertTrue(refused(p, new OnnxFile.Limits(Integer.MAX_VALUE, 10, 50, 64, 1000)).contains("more than 50 entries"));
        assertEquals(100, OnnxFile.read(p).graph().nodes().getFirst().inputs().size());
        assertTrue(refused(p, new OnnxFile.Limits(100, 10, 50, 64, 1000)).matches("is [0-9,]+ bytes, more than the 100 allowed"));
    }

    @Test
    void varintCodedValuesAreBoundedBeforeTheirArraysAreMade() throws IOException {
        long[] many = new long[2000];
        Path p = write(model(graph("g").message(1, node("X", "", new String[0], new String[0], OnnxWriter.attrInts("k", many)))));
        OnnxFile.Limits small = new OnnxFile.Limits(Integer.MAX_VALUE, 10, 50, 64, 1000);
        assertEquals("graph.node[0] (X): attribute 'k': field 'ints' (8): more than 1,000 varint-coded values in the file, the reader's limit"
                + " (large tensors belong in raw_data) (at byte 41)", refused(p, small));
        assertEquals(2000, OnnxFile.read(p).graph().nodes().getFirst().getInts("k").length);
        ProtoWriter unpacked = OnnxWriter.tensorHeader("w", DataType.INT64, 1001);
        for (int i = 0; i < 1001; i++) unpacked.varint(7, i);
        assertTrue(refused(write(withInitializer(unpacked)), small).contains("more than 1,000 varint-coded values"));
    }

    @Test
    void duplicatesThatWouldBeAmbiguousAreRefused() throws IOException {
        ProtoWriter meta = OnnxWriter.reluModel().message(14, new ProtoWriter().string(1, "k").string(2, "1"))
                .message(14, new ProtoWriter().string(1, "k").string(2, "2"));
        assertEquals("metadata_props[1]: key 'k' appears twice", refused(write(meta)));
        ProtoWriter opsets = OnnxWriter.reluModel().message(8, new ProtoWriter().string(1, "ai.onnx").varint(2, 17));
        assertEquals("opset_import[1]: domain 'ai.onnx' is imported again (first at opset_import[0])", refused(write(opsets)));
    }

    @Test
    void specialFilesAndMissingFilesAreRefusedWithoutBlocking() throws IOException, InterruptedException {
        assertEquals("is a directory, not a file", refused(dir));
        assertEquals("no such file", refused(dir.resolve("absent.onnx")));
        Path fifo = dir.resolve("fifo.onnx");
        try {
            if (new ProcessBuilder("mkfifo", fifo.toString()).start().waitFor() == 0) {
                assertEquals("is a FIFO (named pipe), not a file", refused(fifo));
            }
        } catch (IOException noMkfifo) {
            // no mkfifo here: the directory case covers the check
        }
        assertFalse(Files.exists(dir.resolve("m.onnx")));
    }
}
