package dev.mcdrop.io;

import static dev.mcdrop.io.RawSafeTensors.file;
import static dev.mcdrop.io.RawSafeTensors.json;
import static dev.mcdrop.io.RawSafeTensors.withLength;
import static dev.mcdrop.io.RawSafeTensors.zeros;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Every way a weights file can be broken or hostile must end in a {@link WeightsFormatException}
 * whose message names the file and, where there is one, the tensor or field; never an
 * OutOfMemoryError, IndexOutOfBoundsException, NullPointerException or Jackson exception.
 * ({@code assertThrows} fails on any other exception type.)
 */
class SafeTensorsMalformedTest {

    @TempDir Path dir;

    /** Writes {@code bytes}, opens and reads everything; returns the message after checks. */
    private String assertRejected(byte[] bytes, String... fragments) throws IOException {
        Path p = RawSafeTensors.write(dir, "bad.safetensors", bytes);
        return assertRejected(p, fragments);
    }

    private static String assertRejected(Path p, String... fragments) {
        WeightsFormatException e = assertThrows(WeightsFormatException.class,
                () -> RawSafeTensors.openAndReadAll(p));
        String m = e.getMessage();
        assertTrue(m.startsWith(p.toString() + ": "), "names the file: " + m);
        for (String f : fragments) assertTrue(m.contains(f), "expected '" + f + "' in: " + m);
        return m;
    }

    /** One F32 tensor 'w' with the given shape and offsets, and {@code dataBytes} of data. */
    private static byte[] oneTensor(String dtype, String shape, String offsets, int dataBytes) {
        return file(json("{'w':{'dtype':'" + dtype + "','shape':" + shape
                + ",'data_offsets':" + offsets + "}}"), zeros(dataBytes));
    }

    // ---- framing ----

    @Test void emptyFile() throws IOException { assertRejected(new byte[0], "0 bytes"); }

    @Test void truncatedAtFourBytes() throws IOException { assertRejected(new byte[] {16, 0, 0, 0}, "4 bytes"); }

    @Test void headerPastEndOfFile() throws IOException {
        assertRejected(withLength(100, "{}".getBytes(StandardCharsets.UTF_8)), "header length 100");
    }

    @Test void headerLength2Pow60() throws IOException {
        assertRejected(withLength(1L << 60, zeros(64)), "header length " + (1L << 60));
    }

    @Test void headerLengthAbove2Pow63ReadAsUnsigned() throws IOException {
        assertRejected(withLength((1L << 63) + 5, zeros(64)), "header length 9223372036854775813");
        assertRejected(withLength(-1L, zeros(64)), "header length 18446744073709551615");
    }

    @Test void headerLengthOverCapIsRejectedEvenIfFileIsThatLarge() throws IOException {
        Path p = dir.resolve("huge.safetensors");
        try (RandomAccessFile raf = new RandomAccessFile(p.toFile(), "rw")) {
            raf.setLength(120_000_000L); // sparse: costs no disk
            raf.write(new byte[] {0, (byte) 0xe2, (byte) 0xf5, 0x05, 0, 0, 0, 0}); // 100_000_000 + 256
        }
        assertRejected(p, "header length 100000256", "limit 100000000");
    }

    @Test void dataTruncated() throws IOException {
        assertRejected(oneTensor("F32", "[4]", "[0,16]", 8), "tensor 'w'", "exceed the data section (8 bytes)");
    }

    @Test void missingFileAndDirectory() {
        assertRejected(dir.resolve("nope.safetensors"), "no such file");
        assertRejected(dir, "is a directory");
    }

    // ---- header JSON ----

    @Test void nonJsonHeader() throws IOException { assertRejected(file("this is not json", zeros(0)), "not valid JSON"); }

    @Test void invalidUtf8Header() throws IOException {
        assertRejected(file(new byte[] {'{', '"', (byte) 0xff, (byte) 0xfe, '"', ':', '1', '}'}, zeros(0)), "UTF-8");
    }

    @Test void jsonArrayHeader() throws IOException { assertRejected(file("[1, 2]", zeros(0)), "expected an object"); }

    @Test void jsonNullAndNumberHeaders() throws IOException {
        assertRejected(file("null", zeros(0)), "expected an object");
        assertRejected(file("42", zeros(0)), "expected an object");
    }

    @Test void emptyAndBlankHeaders() throws IOException {
        assertRejected(file("", zeros(0)), "header");
        assertRejected(file("        ", zeros(0)), "header");
    }

    @Test void trailingGarbageAfterObject() throws IOException {
        assertRejected(file("{} {}", zeros(0)), "content after the JSON object");
        assertRejected(file("{} x", zeros(0)), "not valid JSON");
    }

    @Test void namesBeyondJacksonLimitAreRejected() throws IOException {
        assertRejected(file("{\"" + "x".repeat(100_000) + "\":7}", zeros(0)), "not valid JSON");
    }

    @Test void deeplyNestedJsonDoesNotOverflowTheStack() throws IOException {
        // inside an unknown (skipped) field, so only the parser's nesting limit can stop it
        assertRejected(file("{\"w\":{\"extra\":" + "[".repeat(200_000), zeros(0)), "not valid JSON", "nesting");
    }

    @Test void duplicateTensorKey() throws IOException {
        assertRejected(file(json("{'w':{'dtype':'F32','shape':[1],'data_offsets':[0,4]},"
                + "'w':{'dtype':'F32','shape':[1],'data_offsets':[4,8]}}"), zeros(8)), "Duplicate", "w");
    }

    @Test void duplicateMetadata() throws IOException {
        assertRejected(file(json("{'__metadata__':{'a':'1'},'__metadata__':{'a':'2'}}"), zeros(0)), "__metadata__");
        assertRejected(file(json("{'__metadata__':{'a':'1','a':'2'}}"), zeros(0)), "Duplicate");
    }

    // ---- metadata ----

    @Test void metadataValueNotAString() throws IOException {
        assertRejected(file(json("{'__metadata__':{'format':'pt','epochs':12}}"), zeros(0)),
                "__metadata__ entry 'epochs'", "string", "number");
        assertRejected(file(json("{'__metadata__':{'x':null}}"), zeros(0)), "'x'", "null");
    }

    @Test void metadataNotAnObject() throws IOException {
        assertRejected(file(json("{'__metadata__':['a','b']}"), zeros(0)), "__metadata__", "array");
    }

    // ---- tensor entries ----

    @Test void tensorEntryNotAnObject() throws IOException {
        assertRejected(file(json("{'w':5}"), zeros(0)), "tensor 'w'", "object");
    }

    @Test void missingFields() throws IOException {
        assertRejected(file(json("{'w':{'shape':[1],'data_offsets':[0,4]}}"), zeros(4)), "tensor 'w'", "dtype");
        assertRejected(file(json("{'w':{'dtype':'F32','data_offsets':[0,4]}}"), zeros(4)), "tensor 'w'", "shape");
        assertRejected(file(json("{'w':{'dtype':'F32','shape':[1]}}"), zeros(4)), "tensor 'w'", "data_offsets");
    }

    @Test void illTypedFields() throws IOException {
        assertRejected(oneTensor("F32", "'1'", "[0,4]", 4), "tensor 'w'", "shape must be an array");
        assertRejected(oneTensor("F32", "['1']", "[0,4]", 4), "tensor 'w'", "shape[0]");
        assertRejected(oneTensor("F32", "[2.5]", "[0,10]", 10), "tensor 'w'", "shape[0]");
        assertRejected(oneTensor("F32", "[1e30]", "[0,4]", 4), "tensor 'w'", "shape[0]");
        assertRejected(oneTensor("F32", "[99999999999999999999]", "[0,4]", 4), "tensor 'w'", "shape[0]");
        assertRejected(oneTensor("F32", "[1]", "{'a':0}", 4), "tensor 'w'", "data_offsets must be an array");
        assertRejected(oneTensor("F32", "[1]", "[0,4,8]", 8), "tensor 'w'", "2 entries");
        assertRejected(oneTensor("F32", "[1]", "[4]", 8), "tensor 'w'", "2 entries");
        assertRejected(oneTensor("F32", "[1]", "[null,4]", 4), "tensor 'w'", "data_offsets[0]");
        assertRejected(file(json("{'w':{'dtype':32,'shape':[1],'data_offsets':[0,4]}}"), zeros(4)),
                "tensor 'w'", "dtype must be a string");
    }

    @Test void unknownAndUnsupportedDtypes() throws IOException {
        assertRejected(oneTensor("Q7", "[1]", "[0,4]", 4), "tensor 'w'", "unknown dtype 'Q7'");
        assertRejected(oneTensor("I8", "[4]", "[0,4]", 4), "tensor 'w'", "dtype 'I8' is not supported");
        assertRejected(oneTensor("f32", "[1]", "[0,4]", 4), "tensor 'w'", "unknown dtype 'f32'");
    }

    @Test void negativeDimension() throws IOException {
        assertRejected(oneTensor("F32", "[2,-3]", "[0,4]", 4), "tensor 'w'", "dimension 1 is negative (-3)");
    }

    @Test void dimensionsWhoseProductOverflows() throws IOException {
        assertRejected(oneTensor("F32", "[4611686018427387904,4]", "[0,4]", 4), "tensor 'w'", "overflow");
        // fits in elements, overflows in bytes (2^62 x 8 bytes)
        assertRejected(oneTensor("F64", "[4611686018427387904]", "[0,8]", 8), "tensor 'w'", "overflow");
    }

    @Test void offsetsOutOfRange() throws IOException {
        byte[] bytes = file(json("{'conv1.weight':{'dtype':'F32','shape':[1000],'data_offsets':[0,4000]}}"),
                zeros(3000));
        String m = assertRejected(bytes);
        assertEquals(dir.resolve("bad.safetensors")
                + ": tensor 'conv1.weight': data_offsets [0, 4000) exceed the data section (3000 bytes)", m);
        assertRejected(oneTensor("F32", "[1]", "[9223372036854775800,9223372036854775804]", 4),
                "tensor 'w'", "exceed the data section");
        assertRejected(oneTensor("F32", "[1]", "[-4,0]", 4), "tensor 'w'", "negative");
    }

    @Test void beginAfterEnd() throws IOException {
        assertRejected(oneTensor("F32", "[1]", "[8,4]", 8), "tensor 'w'", "begin is after end");
    }

    @Test void sizeMismatch() throws IOException {
        assertRejected(oneTensor("F32", "[3]", "[0,8]", 8), "tensor 'w'", "hold 8 bytes", "needs 12");
        assertRejected(oneTensor("F16", "[2,2]", "[0,16]", 16), "tensor 'w'", "needs 8");
    }

    @Test void overlappingTensors() throws IOException {
        assertRejected(file(json("{'a':{'dtype':'F32','shape':[2],'data_offsets':[0,8]},"
                + "'b':{'dtype':'F32','shape':[2],'data_offsets':[4,12]}}"), zeros(12)),
                "tensor 'b'", "overlap tensor 'a'");
        assertRejected(file(json("{'a':{'dtype':'F32','shape':[4],'data_offsets':[0,16]},"
                + "'b':{'dtype':'F32','shape':[1],'data_offsets':[4,8]},"
                + "'c':{'dtype':'F32','shape':[1],'data_offsets':[8,12]}}"), zeros(16)), "overlap tensor 'a'");
        assertRejected(file(json("{'a':{'dtype':'F32','shape':[1],'data_offsets':[0,4]},"
                + "'b':{'dtype':'F32','shape':[1],'data_offsets':[0,4]}}"), zeros(4)), "overlap");
    }

    @Test void emptyTensorsDoNotOverlapAnything() throws IOException {
        Path p = RawSafeTensors.write(dir, "ok.safetensors", file(json(
                "{'a':{'dtype':'F32','shape':[2],'data_offsets':[0,8]},"
                        + "'e':{'dtype':'F32','shape':[0,5],'data_offsets':[4,4]}}"), zeros(8)));
        RawSafeTensors.openAndReadAll(p);
    }

    @Test void hostileLongTensorNameIsCutInMessages() throws IOException {
        String name = "x".repeat(20_000) + "\n";
        String m = assertRejected(file("{\"" + name.replace("\n", "\\n") + "\":7}", zeros(0)), "tensor 'xxx");
        assertTrue(m.length() < 1000, "message length " + m.length());
        assertTrue(!m.contains("\n"));
    }

    @Test void tooManyHeaderEntries() throws IOException {
        StringBuilder sb = new StringBuilder("{\"__metadata__\":{");
        for (int i = 0; i <= SafeTensorsHeader.MAX_ENTRIES; i++) sb.append(i == 0 ? "" : ",").append('"').append(i).append("\":\"\"");
        assertRejected(file(sb.append("}}").toString(), zeros(0)), "more than 1000000 entries");
    }

    @Test void tooManyDimensions() throws IOException {
        String shape = "[" + "1,".repeat(SafeTensorsHeader.MAX_RANK) + "1]";
        assertRejected(oneTensor("F32", shape, "[0,4]", 4), "tensor 'w'", "shape has more than 1024 entries");
    }

    @Test void unknownFieldsInTensorEntryAreIgnored() throws IOException {
        Path p = RawSafeTensors.write(dir, "ok.safetensors", file(json(
                "{'w':{'extra':{'deep':[1,{'x':null}]},'dtype':'F32','shape':[1],'data_offsets':[0,4]}}"), zeros(4)));
        RawSafeTensors.openAndReadAll(p);
    }

    @Test void intShapeRejectsDimensionsBeyondInt() throws IOException {
        Path p = RawSafeTensors.write(dir, "wide.safetensors", oneTensor("F32", "[3000000000,0]", "[0,0]", 0));
        try (SafeTensorsFile f = SafeTensorsFile.open(p)) {
            assertEquals(0, f.readFloats("w").length);
            WeightsFormatException e = assertThrows(WeightsFormatException.class, () -> f.intShape("w"));
            assertTrue(e.getMessage().startsWith(p + ": tensor 'w': "), e.getMessage());
        }
    }

    @Test void fileStaysUsableAfterFailedOpenElsewhere() throws IOException {
        Path bad = RawSafeTensors.write(dir, "bad.safetensors", oneTensor("F32", "[3]", "[0,8]", 8));
        assertRejected(bad);
        Files.delete(bad); // the failed open released its mapping (matters on Windows; cheap here)
    }
}
