package dev.mcdrop.onnx;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * The eleven ONNX backend cases bundled under src/test/resources/dev/mcdrop/onnx (see the README
 * there), so CI checks the reader without libonnx-testdata: each data set agrees with its graph
 * ({@link DataSetCheck}), and each stored output equals the output recomputed in float64
 * ({@link ReferenceOps}) from the inputs, initializers and attributes the reader returned, within
 * 1e-5 relative. A misread value, dimension or attribute shows up as a mismatch.
 */
class OnnxBundledCasesTest {

    static Path bundled() {
        try {
            return Path.of(OnnxBundledCasesTest.class.getResource("/dev/mcdrop/onnx").toURI());
        } catch (URISyntaxException e) {
            throw new IllegalStateException(e);
        }
    }

    static List<Path> cases() throws IOException {
        try (Stream<Path> s = Files.walk(bundled(), 2)) {
            return s.filter(p -> Files.isRegularFile(p.resolve("model.onnx"))).sorted().toList();
        }
    }

    @Test
    void dataSetsAgreeWithTheirGraphs() throws IOException {
        DataSetCheck.Tally tally = new DataSetCheck.Tally();
        for (Path c : cases()) DataSetCheck.check(c, tally);
        assertEquals(11, tally.cases, "bundled cases");
        assertEquals(List.of(), tally.failures);
        assertEquals(28, tally.tensors, "tensors checked: " + tally);
    }

    @Test
    void storedOutputsEqualOutputsRecomputedFromWhatWasRead() throws IOException {
        List<String> checked = new ArrayList<>();
        for (Path c : cases()) {
            OnnxModel m = OnnxFile.read(c.resolve("model.onnx"));
            Map<String, ReferenceOps.T> env = new HashMap<>();
            for (OnnxTensor t : m.graph().initializers().values()) env.put(t.name(), ReferenceOps.T.of(t));
            Path set = c.resolve("test_data_set_0");
            List<OnnxValueInfo> inputs = m.graph().runtimeInputs();
            for (int k = 0; k < inputs.size(); k++) env.put(inputs.get(k).name(), ReferenceOps.T.of(OnnxFile.readTensor(set.resolve("input_" + k + ".pb"))));
            for (OnnxNode n : m.graph().nodes()) {
                List<ReferenceOps.T> in = new ArrayList<>();
                for (String name : n.inputs()) in.add(name.isEmpty() ? null : env.get(name));
                env.put(n.outputs().getFirst(), ReferenceOps.run(n, in));
            }
            List<OnnxValueInfo> outputs = m.graph().outputs();
            for (int k = 0; k < outputs.size(); k++) {
                ReferenceOps.T expected = ReferenceOps.T.of(OnnxFile.readTensor(set.resolve("output_" + k + ".pb")));
                ReferenceOps.T got = env.get(outputs.get(k).name());
                String what = c.getFileName() + " output " + k;
                assertArrayEquals(expected.dims(), got.dims(), what + " dims");
                for (int i = 0; i < got.v().length; i++) {
                    double e = expected.v()[i], g = got.v()[i];
                    assertTrue(Math.abs(e - g) <= 1e-5 * Math.max(1, Math.abs(e)), what + "[" + i + "]: stored " + e + ", recomputed " + g);
                }
                checked.add(what);
            }
        }
        assertEquals(11, checked.size(), "outputs recomputed: " + checked);
    }

    @Test
    void attributesReadAsWritten() throws IOException {
        OnnxNode conv = node("node/test_conv_with_strides_padding");
        assertEquals("Conv", conv.opType());
        assertArrayEquals(new long[] {3, 3}, conv.getInts("kernel_shape"));
        assertArrayEquals(new long[] {1, 1, 1, 1}, conv.getInts("pads"));
        assertArrayEquals(new long[] {2, 2}, conv.getInts("strides"));
        assertEquals(List.of("x", "W"), conv.inputs());
        assertEquals(1, conv.getInt("group", 1));

        OnnxNode depthwise = node("pytorch-converted/test_Conv2d_depthwise_padded");
        assertEquals(4, depthwise.getInt("group"));
        assertArrayEquals(new long[] {1, 1}, depthwise.getInts("dilations"));

        OnnxNode bn = node("pytorch-converted/test_BatchNorm2d_eval");
        assertEquals(1e-5f, bn.getFloat("epsilon"));
        assertEquals(0.9f, bn.getFloat("momentum"));

        OnnxModel constant = OnnxFile.read(bundled().resolve("node/test_constant/model.onnx"));
        OnnxTensor value = constant.graph().nodes().getFirst().getTensor("value");
        assertEquals(OnnxTensor.Storage.TYPED_FIELD, value.storage()); // float_data, one packed run: a view
        assertArrayEquals(new long[] {5, 5}, value.dims());
        assertArrayEquals(OnnxFile.readTensor(bundled().resolve("node/test_constant/test_data_set_0/output_0.pb")).floats(), value.floats());
    }

    @Test
    void readingMappedOrIntoTheHeapGivesTheSameModelsAndTensors() throws IOException {
        int files = 0;
        for (Path c : cases()) {
            Path model = c.resolve("model.onnx");
            assertEquals(ModelText.of(OnnxFile.read(model, OnnxFile.Limits.DEFAULT, Long.MAX_VALUE)),
                    ModelText.of(OnnxFile.read(model, OnnxFile.Limits.DEFAULT, 0)), model.toString());
            try (Stream<Path> s = Files.list(c.resolve("test_data_set_0"))) {
                for (Path pb : s.toList()) {
                    OnnxTensor heap = OnnxFile.readTensor(pb, OnnxFile.Limits.DEFAULT, Long.MAX_VALUE);
                    OnnxTensor mapped = OnnxFile.readTensor(pb, OnnxFile.Limits.DEFAULT, 0);
                    assertTrue(mapped.data().isMapped() && !heap.data().isMapped());
                    assertEquals(ModelText.of(heap), ModelText.of(mapped), pb.toString());
                    files++;
                }
            }
        }
        assertEquals(28, files);
    }

    @Test
    void pytorchInitializersAreRawDataViewsOfTheFilesBuffer() throws IOException {
        Path file = bundled().resolve("pytorch-converted/test_Conv2d_depthwise_padded/model.onnx");
        OnnxTensor mapped = OnnxFile.read(file, OnnxFile.Limits.DEFAULT, 0).graph().initializer("1").orElseThrow();
        assertTrue(mapped.data().isMapped() && mapped.data().isReadOnly(), "large files: a read-only view of the mapping");
        OnnxModel m = OnnxFile.read(file);
        assertEquals("pytorch", m.producerName());
        assertEquals(3, m.irVersion());
        assertEquals(6, m.opsetVersion("").orElseThrow());
        assertEquals(6, m.opsetVersion("ai.onnx").orElseThrow());
        assertEquals(List.of("0"), m.graph().runtimeInputs().stream().map(OnnxValueInfo::name).toList());
        OnnxTensor w = m.graph().initializer("1").orElseThrow();
        assertEquals(OnnxTensor.Storage.RAW_DATA, w.storage());
        assertArrayEquals(new long[] {4, 1, 3, 3}, w.dims());
        assertEquals(36 * 4, w.data().byteSize());
        assertTrue(w.data().isReadOnly());
        // a heap segment's address is its offset in its array: a view of the file's bytes sits where
        // the tensor's bytes are in the file, a copy would start at 0
        assertEquals(indexOf(Files.readAllBytes(file), w.data().toArray(java.lang.foreign.ValueLayout.JAVA_BYTE)), w.data().address(),
                "small files: a view of the file's bytes, not a copy");
    }

    static long indexOf(byte[] haystack, byte[] needle) {
        outer:
        for (int i = 0; i + needle.length <= haystack.length; i++) {
            for (int j = 0; j < needle.length; j++) {
                if (haystack[i + j] != needle[j]) continue outer;
            }
            return i;
        }
        return -1;
    }

    private static OnnxNode node(String testCase) throws IOException {
        return OnnxFile.read(bundled().resolve(testCase).resolve("model.onnx")).graph().nodes().getFirst();
    }
}
