package dev.mcdrop.onnx;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * The consistency check of an ONNX backend test case (a directory with model.onnx and
 * test_data_set_N/{input,output}_K.pb), used on the installed libonnx-testdata and on the bundled
 * cases. The .pb files were written by ONNX's own tools independently of the model's declared
 * types, so agreement is evidence that both were read right:
 * <ul>
 *   <li>input_K.pb belongs to the K-th input that is not an initializer, output_K.pb to the K-th
 *       output; a K with no such declaration is a failure;</li>
 *   <li>for a declared tensor: the .pb reads as a TensorProto, its element type is the declared
 *       one, its rank the declared rank, each numeric dimension equal, each symbolic dimension
 *       (dim_param) the same size wherever the name recurs in the data set; a named tensor has
 *       the declared value's name; its values read through the typed accessor of its type with
 *       exactly elementCount() values;</li>
 *   <li>a declared sequence, optional or map is stored as a SequenceProto etc., not a tensor:
 *       counted as skipped, not read.</li>
 * </ul>
 */
final class DataSetCheck {
    private DataSetCheck() {}

    /**
     * A disagreement that is in ONNX's test data itself, not in the reading: accepted when the
     * .pb path contains {@code pathPart} and the disagreement contains {@code problemPart}.
     */
    record Quirk(String pathPart, String problemPart, String reason) { }

    /** The known quirks of ONNX 1.12's test data (each seen, and explained, on the installed suite). */
    static final List<Quirk> ONNX_1_12_QUIRKS = List.of(
            new Quirk("BFLOAT16", "type UINT16, declared BFLOAT16",
                    "bfloat16 test tensors are stored as UINT16 bit patterns (numpy has no bfloat16)"),
            new Quirk("/test_castlike_", "dims [1], declared rank 2",
                    "CastLike's 'like' input is stored as a 1-element tensor: only its type matters"));

    /** Counts over the cases checked, and the failures (one line each). */
    static final class Tally {
        int cases, dataSets, tensors, staticShapes, symbolicDims, skippedNonTensor;
        final List<String> failures = new ArrayList<>();
        final Map<String, Integer> quirks = new java.util.TreeMap<>();

        @Override
        public String toString() {
            return cases + " cases, " + dataSets + " data sets, " + tensors + " tensors checked (" + staticShapes
                    + " against fully static shapes, " + symbolicDims + " symbolic dims bound), " + skippedNonTensor
                    + " non-tensor values (sequence/optional/map) skipped, known test-data quirks " + quirks;
        }

        void fail(Path pb, String problem) {
            for (Quirk q : ONNX_1_12_QUIRKS) {
                if (pb.toString().contains(q.pathPart()) && problem.contains(q.problemPart())) {
                    quirks.merge(q.reason(), 1, Integer::sum);
                    return;
                }
            }
            failures.add(pb + ": " + problem);
        }
    }

    private static final Pattern PB = Pattern.compile("(input|output)_(\\d+)\\.pb");

    /** Checks the case in {@code dir} into {@code tally}; the model must read (else a failure). */
    static void check(Path dir, Tally tally) throws IOException {
        tally.cases++;
        OnnxModel model;
        try {
            model = OnnxFile.read(dir.resolve("model.onnx"));
        } catch (OnnxFormatException e) {
            tally.failures.add(e.getMessage());
            return;
        }
        List<OnnxValueInfo> inputs = model.graph().runtimeInputs();
        List<OnnxValueInfo> outputs = model.graph().outputs();
        List<Path> sets;
        try (Stream<Path> s = Files.list(dir)) {
            sets = s.filter(p -> p.getFileName().toString().startsWith("test_data_set_")).sorted().toList();
        }
        for (Path set : sets) {
            tally.dataSets++;
            Map<String, Long> bound = new HashMap<>(); // dim_param -> size, within one data set
            List<Path> files;
            try (Stream<Path> s = Files.list(set)) {
                files = s.sorted(Comparator.comparing(Path::toString)).toList();
            }
            for (Path pb : files) {
                Matcher m = PB.matcher(pb.getFileName().toString());
                if (!m.matches()) continue;
                List<OnnxValueInfo> declared = m.group(1).equals("input") ? inputs : outputs;
                int k = Integer.parseInt(m.group(2));
                if (k >= declared.size()) {
                    tally.failures.add(pb + ": no " + m.group(1) + " " + k + " declared (" + declared.size() + ")");
                    continue;
                }
                OnnxValueInfo v = declared.get(k);
                if (v.kind() != OnnxValueInfo.Kind.TENSOR) {
                    tally.skippedNonTensor++;
                    continue;
                }
                String problem = agree(pb, v, bound, tally);
                if (problem != null) tally.fail(pb, problem);
            }
        }
    }

    private static String agree(Path pb, OnnxValueInfo v, Map<String, Long> bound, Tally tally) {
        OnnxTensor t;
        try {
            t = OnnxFile.readTensor(pb);
        } catch (OnnxFormatException e) {
            return "does not read: " + e.getMessage();
        }
        tally.tensors++;
        if (!t.name().isEmpty() && !t.name().equals(v.name())) return "tensor named '" + t.name() + "', declared '" + v.name() + "'";
        if (v.elemType() != DataType.UNDEFINED && t.dataType() != v.elemType()) return "type " + t.dataType() + ", declared " + v.elemType();
        if (v.shape().isPresent()) {
            List<Dim> shape = v.shape().get();
            if (shape.size() != t.rank()) return "dims " + Arrays.toString(t.dims()) + ", declared rank " + shape.size();
            for (int i = 0; i < shape.size(); i++) {
                switch (shape.get(i)) {
                    case Dim.Value d -> {
                        if (d.value() != t.dim(i)) return "dims " + Arrays.toString(t.dims()) + ", declared " + shape;
                    }
                    case Dim.Param p -> {
                        Long before = bound.putIfAbsent(p.name(), t.dim(i));
                        if (before != null && before != t.dim(i)) return "dim_param '" + p.name() + "' = " + t.dim(i) + " here, " + before + " elsewhere";
                        tally.symbolicDims++;
                    }
                    case Dim.Unknown u -> { }
                }
            }
            if (v.hasStaticShape()) tally.staticShapes++;
        }
        try {
            long n = switch (t.dataType()) {
                case FLOAT, FLOAT16, BFLOAT16 -> t.floats().length;
                case DOUBLE -> t.doubles().length;
                case INT8, INT16, INT32, INT64, UINT8, UINT16, UINT32, BOOL -> t.longs().length;
                case UINT64 -> {
                    try {
                        yield t.longs().length;
                    } catch (OnnxFormatException e) { // values beyond 2^63 - 1 are refused by design
                        yield t.data().byteSize() / 8;
                    }
                }
                default -> t.data().byteSize() == t.dataType().rawBytes(t.elementCount()) ? t.elementCount() : -1;
            };
            if (t.dataType() != DataType.STRING && n != t.elementCount()) return n + " values read for " + t.elementCount() + " elements";
        } catch (OnnxFormatException e) {
            return "values do not read: " + e.getMessage();
        }
        return null;
    }
}
