package dev.mcdrop.cli;

import dev.mcdrop.io.AtomicFile;
import dev.mcdrop.graph.GraphModel;
import dev.mcdrop.predict.Evaluation;
import dev.mcdrop.predict.McOptions;
import java.io.IOException;
import java.nio.file.Path;
import java.util.Locale;
import java.util.Map;

/**
 * A Markdown card for a weights file: architecture, how it was trained (from its metadata), how it
 * scores; written through {@link AtomicFile}, so a failed write leaves an earlier card as it was.
 */
final class ModelCard {
    private ModelCard() {}

    static void write(Path card, GraphModel w, Path weightsFile, Path data, Evaluation e, McOptions o, String backend,
                      double seconds) throws IOException {
        Map<String, String> m = w.metadata();
        StringBuilder sb = new StringBuilder();
        sb.append("# ").append(dev.mcdrop.io.Names.display(w.name(), dev.mcdrop.io.Names.MAX_NAME)).append("\n\n");
        sb.append("Weights: `").append(weightsFile.getFileName()).append(dev.mcdrop.onnx.OnnxModels.isOnnx(weightsFile) ? "` (ONNX).\n\n"
                : "` (safetensors, architecture in `__metadata__`).\n\n");
        sb.append("Input: ").append(w.transform().describe()).append(".\n\n");
        sb.append("```\n").append(w.graph().summary()).append("\n```\n\n");
        sb.append("## Training\n\n| field | value |\n|---|---|\n");
        for (var entry : m.entrySet()) {
            if (entry.getKey().startsWith("train.")) {
                sb.append("| ").append(entry.getKey().substring(6)).append(" | `").append(entry.getValue().replace("|", "\\|")).append("` |\n");
            }
        }
        sb.append("\n## Evaluation\n\n");
        sb.append(String.format(Locale.ROOT, "Data: `%s` (%d images). MC dropout: T = %d, seed %d, %s mask keys. Backend: %s. Took %.1f s.%n%n",
                data, e.images(), o.samples(), o.seed(), o.maskKey().option(), backend, seconds));
        sb.append("| prediction | test error | errors | NLL |\n|---|---|---|---|\n");
        sb.append(String.format(Locale.ROOT, "| standard dropout | %.2f%% | %d | %.4f |%n", e.standardErrorPercent(), e.standardErrors(), e.standardNll()));
        sb.append(String.format(Locale.ROOT, "| MC dropout, T=%d | %.2f%% | %d | %.4f |%n", o.samples(), e.mcErrorPercent(), e.mcErrors(), e.mcNll()));
        sb.append(String.format(Locale.ROOT, "%nCommand: `./mcdrop eval --model %s --input %s --samples %d --seed %d --mask-key %s --model-card %s`%n",
                weightsFile, data, o.samples(), o.seed(), o.maskKey().option(), card));
        AtomicFile.writeString(card, sb.toString());
    }
}
