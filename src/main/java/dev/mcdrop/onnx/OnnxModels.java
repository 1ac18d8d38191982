package dev.mcdrop.onnx;

import dev.mcdrop.graph.GraphModel;
import dev.mcdrop.graph.InputTransform;
import dev.mcdrop.io.Names;
import java.nio.file.Path;
import java.util.Locale;
import java.util.Map;

/**
 * An ONNX file as a {@link GraphModel}: read ({@link OnnxFile}), imported ({@link OnnxImport}),
 * and its input's pre-processing taken from the model's {@code metadata_props}: keys
 * {@value #INPUT_SCALE} (a positive number), {@value #MEAN} and {@value #STD} (comma-separated,
 * one value per input channel, std positive). Without them the input receives the raw pixel values
 * 0–255 (docs/ONNX.md, "Pre-processing"); the CLI's {@code --input-scale}, {@code --mean},
 * {@code --std} override them.
 */
public final class OnnxModels {
    public static final String INPUT_SCALE = "mcdrop.input_scale";
    public static final String MEAN = "mcdrop.mean";
    public static final String STD = "mcdrop.std";

    private OnnxModels() {}

    public static GraphModel load(Path file) throws OnnxFormatException {
        OnnxModel model = OnnxFile.read(file);
        var graph = OnnxImport.fromOnnx(model);
        InputTransform transform = transform(file, model.metadata(), graph.input().shape().channels());
        String name = file.getFileName() == null ? "onnx" : file.getFileName().toString().replaceFirst("(?i)\\.onnx$", "");
        try {
            return new GraphModel(name, graph, transform, model.metadata());
        } catch (IllegalArgumentException e) { // GraphException too
            throw new OnnxFormatException(Names.display(file.toString(), Names.MAX_NAME) + ": " + e.getMessage());
        }
    }

    /** The pre-processing the metadata asks for; RAW when it says nothing. */
    static InputTransform transform(Path file, Map<String, String> metadata, int channels) throws OnnxFormatException {
        float scale = 1f;
        float[] mean = new float[0], std = new float[0];
        if (metadata.containsKey(INPUT_SCALE)) scale = numbers(file, INPUT_SCALE, metadata.get(INPUT_SCALE), 1)[0];
        if (metadata.containsKey(MEAN)) mean = numbers(file, MEAN, metadata.get(MEAN), channels);
        if (metadata.containsKey(STD)) std = numbers(file, STD, metadata.get(STD), channels);
        try {
            return new InputTransform(scale, mean, std);
        } catch (IllegalArgumentException e) {
            throw new OnnxFormatException(Names.display(file.toString(), Names.MAX_NAME) + ": metadata_props: " + e.getMessage());
        }
    }

    private static float[] numbers(Path file, String key, String text, int count) throws OnnxFormatException {
        String[] parts = text.split(",", -1);
        String where = Names.display(file.toString(), Names.MAX_NAME) + ": metadata_props " + key;
        if (parts.length != count) {
            throw new OnnxFormatException(where + " has " + parts.length + " value" + (parts.length == 1 ? "" : "s") + " ("
                    + Names.display(text, 80) + "); the input needs " + count);
        }
        float[] v = new float[count];
        for (int i = 0; i < count; i++) {
            try {
                v[i] = Float.parseFloat(parts[i].strip());
            } catch (NumberFormatException e) {
                throw new OnnxFormatException(where + ": " + Names.quote(parts[i].strip()) + " is not a number");
            }
            if (!Float.isFinite(v[i])) throw new OnnxFormatException(where + ": " + parts[i].strip() + " is not a finite number");
        }
        return v;
    }

    /** Whether a --model value names an ONNX file (by its extension). */
    public static boolean isOnnx(Path file) {
        Path name = file.getFileName();
        return name != null && name.toString().toLowerCase(Locale.ROOT).endsWith(".onnx");
    }
}
