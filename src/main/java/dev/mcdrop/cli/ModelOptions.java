package dev.mcdrop.cli;

import dev.mcdrop.graph.GraphModel;
import dev.mcdrop.graph.InputTransform;
import dev.mcdrop.io.InputFiles;
import dev.mcdrop.onnx.OnnxModels;
import dev.mcdrop.model.Architecture;
import dev.mcdrop.model.ArchitectureJson;
import dev.mcdrop.model.Presets;
import dev.mcdrop.model.Weights;
import dev.mcdrop.model.WeightsFile;
import java.io.IOException;
import java.nio.file.Path;
import picocli.CommandLine.Option;

/**
 * {@code --model} (bundled name or .safetensors path) and {@code --arch} for plain PyTorch
 * state_dicts; both must be regular files ({@link InputFiles}: a FIFO would block, a device never
 * end), an architecture file at most {@link ArchitectureJson#MAX_FILE_BYTES}.
 */
final class ModelOptions {
    @Option(names = "--model", defaultValue = "lenet-all",
            description = "bundled model name (lenet-all, lenet-ip, lenet-none), a .safetensors file or an .onnx file. Default: ${DEFAULT-VALUE}")
    String model;

    @Option(names = "--input-scale", paramLabel = "S", converter = OptionValues.InputScale.class,
            description = "multiply each pixel value 0-255 by S before --mean/--std (default: the model's; 1 for ONNX without metadata)")
    Double inputScale;

    @Option(names = "--mean", paramLabel = "A,B,C", converter = OptionValues.Means.class,
            description = "subtract one value per input channel after --input-scale (default: the model's; 0)")
    float[] mean;

    @Option(names = "--std", paramLabel = "A,B,C", converter = OptionValues.Stds.class,
            description = "then divide by one positive value per input channel (default: the model's; 1)")
    float[] std;

    @Option(names = "--arch", paramLabel = "PRESET|FILE.json",
            description = "architecture for weights whose metadata has none (e.g. a PyTorch state_dict saved with safetensors)")
    String arch;

    Weights load() throws IOException {
        Path file = Home.model(model);
        InputFiles.requireRegularFile(file, "--model");
        return WeightsFile.load(file, arch == null ? null : architecture(arch));
    }

    /**
     * The network as the engine runs it: an ONNX file, or weights (chain or graph) as their graph,
     * with the pre-processing options applied over the model's own.
     */
    GraphModel loadModel() throws IOException {
        Path file = Home.model(model);
        InputFiles.requireRegularFile(file, "--model");
        if (OnnxModels.isOnnx(file) && arch != null) throw new UsageException("--arch applies to safetensors weights; an ONNX file carries its graph");
        GraphModel m = OnnxModels.isOnnx(file) ? OnnxModels.load(file) : GraphModel.fromChain(WeightsFile.load(file, arch == null ? null : architecture(arch)));
        return withInputOptions(m);
    }

    GraphModel withInputOptions(GraphModel m) {
        if (inputScale == null && mean == null && std == null) return m;
        InputTransform t = m.transform();
        int channels = m.input().channels();
        for (var o : new Object[][]{{"--mean", mean}, {"--std", std}}) {
            float[] v = (float[]) o[1];
            if (v != null && v.length != channels) {
                throw new UsageException(o[0] + " has " + v.length + " value" + (v.length == 1 ? "" : "s") + " but the model's input has "
                        + channels + " channel" + (channels == 1 ? "" : "s"));
            }
        }
        return m.withTransform(new InputTransform(inputScale == null ? t.scale() : inputScale.floatValue(),
                mean == null ? t.mean() : mean, std == null ? t.std() : std));
    }

    /** The files these options read (the weights, an architecture file), for {@link OutputPaths}. */
    java.util.List<OutputPaths.Use> inputs() {
        return OutputPaths.uses(OutputPaths.Use.of("--model", Home.model(model)),
                arch == null || Presets.exists(arch) ? null : OutputPaths.Use.of("--arch", Path.of(arch)));
    }

    static Architecture architecture(String presetOrFile) throws IOException {
        if (Presets.exists(presetOrFile)) return Presets.get(presetOrFile);
        return ArchitectureJson.read(Path.of(presetOrFile), "--arch"); // InputFiles: kind, size, UTF-8, named "--arch"
    }
}
