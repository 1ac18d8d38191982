package dev.mcdrop.cli;

import dev.mcdrop.io.Names;
import dev.mcdrop.model.Architecture;
import dev.mcdrop.model.ArchitectureJson;
import dev.mcdrop.model.Presets;
import dev.mcdrop.cpu.CpuBackend;
import dev.mcdrop.graph.GraphJson;
import dev.mcdrop.graph.GraphModel;
import dev.mcdrop.graph.McPartition;
import dev.mcdrop.model.Weights;
import dev.mcdrop.onnx.OnnxModels;
import dev.mcdrop.predict.McPredictor;
import dev.mcdrop.model.WeightsFile;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/**
 * {@code mcdrop info}: a model's layers (each dropout with its rate), shapes, parameter count and
 * metadata; or a preset's, or an architecture file's. {@code --json} prints the architecture as
 * the JSON that {@code --arch} accepts, so a preset or a bundled model's network is a starting
 * point for one's own (docs/MODEL-FORMAT.md). Names and metadata from the file are shown escaped
 * and shortened ({@link Names}): one line each, whatever the file holds.
 */
@Command(name = "info", mixinStandardHelpOptions = true,
        description = {"Show a model's (or preset's, or architecture file's) layers, shapes, parameters and metadata.",
                "With --arch and no --model: the architecture alone, no weights needed."})
final class InfoCommand implements Callable<Integer> {
    /** Metadata entries listed at most; a file's metadata is anything its author wrote. */
    static final int MAX_METADATA_SHOWN = 100;
    /** Characters of one metadata value shown at most (head…tail beyond). */
    static final int MAX_VALUE_CHARS = 500;

    @Mixin ModelOptions model = new ModelOptions();

    @Option(names = "--preset", converter = OptionValues.Preset.class, description = "show a preset architecture instead: ${COMPLETION-CANDIDATES}", completionCandidates = PresetNames.class)
    String preset;

    @Option(names = "--json", description = "print only the architecture: a chain model's as the JSON that --arch FILE.json accepts, a graph model's as its mcdrop-graph JSON (what a graph safetensors file carries; docs/MODEL-FORMAT.md)")
    boolean json;

    @Spec CommandSpec spec;

    @Override
    public Integer call() throws Exception {
        boolean modelGiven = spec.commandLine().getParseResult().hasMatchedOption("--model");
        if (preset != null && (modelGiven || model.arch != null)) {
            throw new ParameterException(spec.commandLine(), "--preset shows a preset alone; drop --model and --arch");
        }
        if (preset != null || (model.arch != null && !modelGiven)) {
            Architecture a = preset != null ? Presets.get(preset) : ModelOptions.architecture(model.arch);
            String summary = a.compile().summary(); // checks that the shapes chain, for --json too
            System.out.print(json ? ArchitectureJson.toJson(a) : summary + "\n");
            return 0;
        }
        GraphModel net = model.loadModel();
        boolean chain = net.metadata().containsKey(WeightsFile.ARCHITECTURE_KEY) && model.dropout == null; // a chain file, as saved
        if (json) {
            System.out.print(chain ? ArchitectureJson.toJson(model.loadChain().network().architecture()) : GraphJson.toJson(net));
            return 0;
        }
        System.out.println(chain ? model.loadChain().network().summary() : net.graph().summary());
        printMetadata(net.metadata());
        printEngine(net);
        return 0;
    }

    private static void printMetadata(java.util.Map<String, String> metadata) {
        int shown = 0, entries = 0;
        for (var e : metadata.entrySet()) {
            if (e.getKey().equals(WeightsFile.ARCHITECTURE_KEY)) continue;
            if (shown++ < MAX_METADATA_SHOWN) {
                System.out.println("  " + Names.display(e.getKey(), Names.MAX_NAME) + ": " + Names.display(e.getValue(), MAX_VALUE_CHARS));
            }
            entries++;
        }
        if (entries > MAX_METADATA_SHOWN) {
            System.out.printf(java.util.Locale.ROOT, "  … and %,d more metadata entries%n", entries - MAX_METADATA_SHOWN);
        }
    }

    /** What the engine will do with the model: the input's pre-processing, which nodes run once, and the compiled plan. */
    private static void printEngine(GraphModel net) {
        System.out.println("input: " + net.transform().describe());
        System.out.println("nodes (names for --dropout): " + Names.list(net.graph().nodes().stream().map(n -> n.name()).toList(), 64));
        System.out.println("MC dropout: " + McPartition.of(net.graph()).describe());
        try (CpuBackend cpu = new CpuBackend(1)) {
            System.out.print("plan (cpu):\n" + McPredictor.describePlan(cpu, net));
        }
    }

    static final class PresetNames implements Iterable<String> {
        @Override public java.util.Iterator<String> iterator() { return Presets.names().iterator(); }
    }
}
