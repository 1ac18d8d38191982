package dev.mcdrop.cli;

import dev.mcdrop.graph.GraphEdits;
import dev.mcdrop.graph.GraphModel;
import dev.mcdrop.graph.GraphModels;
import dev.mcdrop.graph.GraphPresets;
import dev.mcdrop.graph.InputTransform;
import dev.mcdrop.io.InputFiles;
import dev.mcdrop.io.Names;
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
    /** The seed of a graph preset's random weights (so two runs, and bench against peers, see the same network). */
    static final long RANDOM_WEIGHTS_SEED = 1;

    @Option(names = "--model", defaultValue = "lenet-all",
            description = "bundled model name (lenet-all, lenet-ip, lenet-none), a graph preset with random weights (cifar-nin, cifar-resnet20-mc), "
                    + "a .safetensors file or an .onnx file. Default: ${DEFAULT-VALUE}")
    String model;

    @Option(names = "--dropout", paramLabel = "NODE[:P],...",
            description = "insert MC dropout (rate P, default 0.5) after each named node, for models exported without their dropout; "
                    + "info lists the node names")
    String dropout;

    @Option(names = "--input-scale", paramLabel = "S", converter = OptionValues.InputScale.class,
            description = "multiply each pixel value 0-255 by S before --mean/--std (default: the model's; 1 for ONNX without metadata)")
    Double inputScale;

    @Option(names = "--mean", paramLabel = "A,B,C", converter = OptionValues.Means.class,
            description = "subtract one value per input channel after --input-scale (default: the model's; 0)")
    OptionValues.PerChannel mean;

    @Option(names = "--std", paramLabel = "A,B,C", converter = OptionValues.Stds.class,
            description = "then divide by one positive value per input channel (default: the model's; 1)")
    OptionValues.PerChannel std;

    @Option(names = "--arch", paramLabel = "PRESET|FILE.json",
            description = "architecture for weights whose metadata has none (e.g. a PyTorch state_dict saved with safetensors)")
    String arch;

    /** The chain network of a weights file, for the commands that run chain networks only (the experiments, train). */
    Weights load() throws IOException {
        if (dropout != null || inputScale != null || mean != null || std != null) {
            throw new UsageException("--dropout, --input-scale, --mean and --std apply to predict, eval, bench and info");
        }
        return loadChain();
    }

    /** {@link #load} without the check of the graph-only options ({@code info} shows a chain file's layers beside its graph). */
    Weights loadChain() throws IOException {
        Path file = Home.model(model);
        if (OnnxModels.isOnnx(file) && !java.nio.file.Files.isRegularFile(file)) InputFiles.requireRegularFile(file, "--model");
        if (OnnxModels.isOnnx(file) || (GraphPresets.exists(model) && !java.nio.file.Files.exists(file))) {
            throw new UsageException("this command runs chain networks (safetensors with a chain architecture); "
                    + Names.quote(model) + " is a graph: predict, eval, bench and info run it");
        }
        InputFiles.requireRegularFile(file, "--model");
        return WeightsFile.load(file, arch == null ? null : architecture(arch));
    }

    /**
     * The network as the engine runs it: an ONNX file, or weights (chain or graph) as their graph,
     * with the pre-processing options applied over the model's own.
     */
    GraphModel loadModel() throws IOException {
        Path file = Home.model(model);
        GraphModel m;
        if (GraphPresets.exists(model) && !java.nio.file.Files.exists(file)) {
            if (arch != null) throw new UsageException("--arch applies to weights files; " + model + " is a graph preset");
            m = GraphPresets.random(model, RANDOM_WEIGHTS_SEED);
            StderrLog.HELD.log(System.Logger.Level.INFO, model + ": a graph preset with random weights (seed " + RANDOM_WEIGHTS_SEED
                    + "), for speed and shape checks; give --model FILE for trained weights"); // said once the run starts, not before a refusal
        } else {
            InputFiles.requireRegularFile(file, "--model");
            if (OnnxModels.isOnnx(file) && arch != null) throw new UsageException("--arch applies to safetensors weights; an ONNX file carries its graph");
            m = OnnxModels.isOnnx(file) ? OnnxModels.load(file) : GraphModels.load(file, arch == null ? null : architecture(arch));
        }
        if (dropout != null) {
            try {
                m = m.withGraph(GraphEdits.insertDropout(m.graph(), dropout));
            } catch (dev.mcdrop.graph.GraphException e) { // the option's value names no node, or a wrong rate: a usage error
                throw new UsageException(e.getMessage());
            }
        }
        return withInputOptions(m);
    }

    GraphModel withInputOptions(GraphModel m) {
        if (inputScale == null && mean == null && std == null) return m;
        InputTransform t = m.transform();
        int channels = m.input().channels();
        return m.withTransform(new InputTransform(inputScale == null ? t.scale() : inputScale.floatValue(),
                mean == null ? t.mean() : perChannel("--mean", mean, channels), std == null ? t.std() : perChannel("--std", std, channels)));
    }

    /** An option's per-channel values, refused unless there is one per input channel. */
    private static float[] perChannel(String option, OptionValues.PerChannel given, int channels) {
        float[] v = given.values();
        if (v.length != channels) {
            throw new UsageException(option + " has " + v.length + " value" + (v.length == 1 ? "" : "s") + " but the model's input has "
                    + channels + " channel" + (channels == 1 ? "" : "s"));
        }
        return v;
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
