package dev.mcdrop.cli;

import dev.mcdrop.model.Architecture;
import dev.mcdrop.model.Presets;
import dev.mcdrop.model.Weights;
import dev.mcdrop.model.WeightsFile;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** {@code mcdrop info}: a model's layers, shapes, parameter count and metadata; or a preset's. */
@Command(name = "info", mixinStandardHelpOptions = true, description = "Show a model's (or preset's) layers, shapes, parameters and metadata.")
final class InfoCommand implements Callable<Integer> {
    @Mixin ModelOptions model = new ModelOptions();

    @Option(names = "--preset", description = "show a preset architecture instead: ${COMPLETION-CANDIDATES}", completionCandidates = PresetNames.class)
    String preset;

    @Override
    public Integer call() throws Exception {
        if (preset != null) {
            Architecture a = Presets.get(preset);
            System.out.println(a.compile().summary());
            return 0;
        }
        Weights w = model.load();
        System.out.println(w.network().summary());
        w.metadata().forEach((k, v) -> {
            if (!k.equals(WeightsFile.ARCHITECTURE_KEY)) System.out.println("  " + k + ": " + v);
        });
        return 0;
    }

    static final class PresetNames implements Iterable<String> {
        @Override public java.util.Iterator<String> iterator() { return Presets.names().iterator(); }
    }
}
