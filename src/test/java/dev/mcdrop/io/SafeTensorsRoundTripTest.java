package dev.mcdrop.io;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Writer then reader: values, shapes, order, metadata, alignment, and the writer's own checks. */
class SafeTensorsRoundTripTest {

    @TempDir Path dir;

    private static Map<String, String> metadata() {
        Map<String, String> m = new LinkedHashMap<>();
        m.put("format", "pt");
        m.put("zeta", "last-alphabetically-but-second");
        m.put("alpha", "é ü 中"); // non-ASCII survives UTF-8
        return m;
    }

    private static float[] ramp(int n) {
        float[] a = new float[n];
        for (int i = 0; i < n; i++) a[i] = (i % 7) * 0.25f - (i / 1000);
        return a;
    }

    private static List<NamedTensor> tensors() {
        return List.of(
                new NamedTensor("conv1.weight", new int[] {2, 1, 3, 3}, ramp(18)),
                new NamedTensor("conv1.bias", new int[] {2}, new float[] {-1.5f, Float.MIN_VALUE}),
                new NamedTensor("scale", new int[] {}, new float[] {2.5f}),
                new NamedTensor("empty", new int[] {0}, new float[0]),
                new NamedTensor("empty3d", new int[] {65536, 0, 65536}, new float[0]),
                new NamedTensor("big", new int[] {3, 100_003}, ramp(300_009)),
                new NamedTensor("after_big", new int[] {1, 1}, new float[] {Float.MAX_VALUE}));
    }

    @Test
    void roundTripPreservesValuesShapesOrderAndMetadata() throws IOException {
        Path p = dir.resolve("model.safetensors");
        SafeTensorsWriter.write(p, metadata(), tensors());
        try (SafeTensorsFile f = SafeTensorsFile.open(p)) {
            assertEquals(p, f.path());
            assertEquals(List.copyOf(metadata().entrySet()), List.copyOf(f.metadata().entrySet()));
            assertEquals(tensors().stream().map(NamedTensor::name).toList(), List.copyOf(f.names()));
            for (NamedTensor t : tensors()) {
                TensorInfo info = f.info(t.name());
                assertEquals(DType.F32, info.dtype());
                assertArrayEquals(Stream.of(t.shape()).flatMapToInt(java.util.Arrays::stream)
                        .asLongStream().toArray(), info.shape(), t.name());
                assertEquals(t.data().length, info.elementCount());
                assertArrayEquals(t.data(), f.readFloats(t.name()), t.name());
                assertEquals(4L * t.data().length, f.segment(t.name()).byteSize());
                assertTrue(f.allFinite(t.name()));
            }
            assertEquals(0, f.info("scale").rank());
            assertEquals(1, f.info("scale").elementCount());
        }
    }

    @Test
    void writerAlignsDataSectionAndLaysTensorsContiguously() throws IOException {
        Path p = dir.resolve("m.safetensors");
        SafeTensorsWriter.write(p, Map.of("k", "v"), tensors());
        byte[] bytes = Files.readAllBytes(p);
        long n = ByteBuffer.wrap(bytes).order(ByteOrder.LITTLE_ENDIAN).getLong();
        assertEquals(0, (8 + n) % 8, "data section 8-byte aligned");
        String header = new String(bytes, 8, (int) n, java.nio.charset.StandardCharsets.UTF_8);
        assertTrue(header.startsWith("{") && header.stripTrailing().endsWith("}"), header);
        assertTrue(header.length() - header.stripTrailing().length() < 8, "padding only to align");
        try (SafeTensorsFile f = SafeTensorsFile.open(p)) {
            long expectedBegin = 0;
            for (NamedTensor t : tensors()) {
                TensorInfo info = f.info(t.name());
                assertEquals(expectedBegin, info.dataBegin(), t.name());
                expectedBegin = info.dataEnd();
            }
            assertEquals(bytes.length - 8 - n, expectedBegin, "no gap, no trailing bytes");
        }
    }

    @Test
    void noMetadataMeansEmptyMapAndOverwriteReplacesFile() throws IOException {
        Path p = dir.resolve("m.safetensors");
        SafeTensorsWriter.write(p, Map.of("old", "1"), tensors());
        SafeTensorsWriter.write(p, null, List.of(new NamedTensor("x", new int[] {1}, new float[] {7f})));
        try (SafeTensorsFile f = SafeTensorsFile.open(p)) {
            assertTrue(f.metadata().isEmpty());
            assertEquals(List.of("x"), List.copyOf(f.names()));
            assertArrayEquals(new float[] {7f}, f.readFloats("x"));
        }
        try (Stream<Path> files = Files.list(dir)) {
            assertEquals(List.of(p), files.toList(), "no temp file left behind");
        }
    }

    @Test
    void readIntoOffsetAndRequireShape() throws IOException {
        Path p = dir.resolve("m.safetensors");
        SafeTensorsWriter.write(p, null, tensors());
        try (SafeTensorsFile f = SafeTensorsFile.open(p)) {
            float[] dst = new float[5];
            f.readFloats("conv1.bias", dst, 3);
            assertArrayEquals(new float[] {0, 0, 0, -1.5f, Float.MIN_VALUE}, dst);
            assertThrows(IllegalArgumentException.class, () -> f.readFloats("conv1.bias", dst, 4));
            assertThrows(IllegalArgumentException.class, () -> f.readFloats("conv1.bias", dst, -1));

            assertEquals(4, f.requireShape("conv1.weight", 2, 1, 3, 3).rank());
            assertArrayEquals(new int[] {2, 1, 3, 3}, f.intShape("conv1.weight"));
            assertArrayEquals(new int[] {}, f.intShape("scale"));
            WeightsFormatException e = assertThrows(WeightsFormatException.class,
                    () -> f.requireShape("conv1.weight", 2, 3, 3));
            assertEquals(p + ": tensor 'conv1.weight': shape [2, 1, 3, 3], expected [2, 3, 3]", e.getMessage());

            WeightsFormatException missing = assertThrows(WeightsFormatException.class, () -> f.info("fc9"));
            assertTrue(missing.getMessage().startsWith(p + ": tensor 'fc9'"), missing.getMessage());
            assertThrows(WeightsFormatException.class, () -> f.readFloats("fc9"));
            assertFalse(f.contains("fc9"));
        }
    }

    @Test
    void allFiniteDetectsNanAndInfinity() throws IOException {
        Path p = dir.resolve("m.safetensors");
        SafeTensorsWriter.write(p, null, List.of(
                new NamedTensor("ok", new int[] {2}, new float[] {1, -1}),
                new NamedTensor("nan", new int[] {3}, new float[] {1, Float.NaN, 2}),
                new NamedTensor("inf", new int[] {1}, new float[] {Float.NEGATIVE_INFINITY})));
        try (SafeTensorsFile f = SafeTensorsFile.open(p)) {
            assertTrue(f.allFinite("ok"));
            assertFalse(f.allFinite("nan"));
            assertFalse(f.allFinite("inf"));
            assertTrue(Float.isNaN(f.readFloats("nan")[1]), "reading itself accepts NaN");
        }
    }

    @Test
    void closedFileRefusesReads() throws IOException {
        Path p = dir.resolve("m.safetensors");
        SafeTensorsWriter.write(p, null, tensors());
        SafeTensorsFile f = SafeTensorsFile.open(p);
        f.close();
        f.close(); // idempotent
        assertThrows(IllegalStateException.class, () -> f.readFloats("scale"));
    }

    @Test
    void fileTruncatedWhileOpenGivesFormatException() throws IOException {
        Path p = dir.resolve("m.safetensors");
        SafeTensorsWriter.write(p, null, tensors());
        try (SafeTensorsFile f = SafeTensorsFile.open(p)) {
            try (java.nio.channels.FileChannel ch = java.nio.channels.FileChannel.open(p,
                    java.nio.file.StandardOpenOption.WRITE)) {
                ch.truncate(0);
            }
            WeightsFormatException e = assertThrows(WeightsFormatException.class, () -> f.readFloats("big"));
            assertTrue(e.getMessage().contains("tensor 'big'"), e.getMessage());
            assertThrows(WeightsFormatException.class, () -> f.allFinite("big"));
        }
    }

    @Test
    void rewritingAnOpenFileLeavesTheOpenMappingIntact() throws IOException {
        Path p = dir.resolve("m.safetensors");
        SafeTensorsWriter.write(p, null, tensors());
        try (SafeTensorsFile f = SafeTensorsFile.open(p)) {
            SafeTensorsWriter.write(p, null, List.of(new NamedTensor("x", new int[] {1}, new float[] {7f})));
            assertArrayEquals(new float[] {2.5f}, f.readFloats("scale"));
        }
    }

    @Test
    void writtenFileHonoursUmaskNotTempFileMode() throws IOException {
        Path p = dir.resolve("m.safetensors");
        SafeTensorsWriter.write(p, null, tensors());
        Path plain = Files.createFile(dir.resolve("plain"));
        if (Files.getFileStore(p).supportsFileAttributeView("posix")) {
            assertEquals(Files.getPosixFilePermissions(plain), Files.getPosixFilePermissions(p));
        }
    }

    @Test
    void writerRejectsBadInput() {
        Path p = dir.resolve("bad.safetensors");
        assertThrows(IllegalArgumentException.class, () -> SafeTensorsWriter.write(p, null, List.of(
                new NamedTensor("a", new int[] {1}, new float[1]),
                new NamedTensor("a", new int[] {1}, new float[1]))), "duplicate name");
        assertThrows(IllegalArgumentException.class, () -> SafeTensorsWriter.write(p, null, List.of(
                new NamedTensor("a", new int[] {2, 3}, new float[5]))), "length mismatch");
        assertThrows(IllegalArgumentException.class, () -> SafeTensorsWriter.write(p, null, List.of(
                new NamedTensor("a", new int[] {-2, -3}, new float[6]))), "negative dims");
        assertThrows(IllegalArgumentException.class, () -> SafeTensorsWriter.write(p, null, List.of(
                new NamedTensor("a", new int[] {65536, 65536, 2}, new float[0]))), "overflowing dims");
        assertThrows(IllegalArgumentException.class, () -> SafeTensorsWriter.write(p, null, List.of(
                new NamedTensor("__metadata__", new int[] {1}, new float[1]))), "reserved name");
        assertFalse(Files.exists(p));
    }
}
