package dev.mcdrop.fuzz;

import com.code_intelligence.jazzer.junit.FuzzTest;
import dev.mcdrop.onnx.AttributeType;
import dev.mcdrop.onnx.DataType;
import dev.mcdrop.onnx.Dim;
import dev.mcdrop.onnx.OnnxAttribute;
import dev.mcdrop.onnx.OnnxFile;
import dev.mcdrop.onnx.OnnxFormatException;
import dev.mcdrop.onnx.OnnxModel;
import dev.mcdrop.onnx.OnnxNode;
import dev.mcdrop.onnx.OnnxTensor;
import dev.mcdrop.onnx.OnnxValueInfo;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Timeout;

/**
 * Coverage-guided fuzzing of the ONNX reader (dev.mcdrop.onnx: OnnxFile, its protobuf wire
 * reader and message parsers). The input is the file, read both as a model and as a single
 * TensorProto (a test_data_set .pb). Contract: each read returns a result or throws
 * {@link OnnxFormatException} with a clean message naming the file; what is returned is
 * self-consistent: every tensor's data is exactly {@code rawBytes(elementCount)} bytes and reads
 * through its typed accessor (or is refused cleanly), every attribute reads through the getter of
 * its type and is refused cleanly by another, declared dims are non-negative. External data may
 * point at files of the scratch directory (the input itself, as fuzz.onnx): allowed, it is
 * inside the model's directory. Any other throwable, a hang or an OutOfMemoryError is a finding.
 * Seeds: OnnxFileFuzzTestInputs/ (written by {@link OnnxFuzzSeeds}).
 */
@Timeout(value = 30, unit = TimeUnit.SECONDS)
class OnnxFileFuzzTest {

    @FuzzTest(maxDuration = "2m")
    void read(byte[] input) {
        Path file = FuzzSupport.write("fuzz.onnx", input);
        try {
            check(OnnxFile.read(file));
        } catch (OnnxFormatException e) {
            FuzzSupport.assertCleanMessage(e, file.toString());
        }
        try {
            check(OnnxFile.readTensor(file));
        } catch (OnnxFormatException e) {
            FuzzSupport.assertCleanMessage(e, file.toString());
        }
    }

    private static void check(OnnxModel m) {
        if (m.irVersion() < 1) throw new AssertionError("ir_version " + m.irVersion() + " accepted");
        for (OnnxTensor t : m.graph().initializers().values()) check(t);
        for (List<OnnxValueInfo> list : List.of(m.graph().inputs(), m.graph().outputs(), m.graph().valueInfo())) {
            for (OnnxValueInfo v : list) {
                for (Dim d : v.shape().orElse(List.of())) {
                    if (d instanceof Dim.Value x && x.value() < 0) throw new AssertionError(v.name() + ": negative dim accepted");
                }
            }
        }
        for (OnnxNode n : m.graph().nodes()) {
            if (n.opType().isEmpty()) throw new AssertionError("node without op_type accepted");
            for (OnnxAttribute a : n.attributes().values()) check(n, a);
        }
    }

    /** The getter of the attribute's type must work; a getter of another type must be refused cleanly. */
    private static void check(OnnxNode n, OnnxAttribute a) {
        String name = a.name();
        try {
            switch (a) {
                case OnnxAttribute.FloatAttr f -> expect(f.value(), n.getFloat(name));
                case OnnxAttribute.IntAttr i -> expect(i.value(), n.getInt(name));
                case OnnxAttribute.StringAttr s -> expect(s.value(), n.getString(name));
                case OnnxAttribute.TensorAttr t -> check(n.getTensor(name));
                case OnnxAttribute.FloatsAttr f -> expect(f.values().length, n.getFloats(name).length);
                case OnnxAttribute.IntsAttr i -> expect(i.values().length, n.getInts(name).length);
                case OnnxAttribute.StringsAttr s -> expect(s.values(), n.getStrings(name));
                case OnnxAttribute.Skipped s -> { }
            }
        } catch (OnnxFormatException e) {
            throw new AssertionError("attribute " + name + " of type " + a.type() + " refused by its own getter", e);
        }
        try {
            if (a.type() == AttributeType.INTS) n.getInt(name);
            else n.getInts(name);
            throw new AssertionError("attribute " + name + " of type " + a.type() + " read by a getter of another type");
        } catch (OnnxFormatException e) {
            FuzzSupport.assertCleanMessage(e, n.origin().file().toString());
        }
    }

    private static void expect(Object a, Object b) {
        if (!a.equals(b)) throw new AssertionError(a + " != " + b);
    }

    /** The data has exactly the tensor's size, and reads through its accessor or is refused cleanly. */
    private static void check(OnnxTensor t) {
        long n = t.elementCount();
        if (n < 0) throw new AssertionError(t + ": element count " + n);
        for (long d : t.dims()) {
            if (d < 0) throw new AssertionError(t + ": negative dim accepted");
        }
        long expected = t.dataType() == DataType.STRING ? 0 : t.dataType().rawBytes(n);
        if (t.data().byteSize() != expected) throw new AssertionError(t + ": " + t.data().byteSize() + " data bytes, expected " + expected);
        if (!t.data().isReadOnly()) throw new AssertionError(t + ": data is writable");
        try {
            long read = switch (t.dataType()) {
                case FLOAT, FLOAT16, BFLOAT16 -> t.floats().length;
                case DOUBLE -> t.doubles().length;
                case INT8, INT16, INT32, INT64, UINT8, UINT16, UINT32, UINT64, BOOL -> t.longs().length;
                default -> {
                    t.floats(); // not a float type: must be refused
                    throw new AssertionError(t + ": floats() accepted " + t.dataType());
                }
            };
            if (read != n) throw new AssertionError(t + ": read " + read + " values of " + n);
        } catch (OnnxFormatException e) {
            FuzzSupport.assertCleanMessage(e, t.origin().file().toString());
        }
    }
}
