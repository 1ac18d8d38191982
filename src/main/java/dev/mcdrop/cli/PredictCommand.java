package dev.mcdrop.cli;

import dev.mcdrop.backend.Backend;
import dev.mcdrop.data.LabeledImages;
import dev.mcdrop.model.Shape;
import dev.mcdrop.model.Weights;
import dev.mcdrop.predict.ImagePrediction;
import dev.mcdrop.predict.McOptions;
import dev.mcdrop.predict.McPredictor;
import dev.mcdrop.predict.NpySamples;
import java.io.OutputStreamWriter;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** {@code mcdrop predict}: MC-dropout predictions with uncertainty, one record per image. */
@Command(name = "predict", mixinStandardHelpOptions = true, header = "Predict classes with MC-dropout uncertainty.",
        description = {"Predict with MC dropout: mean class probabilities over T stochastic passes, predictive entropy,",
                "mutual information (BALD), variation ratio and the std of the predicted class's probability,",
                "beside the standard-dropout prediction. Defaults: bundled lenet-all, bundled 1,000 MNIST test images, T=100."})
final class PredictCommand implements Callable<Integer> {
    @Mixin ModelOptions model = new ModelOptions();
    @Mixin BackendOptions backendOptions = new BackendOptions();
    @Mixin RunOptions run = new RunOptions();

    @Option(names = "--input", paramLabel = "PATH",
            description = "IDX image file (.gz or raw; labels beside it are used if present), a CIFAR-10 .bin batch, a PNG/JPEG file, or a directory of them (gray for 1-channel networks, RGB for 3-channel ones). Default: bundled MNIST test slice")
    Path input;

    @Option(names = "--labels", paramLabel = "PATH", description = "IDX label file for --input")
    Path labels;

    @Option(names = "--format", defaultValue = "jsonl", description = "jsonl or csv. Default: ${DEFAULT-VALUE}")
    String format;

    @Option(names = "--out", paramLabel = "FILE", description = "write here instead of stdout")
    Path out;

    @Option(names = "--samples-out", paramLabel = "FILE.npy",
            description = "also write every pass's class probabilities: NumPy float32, shape (T, images, classes)")
    Path samplesOut;

    @Override
    public Integer call() throws Exception {
        if (!format.equals("jsonl") && !format.equals("csv")) {
            throw new IllegalArgumentException("unknown --format '" + format + "' (jsonl, csv)");
        }
        Weights weights = model.load();
        Shape shape = weights.network().input();
        LabeledImages images = Inputs.load(input != null ? input : Home.bundledMnistImages(),
                input != null ? labels : Home.bundledMnistLabels(), shape);
        McOptions options = run.options(images.count());
        try (Backend backend = backendOptions.open();
             McPredictor predictor = new McPredictor(backend, weights, options)) {
            Progress progress = new Progress("predict", images.count());
            long start = System.nanoTime();
            ImagePrediction[] ps;
            if (samplesOut == null) {
                ps = predictor.predict(images, progress::update);
            } else {
                int classes = weights.network().classes();
                System.err.printf(java.util.Locale.ROOT, "mcdrop: writing %d samples x %d images x %d classes (%.1f MB) to %s%n",
                        options.samples(), images.count(), classes, 4.0 * options.samples() * images.count() * classes / 1e6,
                        samplesOut);
                try (NpySamples sink = NpySamples.create(samplesOut, options.samples(), images.count(), classes)) {
                    ps = predictor.predict(images, progress::update, sink);
                }
            }
            double seconds = (System.nanoTime() - start) / 1e9;
            progress.done();
            try (PrintWriter w = out == null
                    ? new PrintWriter(new OutputStreamWriter(System.out, StandardCharsets.UTF_8), false)
                    : new PrintWriter(Files.newBufferedWriter(out, StandardCharsets.UTF_8))) {
                PredictionWriter.write(format, w, images, input != null ? Inputs.pictureNames(input) : null, ps);
            }
            Summary.print(System.err, weights, backend, options, predictor, images, ps, seconds);
        }
        return 0;
    }
}
