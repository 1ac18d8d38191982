package dev.mcdrop.fuzz;

import dev.mcdrop.onnx.AttributeType;
import dev.mcdrop.onnx.DataType;
import dev.mcdrop.onnx.OnnxWriter;
import dev.mcdrop.onnx.ProtoWriter;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Stream;

/**
 * Writes the seed corpus of {@link OnnxFileFuzzTest} (src/test/resources/dev/mcdrop/fuzz/
 * OnnxFileFuzzTestInputs/read/): the bundled ONNX backend models and two of their tensors, plus
 * synthetic models reaching every storage form, attribute type and external data (pointing at
 * the input itself, fuzz.onnx, and out of the directory). All under 4 KB (fuzz.sh's max_len).
 * Run: {@code java -cp target/test-classes:target/classes dev.mcdrop.fuzz.OnnxFuzzSeeds}. Not a test.
 */
public final class OnnxFuzzSeeds {
    private OnnxFuzzSeeds() {}

    public static void main(String[] args) throws IOException {
        Path root = Path.of(args.length > 0 ? args[0] : "src/test/resources/dev/mcdrop/fuzz");
        Path d = Files.createDirectories(root.resolve("OnnxFileFuzzTestInputs").resolve("read"));
        Path bundled = Path.of("src/test/resources/dev/mcdrop/onnx");
        try (Stream<Path> s = Files.walk(bundled)) {
            for (Path model : s.filter(p -> p.getFileName().toString().equals("model.onnx")).toList()) {
                Files.copy(model, d.resolve(model.getParent().getFileName() + ".onnx"), java.nio.file.StandardCopyOption.REPLACE_EXISTING);
            }
        }
        Files.copy(bundled.resolve("node/test_conv_with_strides_padding/test_data_set_0/input_1.pb"), d.resolve("conv-weight.pb"),
                java.nio.file.StandardCopyOption.REPLACE_EXISTING);
        Files.copy(bundled.resolve("node/test_maxpool_2d_uint8/test_data_set_0/input_0.pb"), d.resolve("uint8-input.pb"),
                java.nio.file.StandardCopyOption.REPLACE_EXISTING);

        OnnxWriter.write(d.resolve("relu.onnx"), OnnxWriter.reluModel());
        ProtoWriter attrs = OnnxWriter.node("Conv", "every-attribute", new String[] {"x", "w", ""}, new String[] {"y"},
                OnnxWriter.attrInts("pads", 1, 1, 1, 1), OnnxWriter.attrInt("group", 2), OnnxWriter.attrFloat("alpha", 0.5f),
                OnnxWriter.attrString("auto_pad", "NOTSET"), OnnxWriter.attrFloats("scales", 1f, 2f),
                new ProtoWriter().string(1, "names").varint(20, AttributeType.STRINGS.code()).string(9, "a").string(9, "b"),
                OnnxWriter.attrTensor("value", OnnxWriter.tensorHeader("c", DataType.INT32, 2).packedVarints(5, -1, 7)),
                OnnxWriter.attrGraph("body", OnnxWriter.graph("sub").message(1, OnnxWriter.node("Relu", "", new String[] {"a"}, new String[] {"b"}))),
                new ProtoWriter().string(1, "untyped").varint(3, 5));
        OnnxWriter.write(d.resolve("every-attribute.onnx"), OnnxWriter.model(OnnxWriter.graph("g").message(1, attrs)
                .message(11, OnnxWriter.valueInfo("x", DataType.FLOAT, "N", 3L, 8L, 8L))
                .message(12, new ProtoWriter().string(1, "seq").message(2, new ProtoWriter().message(4, new ProtoWriter())))));
        ProtoWriter storage = OnnxWriter.graph("storage")
                .message(5, OnnxWriter.tensorHeader("f16", DataType.FLOAT16, 2).bytes(9, new byte[] {0, 0x3c, 0, (byte) 0xc0}))
                .message(5, OnnxWriter.tensorHeader("bf16", DataType.BFLOAT16, 1).packedVarints(5, 0x3f80))
                .message(5, OnnxWriter.tensorHeader("f", DataType.FLOAT, 3).fixed32(4, 1).fixed32(4, 2).packedFloats(4, 3))
                .message(5, OnnxWriter.tensorHeader("d", DataType.DOUBLE, 2).packedDoubles(10, 0.5, -1))
                .message(5, OnnxWriter.tensorHeader("i64", DataType.INT64, 2, 1).packedVarints(7, Long.MIN_VALUE, 3))
                .message(5, OnnxWriter.tensorHeader("u64", DataType.UINT64, 1).packedVarints(11, -1))
                .message(5, OnnxWriter.tensorHeader("b", DataType.BOOL, 2).packedVarints(5, 0, 1))
                .message(5, OnnxWriter.tensorHeader("s", DataType.STRING, 1).string(6, "text"))
                .message(5, OnnxWriter.tensorHeader("u4", DataType.UINT4, 3).bytes(9, new byte[2]))
                .message(5, OnnxWriter.tensorHeader("c64", DataType.COMPLEX64, 1).packedFloats(4, 1, 2))
                .message(5, OnnxWriter.tensorHeader("empty", DataType.FLOAT, 0, 4));
        OnnxWriter.write(d.resolve("storage-forms.onnx"), OnnxWriter.model(storage)
                .message(14, new ProtoWriter().string(1, "mcdrop.mean").string(2, "0.5")));
        ProtoWriter self = OnnxWriter.tensorHeader("ext", DataType.FLOAT, 1)
                .message(13, new ProtoWriter().string(1, "location").string(2, "fuzz.onnx"))
                .message(13, new ProtoWriter().string(1, "offset").string(2, "0"))
                .message(13, new ProtoWriter().string(1, "length").string(2, "4")).varint(14, 1);
        OnnxWriter.write(d.resolve("external-self.onnx"), OnnxWriter.model(OnnxWriter.graph("g").message(5, self)));
        ProtoWriter out = OnnxWriter.tensorHeader("ext", DataType.FLOAT, 1)
                .message(13, new ProtoWriter().string(1, "location").string(2, "../fuzz.onnx")).varint(14, 1);
        OnnxWriter.write(d.resolve("external-outside.onnx"), OnnxWriter.model(OnnxWriter.graph("g").message(5, out)));
        OnnxWriter.write(d.resolve("tensor-external-self.pb"), self);
        try (Stream<Path> s = Files.list(d)) {
            for (Path p : s.toList()) {
                if (Files.size(p) > 4096) throw new IllegalStateException(p + " is over 4 KB");
            }
        }
    }
}
