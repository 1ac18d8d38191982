package dev.mcdrop.cli;

import dev.mcdrop.backend.Backend;
import dev.mcdrop.data.LabeledImages;
import dev.mcdrop.graph.GraphModel;
import dev.mcdrop.predict.Evaluation;
import dev.mcdrop.predict.ImagePrediction;
import dev.mcdrop.predict.McOptions;
import dev.mcdrop.predict.McPredictor;
import java.io.PrintStream;
import java.util.Locale;

/** The closing lines of predict: what ran, how fast, and the error rates when labels are known. */
final class Summary {
    private Summary() {}

    static void print(PrintStream err, GraphModel model, Backend backend, McOptions options, McPredictor predictor,
                      LabeledImages images, ImagePrediction[] ps, double seconds) {
        long passes = (long) images.count() * options.samples();
        err.printf(Locale.ROOT, "mcdrop: %s on %s: %d images x T=%d = %d stochastic passes in %.2f s (%.0f passes/s; batch %d, chunk %d columns, %.0f MiB workspace)%n",
                dev.mcdrop.io.Names.display(model.name(), dev.mcdrop.io.Names.MAX_NAME), backend.name(), images.count(), options.samples(), passes, seconds,
                passes / seconds, predictor.batchImages(), predictor.chunkColumns(), predictor.workspaceBytes() / (double) (1 << 20));
        if (images.hasLabels()) {
            Evaluation e = Evaluation.of(ps, images::label);
            err.printf(Locale.ROOT, "mcdrop: test error MC %.2f%% (%d/%d), standard dropout %.2f%% (%d/%d); NLL MC %.4f, standard %.4f%n",
                    e.mcErrorPercent(), e.mcErrors(), e.images(), e.standardErrorPercent(), e.standardErrors(), e.images(),
                    e.mcNll(), e.standardNll());
        }
    }
}
