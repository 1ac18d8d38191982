package dev.mcdrop.onnx;

import static dev.mcdrop.onnx.OnnxWriter.graph;
import static dev.mcdrop.onnx.OnnxWriter.model;
import static dev.mcdrop.onnx.OnnxWriter.tensorHeader;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * External data: read from files inside the model's directory only, as views of one mapping per
 * file; every way out of the directory (absolute path, "..", a symbolic link leading outside)
 * and every offset/length that does not fit is refused, naming the tensor.
 */
class OnnxExternalDataTest {
    @TempDir
    Path root;

    /** A FLOAT tensor of {@code count} elements whose data is external, with the given entries (key, value, …). */
    private static ProtoWriter external(String name, long count, String... entries) {
        ProtoWriter t = tensorHeader(name, DataType.FLOAT, count);
        for (int i = 0; i < entries.length; i += 2) t.message(13, new ProtoWriter().string(1, entries[i]).string(2, entries[i + 1]));
        return t.varint(14, 1);
    }

    private Path modelDir() throws IOException {
        return Files.createDirectories(root.resolve("model"));
    }

    private Path writeModel(ProtoWriter... initializers) throws IOException {
        ProtoWriter g = graph("g");
        for (ProtoWriter t : initializers) g.message(5, t);
        return OnnxWriter.write(modelDir().resolve("net.onnx"), model(g));
    }

    private String refused(Path model) {
        return OnnxHostileFilesTest.clean(assertThrows(OnnxFormatException.class, () -> OnnxFile.read(model)), model);
    }

    @Test
    void dataInsideTheDirectoryIsReadAsViewsOfOneMapping() throws IOException {
        byte[] file = new byte[8192];
        System.arraycopy(OnnxWriter.floatBytes(1.5f, -2f, 3f), 0, file, 4096, 12);
        System.arraycopy(OnnxWriter.floatBytes(7f), 0, file, 4108, 4);
        Files.createDirectories(modelDir().resolve("weights"));
        Files.write(modelDir().resolve("weights/w.bin"), file);
        Path m = writeModel(external("a", 3, "location", "weights/w.bin", "offset", "4096", "length", "12", "checksum", "ignored"),
                external("b", 1, "location", "./weights/w.bin", "offset", "4108", "length", "4"));
        OnnxGraph g = OnnxFile.read(m).graph();
        OnnxTensor a = g.initializer("a").orElseThrow(), b = g.initializer("b").orElseThrow();
        assertArrayEquals(new float[] {1.5f, -2f, 3f}, a.floats());
        assertArrayEquals(new float[] {7f}, b.floats());
        assertEquals(OnnxTensor.Storage.EXTERNAL, a.storage());
        assertEquals(new OnnxTensor.External("weights/w.bin", modelDir().resolve("weights/w.bin").toRealPath(), 4096, 12), a.external());
        assertTrue(a.data().isMapped() && a.data().isReadOnly());
        assertEquals(a.data().address() + 12, b.data().address(), "both tensors are slices of the same mapping");
    }

    @Test
    void withoutALengthTheDataRunsToTheEndOfTheFile() throws IOException {
        Files.write(modelDir().resolve("w.bin"), OnnxWriter.floatBytes(0f, 1f, 2f, 3f));
        assertArrayEquals(new float[] {2f, 3f}, OnnxFile.read(writeModel(external("a", 2, "location", "w.bin", "offset", "8")))
                .graph().initializer("a").orElseThrow().floats());
        assertTrue(refused(writeModel(external("a", 2, "location", "w.bin"))).endsWith("external data length 16 does not match 2 FLOAT elements (8 bytes)"));
    }

    @Test
    void pathsOutOfTheDirectoryAreRefusedAsWritten() throws IOException {
        Files.write(root.resolve("secret.bin"), new byte[16]);
        assertEquals("graph.initializer[0] 'a': external data location '/etc/passwd' is an absolute path; only files in the model's directory are read",
                refused(writeModel(external("a", 1, "location", "/etc/passwd"))));
        assertEquals("graph.initializer[0] 'a': external data location '../secret.bin' leads out of the model's directory ('..')",
                refused(writeModel(external("a", 1, "location", "../secret.bin"))));
        assertTrue(refused(writeModel(external("a", 1, "location", "sub/../../secret.bin"))).contains("leads out of the model's directory ('..')"));
        assertTrue(refused(writeModel(external("a", 1, "location", ""))).endsWith("external data without a location"));
        assertTrue(refused(writeModel(external("a", 1, "offset", "0"))).endsWith("external data without a location"));
        assertTrue(refused(writeModel(external("a", 1, "location", "a\u0000b"))).contains("is not a valid path"));
    }

    @Test
    void symbolicLinksLeadingOutsideAreRefusedThoseInsideFollowed() throws IOException {
        Files.write(root.resolve("secret.bin"), OnnxWriter.floatBytes(42f));
        Files.write(modelDir().resolve("inside.bin"), OnnxWriter.floatBytes(1f));
        Files.createSymbolicLink(modelDir().resolve("out.bin"), root.resolve("secret.bin"));
        Files.createSymbolicLink(modelDir().resolve("in.bin"), modelDir().resolve("inside.bin"));
        Files.createSymbolicLink(modelDir().resolve("up"), root);
        assertTrue(refused(writeModel(external("a", 1, "location", "out.bin"))).contains("leads out of the model's directory (a symbolic link to "));
        assertTrue(refused(writeModel(external("a", 1, "location", "up/secret.bin"))).contains("leads out of the model's directory (a symbolic link to "));
        assertArrayEquals(new float[] {1f}, OnnxFile.read(writeModel(external("a", 1, "location", "in.bin"))).graph().initializers().get("a").floats());
    }

    @Test
    void offsetsAndLengthsOutsideTheFileAreRefused() throws IOException {
        Files.write(modelDir().resolve("w.bin"), new byte[100]);
        assertTrue(refused(writeModel(external("a", 1, "location", "w.bin", "offset", "101"))).endsWith("external data offset 101 is past the end of 'w.bin' (100 bytes)"));
        assertTrue(refused(writeModel(external("a", 1, "location", "w.bin", "offset", "98", "length", "4")))
                .endsWith("external data [98, 98 + 4) runs past the end of 'w.bin' (100 bytes)"));
        assertTrue(refused(writeModel(external("a", 1, "location", "w.bin", "offset", "0", "length", "8")))
                .endsWith("external data length 8 does not match 1 FLOAT elements (4 bytes)"));
        assertTrue(refused(writeModel(external("a", 1, "location", "w.bin", "offset", "9223372036854775807", "length", "4"))).contains("is not a byte count"));
        for (String bad : new String[] {"-1", "0x10", "1e3", " 4", "+4", ""}) {
            assertTrue(refused(writeModel(external("a", 1, "location", "w.bin", "offset", bad))).contains("offset '" + bad + "' is not a byte count"), bad);
        }
    }

    @Test
    void missingDirectoriesSpecialFilesAndMixedStorageAreRefused() throws IOException, InterruptedException {
        Files.createDirectories(modelDir().resolve("d"));
        assertTrue(refused(writeModel(external("a", 1, "location", "nope.bin"))).contains("external data file 'nope.bin' does not exist"));
        assertTrue(refused(writeModel(external("a", 1, "location", "."))).endsWith("external data location '.' is the model's directory, not a file"));
        assertTrue(refused(writeModel(external("a", 1, "location", "d"))).contains("'d' is a directory, not a file"));
        Path fifo = modelDir().resolve("pipe");
        if (new ProcessBuilder("mkfifo", fifo.toString()).start().waitFor() == 0) {
            assertTrue(refused(writeModel(external("a", 1, "location", "pipe"))).contains("'pipe' is a FIFO (named pipe), not a file"));
        }
        Files.write(modelDir().resolve("w.bin"), new byte[4]);
        assertTrue(refused(writeModel(external("a", 1, "location", "w.bin").bytes(9, new byte[4])))
                .contains("data_location is EXTERNAL but the tensor also has raw_data"));
        ProtoWriter defaultLocation = tensorHeader("a", DataType.FLOAT, 1).message(13, new ProtoWriter().string(1, "location").string(2, "w.bin"));
        assertTrue(refused(writeModel(defaultLocation)).contains("has external_data but data_location is DEFAULT"));
        assertTrue(refused(writeModel(external("a", 1, "location", "w.bin", "location", "x.bin"))).contains("external_data key 'location' appears twice"));
    }

    @Test
    void aTensorFileResolvesExternalDataBesideIt() throws IOException {
        Files.write(modelDir().resolve("w.bin"), OnnxWriter.floatBytes(5f, 6f));
        Path pb = OnnxWriter.write(modelDir().resolve("input_0.pb"), external("x", 2, "location", "w.bin"));
        assertArrayEquals(new float[] {5f, 6f}, OnnxFile.readTensor(pb).floats());
        Path outside = OnnxWriter.write(modelDir().resolve("input_1.pb"), external("x", 2, "location", "../w.bin"));
        assertTrue(OnnxHostileFilesTest.clean(assertThrows(OnnxFormatException.class, () -> OnnxFile.readTensor(outside)), outside)
                .startsWith("tensor 'x': external data location '../w.bin' leads out"));
    }
}
