package dev.mcdrop.fuzz;

import dev.mcdrop.data.Idx;
import dev.mcdrop.data.LabeledImages;
import dev.mcdrop.io.NamedTensor;
import dev.mcdrop.io.SafeTensorsWriter;
import dev.mcdrop.model.Architecture;
import dev.mcdrop.model.ArchitectureJson;
import dev.mcdrop.model.Layer;
import dev.mcdrop.model.Presets;
import dev.mcdrop.model.Shape;
import dev.mcdrop.model.Weights;
import dev.mcdrop.model.WeightsFile;
import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import javax.imageio.IIOImage;
import javax.imageio.ImageIO;
import javax.imageio.ImageWriteParam;
import javax.imageio.ImageWriter;
import javax.imageio.stream.ImageOutputStream;

/**
 * Writes the seed corpora of the fuzz harnesses in this package (src/test/resources/dev/mcdrop/
 * fuzz/&lt;Harness&gt;Inputs/&lt;method&gt;/): for each format a valid minimal file plus a few edge
 * cases, each well under 10 KB. The files are committed; this is how they were made, and how to
 * remake them if a format changes: {@code scripts/fuzz.sh seeds}. Not a test.
 */
public final class FuzzSeeds {
    private FuzzSeeds() {}

    public static void main(String[] args) throws IOException {
        Path root = Path.of(args.length > 0 ? args[0] : "src/test/resources/dev/mcdrop/fuzz");
        safetensors(dir(root, "SafeTensorsFileFuzzTest", "openAndRead"));
        weights(dir(root, "WeightsFileFuzzTest", "load"));
        architectures(dir(root, "ArchitectureJsonFuzzTest", "parseAndCompile"));
        idx(dir(root, "IdxFuzzTest", "read"));
        cifar(dir(root, "Cifar10FuzzTest", "read"));
        pictures(dir(root, "ImageFilesFuzzTest", "load"));
        npy(dir(root, "NpySamplesFuzzTest", "roundTrip"));
    }

    private static Path dir(Path root, String harness, String method) throws IOException {
        return Files.createDirectories(root.resolve(harness + "Inputs").resolve(method));
    }

    // ---- safetensors -------------------------------------------------------------------------

    private static void safetensors(Path d) throws IOException {
        SafeTensorsWriter.write(d.resolve("minimal.safetensors"), Map.of("format", "pt"),
                List.of(new NamedTensor("w", new int[] {2}, new float[] {1, -2})));
        SafeTensorsWriter.write(d.resolve("scalar-and-empty.safetensors"), Map.of(), List.of(
                new NamedTensor("scalar", new int[] {}, new float[] {3}),
                new NamedTensor("empty", new int[] {0, 4}, new float[0])));
        Files.write(d.resolve("empty-header.safetensors"), safetensorsFile("{}", new byte[0]));
        Files.write(d.resolve("mixed-dtypes.safetensors"), safetensorsFile("{\"__metadata__\":{\"format\":\"pt\"},"
                + "\"d\":{\"dtype\":\"F64\",\"shape\":[1],\"data_offsets\":[0,8]},"
                + "\"f\":{\"dtype\":\"F32\",\"shape\":[2,1],\"data_offsets\":[8,16]},"
                + "\"b\":{\"dtype\":\"BF16\",\"shape\":[2],\"data_offsets\":[16,20]},"
                + "\"h\":{\"dtype\":\"F16\",\"shape\":[2],\"data_offsets\":[20,24]}}",
                hex("000000000000f83f 0000803f000020c0 803f00c0 003c00c0")));
        Files.write(d.resolve("non-finite.safetensors"), safetensorsFile(
                "{\"x\":{\"dtype\":\"F32\",\"shape\":[3],\"data_offsets\":[0,12]}}", hex("0000c07f 0000807f 000080ff")));
        // Rejected on purpose: each reaches a different check.
        Files.write(d.resolve("overlap.safetensors"), safetensorsFile("{\"a\":{\"dtype\":\"F32\",\"shape\":[1],\"data_offsets\":[0,4]},"
                + "\"b\":{\"dtype\":\"F32\",\"shape\":[1],\"data_offsets\":[0,4]}}", new byte[4]));
        Files.write(d.resolve("duplicate-key.safetensors"), safetensorsFile("{\"a\":{\"dtype\":\"F32\",\"shape\":[1],\"data_offsets\":[0,4]},"
                + "\"a\":{\"dtype\":\"F32\",\"shape\":[1],\"data_offsets\":[0,4]}}", new byte[4]));
        Files.write(d.resolve("offsets-past-data.safetensors"), safetensorsFile(
                "{\"a\":{\"dtype\":\"F32\",\"shape\":[2],\"data_offsets\":[0,8]}}", new byte[4]));
        Files.write(d.resolve("header-length-too-large.safetensors"), concat(le64(Long.MAX_VALUE), "{}".getBytes(StandardCharsets.UTF_8)));
    }

    static byte[] safetensorsFile(String header, byte[] data) {
        byte[] h = header.getBytes(StandardCharsets.UTF_8);
        return concat(le64(h.length), h, data);
    }

    // ---- weights files (a network in safetensors) --------------------------------------------

    private static void weights(Path d) throws IOException {
        Architecture tiny = WeightsFileFuzzTest.TINY;
        Map<String, float[]> tensors = new LinkedHashMap<>();
        tensors.put("conv.weight", new float[] {0.5f, -0.25f, 0.125f, 1, -1, 0.75f, 0.5f, -0.5f});
        tensors.put("conv.bias", new float[] {0.1f, -0.1f});
        float[] fc = new float[16];
        for (int i = 0; i < fc.length; i++) fc[i] = (i % 5 - 2) / 4f;
        tensors.put("fc.weight", fc);
        tensors.put("fc.bias", new float[] {0, 0.5f});
        WeightsFile.save(new Weights(tiny.compile(), tensors, Map.of()), d.resolve("tiny.safetensors"), Map.of());
        // A PyTorch nn.Sequential state_dict: no architecture, tensors named by position.
        SafeTensorsWriter.write(d.resolve("tiny-state-dict.safetensors"), Map.of("format", "pt"), List.of(
                new NamedTensor("0.weight", new int[] {2, 1, 2, 2}, tensors.get("conv.weight")),
                new NamedTensor("0.bias", new int[] {2}, tensors.get("conv.bias")),
                new NamedTensor("3.weight", new int[] {2, 8}, fc),
                new NamedTensor("3.bias", new int[] {2}, tensors.get("fc.bias"))));
        // Rejected: a NaN weight, and a tensor the architecture does not use.
        Map<String, String> meta = Map.of(WeightsFile.ARCHITECTURE_KEY, ArchitectureJson.toJson(tiny));
        SafeTensorsWriter.write(d.resolve("tiny-nan.safetensors"), meta, List.of(
                new NamedTensor("conv.weight", new int[] {2, 1, 2, 2}, tensors.get("conv.weight")),
                new NamedTensor("conv.bias", new int[] {2}, new float[] {Float.NaN, 0}),
                new NamedTensor("fc.weight", new int[] {2, 8}, fc),
                new NamedTensor("fc.bias", new int[] {2}, tensors.get("fc.bias"))));
        SafeTensorsWriter.write(d.resolve("tiny-extra-tensor.safetensors"), meta, List.of(
                new NamedTensor("conv.weight", new int[] {2, 1, 2, 2}, tensors.get("conv.weight")),
                new NamedTensor("conv.bias", new int[] {2}, tensors.get("conv.bias")),
                new NamedTensor("fc.weight", new int[] {2, 8}, fc),
                new NamedTensor("fc.bias", new int[] {2}, tensors.get("fc.bias")),
                new NamedTensor("bn.weight", new int[] {2}, new float[] {1, 1})));
    }

    // ---- architecture JSON ----------------------------------------------------------------------

    private static void architectures(Path d) throws IOException {
        write(d.resolve("lenet-all.json"), ArchitectureJson.toJson(Presets.get("lenet-all")));
        write(d.resolve("tiny.json"), ArchitectureJson.toJson(WeightsFileFuzzTest.TINY));
        write(d.resolve("every-layer.json"), ArchitectureJson.toJson(new Architecture("every-layer", new Shape(3, 8, 8), 0.5f, List.of(
                new Layer.Conv2d("c", 4, 3, 1, 1), new Layer.Relu(), new Layer.Dropout(0.25f, true),
                new Layer.Pool(false, 2, 2), new Layer.Pool(true, 2, 1), new Layer.Dropout(0.5f, false),
                new Layer.Flatten(), new Layer.Dense("d", 3), new Layer.Softmax()))));
        write(d.resolve("defaults.json"), "{\"input\": {\"channels\": 1, \"height\": 4, \"width\": 4},"
                + " \"layers\": [{\"type\": \"flatten\"}, {\"type\": \"dense\", \"units\": 2}]}");
        // Rejected on purpose.
        write(d.resolve("duplicate-key.json"), "{\"name\": \"a\", \"name\": \"b\", \"input\": {\"channels\": 1, \"height\": 1, \"width\": 1},"
                + " \"layers\": [{\"type\": \"dense\", \"units\": 2}]}");
        write(d.resolve("trailing-garbage.json"), "{\"input\": {\"channels\": 1, \"height\": 1, \"width\": 1},"
                + " \"layers\": [{\"type\": \"dense\", \"units\": 2}]} ]");
        write(d.resolve("unknown-field.json"), "{\"input\": {\"channels\": 1, \"height\": 1, \"width\": 1, \"depth\": 3},"
                + " \"layers\": [{\"type\": \"dense\", \"units\": 2}]}");
        write(d.resolve("huge-geometry.json"), "{\"input\": {\"channels\": 1, \"height\": 2, \"width\": 2},"
                + " \"layers\": [{\"type\": \"conv2d\", \"filters\": 2, \"kernel\": 1, \"stride\": 2147483647, \"padding\": 2147483647},"
                + " {\"type\": \"flatten\"}, {\"type\": \"dense\", \"units\": 2}]}");
    }

    // ---- IDX ----------------------------------------------------------------------------------------

    private static void idx(Path d) throws IOException {
        byte[] pixels = new byte[2 * 3 * 3];
        for (int i = 0; i < pixels.length; i++) pixels[i] = (byte) (i * 14);
        LabeledImages set = new LabeledImages("seed", 1, 3, 3, pixels, new byte[] {7, 2});
        Path tmp = Files.createTempDirectory("idx-seeds");
        for (boolean gz : new boolean[] {false, true}) {
            String suffix = gz ? ".idx.gz" : ".idx";
            Idx.write(tmp.resolve("i"), tmp.resolve("l"), set, gz);
            Files.move(tmp.resolve("i"), d.resolve("images-2x3x3" + suffix), StandardCopyOption.REPLACE_EXISTING);
            Files.move(tmp.resolve("l"), d.resolve("labels-2" + suffix), StandardCopyOption.REPLACE_EXISTING);
        }
        Files.delete(tmp);
        Files.write(d.resolve("images-empty.idx"), concat(be32(Idx.IMAGES_MAGIC), be32(0), be32(28), be32(28)));
        Files.write(d.resolve("labels-empty.idx"), concat(be32(Idx.LABELS_MAGIC), be32(0)));
        // Rejected on purpose: a header claiming far more than the file holds, and a truncated one.
        Files.write(d.resolve("images-lying-count.idx"), concat(be32(Idx.IMAGES_MAGIC), be32(0x7fffffff), be32(28), be32(28), new byte[8]));
        Files.write(d.resolve("images-truncated-header.idx"), concat(be32(Idx.IMAGES_MAGIC), be32(1)));
    }

    // ---- CIFAR-10 ----------------------------------------------------------------------------------

    private static void cifar(Path d) throws IOException {
        byte[] two = new byte[2 * 3073];
        for (int i = 0; i < two.length; i++) two[i] = (byte) (i * 31 + 7);
        two[0] = 3;
        two[3073] = 9;
        Files.write(d.resolve("one-record.bin"), Arrays.copyOf(two, 3073));
        Files.write(d.resolve("two-records.bin"), two);
        byte[] badLabel = Arrays.copyOf(two, 3073);
        badLabel[0] = 10; // rejected: labels are 0..9
        Files.write(d.resolve("label-10.bin"), badLabel);
        Files.write(d.resolve("short.bin"), Arrays.copyOf(two, 100)); // rejected: not a whole record
    }

    // ---- pictures -------------------------------------------------------------------------------------

    private static void pictures(Path d) throws IOException {
        BufferedImage gray = new BufferedImage(28, 28, BufferedImage.TYPE_BYTE_GRAY);
        BufferedImage rgb = new BufferedImage(5, 3, BufferedImage.TYPE_INT_RGB);
        BufferedImage argb = new BufferedImage(4, 4, BufferedImage.TYPE_INT_ARGB);
        BufferedImage gray16 = new BufferedImage(3, 2, BufferedImage.TYPE_USHORT_GRAY);
        BufferedImage palette = new BufferedImage(6, 2, BufferedImage.TYPE_BYTE_INDEXED);
        BufferedImage bits = new BufferedImage(9, 3, BufferedImage.TYPE_BYTE_BINARY);
        for (int y = 0; y < 28; y++) for (int x = 0; x < 28; x++) gray.getRaster().setSample(x, y, 0, (x * 9 + y * 5) & 0xFF);
        for (int y = 0; y < 3; y++) for (int x = 0; x < 5; x++) rgb.setRGB(x, y, (x * 50) << 16 | (y * 100) << 8 | 0x40);
        for (int y = 0; y < 4; y++) for (int x = 0; x < 4; x++) argb.setRGB(x, y, (x * 80) << 24 | 0xff0000 | y * 60);
        for (int y = 0; y < 2; y++) for (int x = 0; x < 3; x++) gray16.getRaster().setSample(x, y, 0, x * 20000 + y * 7);
        for (int x = 0; x < 6; x++) palette.setRGB(x, 0, x * 0x2a2a2a);
        for (int x = 0; x < 9; x += 2) bits.setRGB(x, 1, 0xffffff);
        Files.write(d.resolve("gray-28x28.png"), encode(gray, "png"));
        Files.write(d.resolve("rgb-5x3.png"), encode(rgb, "png"));
        Files.write(d.resolve("rgba-4x4.png"), encode(argb, "png"));
        Files.write(d.resolve("gray16-3x2.png"), encode(gray16, "png"));
        Files.write(d.resolve("palette-6x2.png"), encode(palette, "png"));
        Files.write(d.resolve("rgb-5x3.jpg"), encode(rgb, "jpeg"));
        Files.write(d.resolve("gray-28x28-progressive.jpg"), progressiveJpeg(gray));
        Files.write(d.resolve("palette-6x2.gif"), encode(palette, "gif"));
        Files.write(d.resolve("rgb-5x3.bmp"), encode(rgb, "bmp"));
        Files.write(d.resolve("rgb-5x3.tif"), encode(rgb, "tiff"));
        Files.write(d.resolve("bits-9x3.wbmp"), encode(bits, "wbmp"));
    }

    private static byte[] encode(BufferedImage image, String format) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        if (!ImageIO.write(image, format, out)) throw new IOException("no " + format + " writer for " + image);
        return out.toByteArray();
    }

    private static byte[] progressiveJpeg(BufferedImage image) throws IOException {
        ImageWriter writer = ImageIO.getImageWritersByFormatName("jpeg").next();
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try (ImageOutputStream ios = ImageIO.createImageOutputStream(out)) {
            writer.setOutput(ios);
            ImageWriteParam param = writer.getDefaultWriteParam();
            param.setProgressiveMode(ImageWriteParam.MODE_DEFAULT);
            writer.write(null, new IIOImage(image, null, null), param);
        } finally {
            writer.dispose();
        }
        return out.toByteArray();
    }

    // ---- .npy round trip: FuzzedDataProvider bytes, not a file format -----------------------

    private static void npy(Path d) throws IOException {
        byte[] some = new byte[96];
        for (int i = 0; i < some.length; i++) some[i] = (byte) (i * 37 + 11);
        Files.write(d.resolve("mixed.bin"), some);
        Files.write(d.resolve("zeros.bin"), new byte[64]);
        byte[] ones = new byte[64];
        Arrays.fill(ones, (byte) 0xff);
        Files.write(d.resolve("ones.bin"), ones);
    }

    // ---- bytes ------------------------------------------------------------------------------------------

    private static void write(Path p, String text) throws IOException {
        Files.writeString(p, text, StandardCharsets.UTF_8);
    }

    private static byte[] le64(long v) {
        return ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN).putLong(v).array();
    }

    private static byte[] be32(int v) {
        return ByteBuffer.allocate(4).putInt(v).array();
    }

    private static byte[] hex(String s) {
        return java.util.HexFormat.of().parseHex(s.replace(" ", ""));
    }

    private static byte[] concat(byte[]... parts) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        for (byte[] p : parts) out.writeBytes(p);
        return out.toByteArray();
    }
}
