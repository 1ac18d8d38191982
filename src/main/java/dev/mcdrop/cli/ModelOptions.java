package dev.mcdrop.cli;

import dev.mcdrop.io.InputFiles;
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
            description = "bundled model name (lenet-all, lenet-ip, lenet-none) or a .safetensors file. Default: ${DEFAULT-VALUE}")
    String model;

    @Option(names = "--arch", paramLabel = "PRESET|FILE.json",
            description = "architecture for weights whose metadata has none (e.g. a PyTorch state_dict saved with safetensors)")
    String arch;

    Weights load() throws IOException {
        Path file = Home.model(model);
        InputFiles.requireRegularFile(file, "--model");
        return WeightsFile.load(file, arch == null ? null : architecture(arch));
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
