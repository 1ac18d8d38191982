package dev.mcdrop.cli;

import dev.mcdrop.backend.Backend;
import dev.mcdrop.data.LabeledImages;
import dev.mcdrop.model.Weights;
import dev.mcdrop.predict.Evaluation;
import dev.mcdrop.predict.ImagePrediction;
import dev.mcdrop.predict.McOptions;
import dev.mcdrop.predict.McPredictor;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** {@code mcdrop eval}: test error and NLL, standard dropout against MC dropout, on a labelled IDX set. */
@Command(name = "eval", mixinStandardHelpOptions = true,
        description = "Test error and negative log-likelihood of standard dropout and MC dropout on a labelled IDX image set.")
final class EvalCommand implements Callable<Integer> {
    @Mixin ModelOptions model = new ModelOptions();
    @Mixin BackendOptions backendOptions = new BackendOptions();
    @Mixin RunOptions run = new RunOptions();

    @Option(names = "--data", paramLabel = "IMAGES",
            description = "IDX image file with its labels beside it (default: data/mnist/t10k-images-idx3-ubyte if fetched, else the bundled 1,000-image slice)")
    Path data;

    @Option(names = "--labels", paramLabel = "LABELS", description = "IDX label file (default: found beside --data)")
    Path labels;

    @Option(names = "--json", description = "print the result as one JSON object on stdout")
    boolean json;

    @Option(names = "--model-card", paramLabel = "FILE.md", description = "also write a Markdown model card with the training metadata and this evaluation")
    Path modelCard;

    @Override
    public Integer call() throws Exception {
        Weights weights = model.load();
        Path images = data != null ? data : defaultData();
        LabeledImages set = Inputs.load(images, labels, weights.network().input());
        if (!set.hasLabels()) throw new IllegalArgumentException(images + ": no labels found; give --labels");
        McOptions options = run.options(set.count());
        try (Backend backend = backendOptions.open();
             McPredictor predictor = new McPredictor(backend, weights, options)) {
            Progress progress = new Progress("eval", set.count());
            long start = System.nanoTime();
            ImagePrediction[] ps = predictor.predict(set, progress::update);
            double seconds = (System.nanoTime() - start) / 1e9;
            progress.done();
            Evaluation e = Evaluation.of(ps, set::label);
            String name = weights.network().architecture().name();
            if (json) {
                System.out.printf(Locale.ROOT,
                        "{\"model\":\"%s\",\"data\":\"%s\",\"images\":%d,\"samples\":%d,\"seed\":%d,\"standard_error_percent\":%.4f,\"mc_error_percent\":%.4f,\"standard_nll\":%.6f,\"mc_nll\":%.6f,\"backend\":\"%s\",\"seconds\":%.3f}%n",
                        name, images, e.images(), options.samples(), options.seed(), e.standardErrorPercent(), e.mcErrorPercent(),
                        e.standardNll(), e.mcNll(), backend.name(), seconds);
            } else {
                System.out.printf(Locale.ROOT, "%s on %s (%d images), T=%d, seed %d, backend %s, %.1f s%n", name, images,
                        e.images(), options.samples(), options.seed(), backend.name(), seconds);
                System.out.printf(Locale.ROOT, "  standard dropout: error %.2f%% (%d), NLL %.4f%n", e.standardErrorPercent(), e.standardErrors(), e.standardNll());
                System.out.printf(Locale.ROOT, "  MC dropout T=%-3d: error %.2f%% (%d), NLL %.4f%n", options.samples(), e.mcErrorPercent(), e.mcErrors(), e.mcNll());
            }
            if (modelCard != null) {
                ModelCard.write(modelCard, weights, Home.model(model.model), images, e, options, backend.describe(), seconds);
                System.err.println("mcdrop: wrote " + modelCard);
            }
        }
        return 0;
    }

    static Path defaultData() {
        Path full = Home.resolve("data/mnist/t10k-images-idx3-ubyte");
        if (Files.exists(full)) return full;
        System.err.println("mcdrop: full MNIST test set not found (run scripts/fetch-mnist.sh); using the bundled 1,000-image slice");
        return Home.bundledMnistImages();
    }
}
