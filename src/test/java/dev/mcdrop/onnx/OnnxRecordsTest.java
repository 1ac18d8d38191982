package dev.mcdrop.onnx;

import static dev.mcdrop.onnx.OnnxWriter.attrFloat;
import static dev.mcdrop.onnx.OnnxWriter.attrFloats;
import static dev.mcdrop.onnx.OnnxWriter.attrGraph;
import static dev.mcdrop.onnx.OnnxWriter.attrInt;
import static dev.mcdrop.onnx.OnnxWriter.attrInts;
import static dev.mcdrop.onnx.OnnxWriter.attrString;
import static dev.mcdrop.onnx.OnnxWriter.graph;
import static dev.mcdrop.onnx.OnnxWriter.model;
import static dev.mcdrop.onnx.OnnxWriter.node;
import static dev.mcdrop.onnx.OnnxWriter.tensorHeader;
import static dev.mcdrop.onnx.OnnxWriter.valueInfo;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * What the records give back: typed attribute getters and their errors (naming node and
 * attribute), subgraph attributes refused when asked for, tensors' typed accessors with exact
 * conversions (half floats against their IEEE bit patterns), every storage form giving the same
 * values, declared shapes, model metadata.
 */
class OnnxRecordsTest {
    @TempDir
    Path dir;

    private OnnxModel read(ProtoWriter model) throws IOException {
        return OnnxFile.read(OnnxWriter.write(dir.resolve("m.onnx"), model));
    }

    private OnnxNode convNode() throws IOException {
        ProtoWriter conv = node("Conv", "conv1", new String[] {"x", "w", ""}, new String[] {"y"}, attrInts("pads", 1, 2, 1, 2),
                attrInt("group", 4), attrFloat("alpha", 0.25f), attrString("auto_pad", "NOTSET"), attrFloats("scales", 1.5f, 2f),
                new ProtoWriter().string(1, "names").varint(20, AttributeType.STRINGS.code()).string(9, "a").string(9, "b"));
        return read(model(graph("g").message(1, node("Relu", "r", new String[] {"a"}, new String[] {"x"})).message(1, conv)))
                .graph().nodes().get(1);
    }

    @Test
    void typedGettersReturnTheValuesWritten() throws IOException {
        OnnxNode n = convNode();
        assertEquals(1, n.index());
        assertEquals(List.of("x", "w", ""), n.inputs());
        assertArrayEquals(new long[] {1, 2, 1, 2}, n.getInts("pads"));
        assertEquals(4, n.getInt("group"));
        assertEquals(0.25f, n.getFloat("alpha"));
        assertEquals("NOTSET", n.getString("auto_pad"));
        assertArrayEquals(new float[] {1.5f, 2f}, n.getFloats("scales"));
        assertEquals(List.of("a", "b"), n.getStrings("names"));
        assertArrayEquals(new long[] {1, 1}, n.getInts("strides", new long[] {1, 1}));
        assertEquals(7, n.getInt("absent", 7));
        assertEquals(List.of("pads", "group", "alpha", "auto_pad", "scales", "names"), List.copyOf(n.attributes().keySet()));
        long[] pads = n.getInts("pads");
        pads[0] = 99;
        assertEquals(1, n.getInts("pads")[0], "arrays are copied out");
    }

    @Test
    void wrongTypesAndMissingAttributesNameNodeAndAttribute() throws IOException {
        OnnxNode n = convNode();
        Path f = dir.resolve("m.onnx");
        assertEquals(f + ": graph.node[1] 'conv1' (Conv): attribute 'pads' is INTS, expected INT",
                assertThrows(OnnxFormatException.class, () -> n.getInt("pads")).getMessage());
        assertEquals(f + ": graph.node[1] 'conv1' (Conv): attribute 'group' is INT, expected INTS",
                assertThrows(OnnxFormatException.class, () -> n.getInts("group", new long[0])).getMessage());
        assertEquals(f + ": graph.node[1] 'conv1' (Conv): has no attribute 'kernel_shape' (INTS expected)",
                assertThrows(OnnxFormatException.class, () -> n.getInts("kernel_shape")).getMessage());
        assertEquals(f + ": graph.node[1] 'conv1' (Conv): unsupported operator", n.error("unsupported operator").getMessage());
    }

    @Test
    void subgraphAttributesReadButAreRefusedWhenAskedFor() throws IOException {
        ProtoWriter sub = graph("then").message(1, node("Identity", "", new String[] {"a"}, new String[] {"b"}));
        OnnxNode n = read(model(graph("g").message(1, node("If", "branch", new String[] {"c"}, new String[] {"y"},
                attrGraph("then_branch", sub))))).graph().nodes().getFirst();
        assertInstanceOf(OnnxAttribute.Skipped.class, n.attribute("then_branch").orElseThrow());
        assertEquals(AttributeType.GRAPH, n.attribute("then_branch").orElseThrow().type());
        assertTrue(assertThrows(OnnxFormatException.class, () -> n.getTensor("then_branch")).getMessage()
                .endsWith("graph.node[0] 'branch' (If): attribute 'then_branch' is GRAPH (a subgraph); mcdrop does not read subgraphs; expected TENSOR"));
    }

    @Test
    void attributesWithoutATypeFieldTakeTheTypeOfTheirValue() throws IOException {
        ProtoWriter old = new ProtoWriter().string(1, "k").packedVarints(8, 3, 4); // IR version 1: no type field
        OnnxNode n = read(model(graph("g").message(1, node("X", "", new String[0], new String[0], old)))).graph().nodes().getFirst();
        assertArrayEquals(new long[] {3, 4}, n.getInts("k"));
        ProtoWriter none = new ProtoWriter().string(1, "k");
        assertTrue(assertThrows(OnnxFormatException.class, () -> read(model(graph("g").message(1, node("X", "", new String[0], new String[0], none)))))
                .getMessage().endsWith("attribute 'k': has neither a type nor a value"));
    }

    /** Little-endian raw bytes of shorts / ints / longs. */
    private static byte[] le(int width, long... values) {
        ByteBuffer b = ByteBuffer.allocate(width * values.length).order(ByteOrder.LITTLE_ENDIAN);
        for (long v : values) {
            switch (width) {
                case 1 -> b.put((byte) v);
                case 2 -> b.putShort((short) v);
                case 4 -> b.putInt((int) v);
                default -> b.putLong(v);
            }
        }
        return b.array();
    }

    private int files;

    /** Reads {@code t} from a new file (a file rewritten in place would change the views of one read before). */
    private OnnxTensor tensor(ProtoWriter t) throws IOException {
        return OnnxFile.readTensor(OnnxWriter.write(dir.resolve("t" + files++ + ".pb"), t));
    }

    @Test
    void halfFloatsWidenExactly() throws IOException {
        // IEEE binary16: 1.0 = 3c00, -2 = c000, 65504 = 7bff, smallest subnormal 0001 = 2^-24, inf 7c00
        float[] f16 = tensor(tensorHeader("h", DataType.FLOAT16, 5).bytes(9, le(2, 0x3c00, 0xc000, 0x7bff, 0x0001, 0x7c00))).floats();
        assertArrayEquals(new float[] {1f, -2f, 65504f, 0x1p-24f, Float.POSITIVE_INFINITY}, f16);
        // bfloat16 is the top half of a float: 3f80 = 1.0, 4049 = 3.140625, ff80 = -inf
        float[] bf16 = tensor(tensorHeader("b", DataType.BFLOAT16, 3).bytes(9, le(2, 0x3f80, 0x4049, 0xff80))).floats();
        assertArrayEquals(new float[] {1f, 3.140625f, Float.NEGATIVE_INFINITY}, bf16);
        // the same values from int32_data (the bit patterns as varints)
        assertArrayEquals(f16, tensor(tensorHeader("h", DataType.FLOAT16, 5).packedVarints(5, 0x3c00, 0xc000, 0x7bff, 0x0001, 0x7c00)).floats());
        assertArrayEquals(new double[] {1, 3.140625, Double.NEGATIVE_INFINITY},
                tensor(tensorHeader("b", DataType.BFLOAT16, 3).bytes(9, le(2, 0x3f80, 0x4049, 0xff80))).doubles());
    }

    @Test
    void integerTypesReadAlikeFromRawDataAndFromTheirTypedFields() throws IOException {
        record Case(DataType type, int width, long[] values) { }
        List<Case> cases = List.of(new Case(DataType.INT8, 1, new long[] {-128, 127, 0}), new Case(DataType.UINT8, 1, new long[] {0, 255, 7}),
                new Case(DataType.INT16, 2, new long[] {-32768, 32767, -1}), new Case(DataType.UINT16, 2, new long[] {0, 65535, 1}),
                new Case(DataType.INT32, 4, new long[] {Integer.MIN_VALUE, Integer.MAX_VALUE, -5}),
                new Case(DataType.UINT32, 4, new long[] {0, 0xFFFF_FFFFL, 1}), new Case(DataType.BOOL, 1, new long[] {1, 0, 1}),
                new Case(DataType.INT64, 8, new long[] {Long.MIN_VALUE, Long.MAX_VALUE, 3}), new Case(DataType.UINT64, 8, new long[] {0, Long.MAX_VALUE, 9}));
        for (Case c : cases) {
            long[] raw = tensor(tensorHeader("t", c.type(), 3).bytes(9, le(c.width(), c.values()))).longs();
            int field = switch (c.type()) {
                case INT64 -> 7;
                case UINT32, UINT64 -> 11;
                default -> 5;
            };
            OnnxTensor typed = tensor(tensorHeader("t", c.type(), 3).packedVarints(field, c.values()));
            assertEquals(OnnxTensor.Storage.TYPED_FIELD, typed.storage());
            assertArrayEquals(c.values(), raw, c.type() + " raw_data");
            assertArrayEquals(c.values(), typed.longs(), c.type() + " typed field");
            assertEquals(c.type().rawBytes(3), typed.data().byteSize(), c.type() + ": typed values are laid out as raw_data would be");
        }
        OnnxTensor big = tensor(tensorHeader("u", DataType.UINT64, 1).bytes(9, le(8, -1)));
        assertTrue(assertThrows(OnnxFormatException.class, big::longs).getMessage().endsWith("tensor 'u': value 18446744073709551615 at index 0 exceeds the long range"));
        OnnxTensor ints = tensor(tensorHeader("i", DataType.INT64, 1).packedVarints(7, 1));
        assertTrue(assertThrows(OnnxFormatException.class, ints::floats).getMessage().endsWith("tensor 'i': is INT64; floats() reads FLOAT, FLOAT16 and BFLOAT16"));
        OnnxTensor dbl = tensor(tensorHeader("d", DataType.DOUBLE, 2).packedDoubles(10, 0.1, -1e300));
        assertArrayEquals(new double[] {0.1, -1e300}, dbl.doubles());
        assertTrue(assertThrows(OnnxFormatException.class, dbl::floats).getMessage().endsWith("reads FLOAT, FLOAT16 and BFLOAT16 (use doubles())"));
    }

    @Test
    void floatDataPackedUnpackedAndComplex() throws IOException {
        ProtoWriter packedFile = tensorHeader("f", DataType.FLOAT, 3).packedFloats(4, 1, 2, 3);
        OnnxTensor packed = tensor(packedFile);
        assertEquals(packedFile.size() - 12, packed.data().address(), "one packed run is a view of the file's bytes (at its offset), not a copy");
        OnnxTensor unpacked = tensor(tensorHeader("f", DataType.FLOAT, 3).fixed32(4, 1).fixed32(4, 2).fixed32(4, 3));
        assertArrayEquals(packed.floats(), unpacked.floats());
        assertArrayEquals(new float[] {1, 2, 3}, unpacked.floats());
        OnnxTensor complex = tensor(tensorHeader("c", DataType.COMPLEX64, 2).packedFloats(4, 1, 2, 3, 4));
        assertEquals(16, complex.data().byteSize());
        assertTrue(assertThrows(OnnxFormatException.class, () -> tensor(tensorHeader("c", DataType.COMPLEX64, 2).packedFloats(4, 1, 2, 3)))
                .getMessage().endsWith("float_data has 3 values; 2 COMPLEX64 elements need 2 × 2"));
        OnnxTensor strings = tensor(tensorHeader("s", DataType.STRING, 2).string(6, "a").string(6, "b"));
        assertEquals(0, strings.data().byteSize());
        assertThrows(OnnxFormatException.class, strings::longs);
        OnnxTensor scalar = tensor(OnnxWriter.floatTensor("s", new long[0], 2.5f));
        assertEquals(0, scalar.rank());
        assertEquals(1, scalar.elementCount());
        assertArrayEquals(new float[] {2.5f}, scalar.floats());
        OnnxTensor empty = tensor(tensorHeader("e", DataType.FLOAT, 0, 3));
        assertEquals(OnnxTensor.Storage.EMPTY, empty.storage());
        assertEquals(0, empty.floats().length);
        assertEquals(2, tensor(OnnxWriter.floatTensor("x", new long[] {2}, 1, 2)).dims()[0]);
        assertEquals(2, tensor(tensorHeader("x", DataType.UINT4, 3).bytes(9, new byte[2])).data().byteSize(), "4-bit types pack two to a byte");
    }

    @Test
    void declaredShapesAndModelFields() throws IOException {
        ProtoWriter m = OnnxWriter.model(graph("net").message(5, OnnxWriter.floatTensor("w", new long[] {1}, 1f))
                        .message(11, valueInfo("x", DataType.FLOAT, "N", 3L, 32L, 32L)).message(11, valueInfo("w", DataType.FLOAT, 1L))
                        .message(12, valueInfo("y", DataType.FLOAT, 1L, 10L))
                        .message(12, new ProtoWriter().string(1, "seq").message(2, new ProtoWriter().message(4, new ProtoWriter())))
                        .message(13, new ProtoWriter().string(1, "h")))
                .message(8, new ProtoWriter().string(1, "com.microsoft").varint(2, 1))
                .message(14, new ProtoWriter().string(1, "mcdrop.mean").string(2, "0.5,0.5,0.5"))
                .message(14, new ProtoWriter().string(1, "author").string(2, "me"));
        OnnxModel model = read(m);
        assertEquals(8, model.irVersion());
        assertEquals("mcdrop-test", model.producerName());
        assertEquals(Map.of("mcdrop.mean", "0.5,0.5,0.5", "author", "me"), model.metadata());
        assertEquals(List.of("mcdrop.mean", "author"), List.copyOf(model.metadata().keySet()), "metadata keeps file order");
        assertEquals(13, model.opsetVersion("").orElseThrow());
        assertEquals(1, model.opsetVersion("com.microsoft").orElseThrow());
        assertTrue(model.opsetVersion("ai.onnx.ml").isEmpty());
        OnnxGraph g = model.graph();
        assertEquals("net", g.name());
        assertEquals(List.of("x"), g.runtimeInputs().stream().map(OnnxValueInfo::name).toList());
        OnnxValueInfo x = g.inputs().getFirst();
        assertEquals(Optional.of(List.of(new Dim.Param("N"), new Dim.Value(3), new Dim.Value(32), new Dim.Value(32))), x.shape());
        assertTrue(!x.hasStaticShape() && g.outputs().getFirst().hasStaticShape());
        assertArrayEquals(new long[] {1, 10}, g.outputs().getFirst().staticDims());
        assertEquals(OnnxValueInfo.Kind.SEQUENCE, g.outputs().get(1).kind());
        assertEquals(OnnxValueInfo.Kind.UNKNOWN, g.valueInfo().getFirst().kind());
        assertEquals(Optional.empty(), g.valueInfo().getFirst().shape());
        assertEquals("y", g.declaration("y").orElseThrow().name());
        assertEquals(dir.resolve("m.onnx") + ": graph.input[0] 'x'", x.origin().toString());
    }

    @Test
    void deeplyNestedTypesAreSkippedWithoutRecursion() throws IOException {
        // sequence of sequence of … 100,000 deep: mcdrop only needs the outer kind, so the rest is skipped by length
        // written outside in (lengths computed first): nesting ProtoWriters would copy quadratically
        byte[] inner = new ProtoWriter().message(1, new ProtoWriter().varint(1, 1)).toByteArray(); // a tensor_type
        int levels = 100_000;
        long[] typeLen = new long[levels + 1], seqLen = new long[levels + 1];
        typeLen[0] = inner.length;
        for (int k = 1; k <= levels; k++) {
            seqLen[k] = 1 + ProtoWriter.varintBytes(typeLen[k - 1]).length + typeLen[k - 1];  // Sequence { elem_type = 1 }
            typeLen[k] = 1 + ProtoWriter.varintBytes(seqLen[k]).length + seqLen[k];           // TypeProto { sequence_type = 4 }
        }
        ProtoWriter t = new ProtoWriter();
        for (int k = levels; k >= 1; k--) {
            t.tag(4, 2).raw(ProtoWriter.varintBytes(seqLen[k])).tag(1, 2).raw(ProtoWriter.varintBytes(typeLen[k - 1]));
        }
        t.raw(inner);
        assertEquals(typeLen[levels], t.size());
        OnnxModel m = read(model(graph("g").message(11, new ProtoWriter().string(1, "s").message(2, t))));
        assertEquals(OnnxValueInfo.Kind.SEQUENCE, m.graph().inputs().getFirst().kind());
    }
}
