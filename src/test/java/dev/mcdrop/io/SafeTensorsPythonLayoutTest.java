package dev.mcdrop.io;

import static dev.mcdrop.io.RawSafeTensors.concat;
import static dev.mcdrop.io.RawSafeTensors.hex;
import static dev.mcdrop.io.RawSafeTensors.json;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Files laid out byte by byte the way Python's {@code safetensors.torch.save_file(t,
 * metadata={"format": "pt"})} writes them: compact JSON with {@code __metadata__} first, header
 * padded with spaces to a multiple of 8, tensors ordered by dtype (F64, F32, BF16, F16) then name,
 * data contiguous and little-endian. Values are given as raw bit patterns so the expected floats
 * are exact, independent of any conversion code under test.
 */
class SafeTensorsPythonLayoutTest {

    @TempDir Path dir;

    private static byte[] padToMultipleOf8(String header) {
        StringBuilder sb = new StringBuilder(header);
        while (sb.toString().getBytes(StandardCharsets.UTF_8).length % 8 != 0) sb.append(' ');
        return sb.toString().getBytes(StandardCharsets.UTF_8);
    }

    @Test
    void readsF64F32Bf16F16Exactly() throws IOException {
        String header = json("{'__metadata__':{'format':'pt'},"
                + "'w64':{'dtype':'F64','shape':[2],'data_offsets':[0,16]},"
                + "'w32':{'dtype':'F32','shape':[2,2],'data_offsets':[16,32]},"
                + "'wbf16':{'dtype':'BF16','shape':[3],'data_offsets':[32,38]},"
                + "'w16':{'dtype':'F16','shape':[4],'data_offsets':[38,46]}}");
        byte[] data = concat(
                hex("9a9999999999b93f 000000000000f83f"),     // F64 0.1, 1.5
                hex("0000803f 000020c0 0000203e ffff7f7f"),   // F32 1, -2.5, 0.15625, MAX_VALUE
                hex("803f 00c0 4940"),                        // BF16 1, -2, 3.140625
                hex("003c 00c0 ff7b 0100"));                  // F16 1, -2, 65504, 2^-24
        byte[] headerBytes = padToMultipleOf8(header);
        Path p = RawSafeTensors.write(dir, "torch.safetensors", RawSafeTensors.file(headerBytes, data));

        try (SafeTensorsFile f = SafeTensorsFile.open(p)) {
            assertEquals(Map.of("format", "pt"), f.metadata());
            assertEquals(List.of("w64", "w32", "wbf16", "w16"), List.copyOf(f.names()));
            assertEquals(DType.F64, f.info("w64").dtype());
            assertEquals(DType.BF16, f.info("wbf16").dtype());
            assertEquals(DType.F16, f.info("w16").dtype());
            assertArrayEquals(new long[] {2, 2}, f.info("w32").shape());

            assertArrayEquals(new float[] {0.1f, 1.5f}, f.readFloats("w64"));
            assertArrayEquals(new float[] {1f, -2.5f, 0.15625f, Float.MAX_VALUE}, f.readFloats("w32"));
            assertArrayEquals(new float[] {1f, -2f, 3.140625f}, f.readFloats("wbf16"));
            assertArrayEquals(new float[] {1f, -2f, 65504f, 0x1p-24f}, f.readFloats("w16"));
            assertEquals(6, f.segment("wbf16").byteSize());
            for (String n : f.names()) assertTrue(f.allFinite(n), n);
        }
    }

    @Test
    void readsUnpaddedHeaderWithUnalignedDataAndScalar() throws IOException {
        // N is odd: every tensor starts at an unaligned file offset.
        String header = json("{'s':{'dtype':'F32','shape':[],'data_offsets':[0,4]},"
                + "'vv':{'dtype':'F32','shape':[1],'data_offsets':[4,8]}}");
        Path p = RawSafeTensors.write(dir, "odd.safetensors",
                RawSafeTensors.file(header, hex("0000c03f 000080bf")));
        try (SafeTensorsFile f = SafeTensorsFile.open(p)) {
            assertEquals(1, (header.length() + 8) % 2);
            assertEquals(0, f.info("s").rank());
            assertArrayEquals(new float[] {1.5f}, f.readFloats("s"));
            assertArrayEquals(new float[] {-1f}, f.readFloats("vv"));
        }
    }

    @Test
    void nonFiniteValuesInEveryDtypeAreReadAndFlagged() throws IOException {
        String header = json("{'h':{'dtype':'F16','shape':[2],'data_offsets':[0,4]},"
                + "'b':{'dtype':'BF16','shape':[1],'data_offsets':[4,6]},"
                + "'d':{'dtype':'F64','shape':[1],'data_offsets':[6,14]}}");
        byte[] data = concat(hex("007c 007e"), hex("c07f"), hex("9c7500883ce4377e")); // +inf, NaN; NaN; 1e300
        Path p = RawSafeTensors.write(dir, "nonfinite.safetensors", RawSafeTensors.file(header, data));
        try (SafeTensorsFile f = SafeTensorsFile.open(p)) {
            float[] h = f.readFloats("h");
            assertEquals(Float.POSITIVE_INFINITY, h[0]);
            assertTrue(Float.isNaN(h[1]));
            assertTrue(Float.isNaN(f.readFloats("b")[0]));
            assertEquals(Float.POSITIVE_INFINITY, f.readFloats("d")[0], "1e300 exceeds float range");
            assertFalse(f.allFinite("h"));
            assertFalse(f.allFinite("b"));
            assertFalse(f.allFinite("d"));
        }
    }
}
