package dev.mcdrop.cli;

import dev.mcdrop.backend.Backend;
import dev.mcdrop.data.LabeledImages;
import dev.mcdrop.io.AtomicFile;
import dev.mcdrop.model.Shape;
import dev.mcdrop.graph.GraphModel;
import dev.mcdrop.predict.ImagePrediction;
import dev.mcdrop.predict.McListener;
import dev.mcdrop.predict.McOptions;
import dev.mcdrop.predict.McPredictor;
import dev.mcdrop.predict.NpySamples;
import java.io.BufferedWriter;
import java.io.IOException;
import java.io.OutputStream;
import java.io.OutputStreamWriter;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code mcdrop predict}: MC-dropout predictions with uncertainty, one record per image, streamed:
 * each batch's records are written and flushed as soon as it is done (the first batches are small,
 * so the first lines come within a second or two), while a progress line counts passes on stderr.
 * {@code --out FILE} is written to a temporary file and renamed into place only when the run
 * succeeds.
 */
@Command(name = "predict", mixinStandardHelpOptions = true, header = "Predict classes with MC-dropout uncertainty.",
        description = "Predict with MC dropout: mean class probabilities over T stochastic passes, predictive entropy, "
                + "mutual information (BALD), variation ratio and the std of the predicted class's probability, "
                + "beside the standard-dropout prediction, one record per image, written as each batch is done. "
                + "Defaults: bundled lenet-all, bundled 1,000 MNIST test images, T=100.")
final class PredictCommand implements Callable<Integer> {
    @Spec CommandSpec spec;
    @Mixin ModelOptions model = new ModelOptions();
    @Mixin BackendOptions backendOptions = new BackendOptions();
    @Mixin RunOptions run = new RunOptions();

    @Option(names = "--input", paramLabel = "PATH",
            description = "IDX image file (.gz or raw; labels beside it are used if present), a CIFAR-10 .bin batch, a PNG/JPEG file, or a directory of them (gray for 1-channel networks, RGB for 3-channel ones). Default: bundled MNIST test slice")
    Path input;

    @Option(names = "--labels", paramLabel = "PATH", description = "IDX label file for --input")
    Path labels;

    @Option(names = "--format", defaultValue = "jsonl", converter = OptionValues.Format.class, description = "jsonl or csv. Default: ${DEFAULT-VALUE}")
    String format;

    @Option(names = "--out", paramLabel = "FILE", converter = OptionValues.OutputFile.class, description = "write here instead of stdout (replaced only when the run succeeds)")
    Path out;

    @Option(names = "--samples-out", paramLabel = "FILE.npy", converter = OptionValues.OutputFile.class,
            description = "also write every pass's class probabilities: NumPy float32, shape (T, images, classes)")
    Path samplesOut;

    @Override
    public Integer call() throws Exception {
        List<OutputPaths.Use> reads = new java.util.ArrayList<>(model.inputs());
        reads.addAll(input != null ? Inputs.uses("--input", input, labels) : Inputs.uses("the default --input", Home.bundledMnistImages(), null));
        OutputPaths.check(spec, OutputPaths.uses(OutputPaths.Use.of("--out", out), OutputPaths.Use.of("--samples-out", samplesOut)), reads);
        GraphModel net = model.loadModel();
        Shape shape = net.input();
        Path imagesPath = input != null ? input : Home.bundledMnistImages();
        Path labelsPath = input != null ? labels : Home.bundledMnistLabels();
        LabeledImages images = Inputs.load(imagesPath, labelsPath, shape);
        LabelCheck.check(images, imagesPath, labelsPath, net);
        List<String> files = images.fileNames(); // picture inputs: each image's name, from the one listing
        McOptions options = run.options(images.count());
        int classes = net.classes();
        try (Backend backend = backendOptions.open();
             McPredictor predictor = new McPredictor(backend, net, options);
             AtomicFile file = out == null ? null : AtomicFile.create(out);
             // replaced only by commit() once the whole run, --out included, succeeded; closing discards
             NpySamples sink = samplesOut == null ? null : NpySamples.create(samplesOut, options.samples(), images.count(), classes)) {
            Stdout.Recording fileStream = file == null ? null : new Stdout.Recording(file.stream()); // keeps why a write failed
            OutputStream stream = file == null ? System.out : fileStream;
            PrintWriter w = new PrintWriter(new BufferedWriter(new OutputStreamWriter(stream, StandardCharsets.UTF_8), 1 << 16), false);
            PredictionWriter writer = new PredictionWriter(format, w, images, files, out == null ? "stdout" : out.toString());
            Progress progress = new Progress("predict", (long) images.count() * options.samples(), "passes");
            McListener listener = new McListener() {
                @Override public void passes(long done, long total) { progress.update(done); }

                @Override public void predicted(int first, ImagePrediction[] batch) {
                    if (file == null) progress.clear(); // stdout may share the terminal with the progress line
                    try {
                        writer.write(first, batch);
                        if (file == null) requireStdoutWritten();
                    } catch (IOException e) {
                        // AtomicFile's failure names --out and the reason: "cannot write out.jsonl: No space left on device"
                        String why = fileStream != null ? fileStream.reason() : null;
                        throw new UncheckedIOException(why != null ? why : e.getMessage(), e);
                    }
                }
            };
            long start = System.nanoTime();
            ImagePrediction[] ps;
            if (sink != null) {
                System.err.printf(java.util.Locale.ROOT, "mcdrop: writing %d samples x %d images x %d classes (%.1f MiB) to %s%n",
                        options.samples(), images.count(), classes, 4.0 * options.samples() * images.count() * classes / (1 << 20),
                        samplesOut);
            }
            ps = predictor.predictStreaming(images, listener, sink);
            double seconds = (System.nanoTime() - start) / 1e9;
            progress.done();
            w.flush();
            if (file != null) {
                if (w.checkError()) {
                    throw new IOException(fileStream.reason() != null ? fileStream.reason() : "cannot write the predictions to " + out);
                }
                file.commit();
            } else {
                requireStdoutWritten();
            }
            if (sink != null) sink.commit(); // last: a run that failed anywhere leaves --samples-out as it was
            Summary.print(System.err, net, backend, options, predictor, images, ps, seconds);
        }
        return 0;
    }

    /** System.out is a PrintStream: it swallows write errors (a closed pipe, a full disk) and only reports them here. */
    private static void requireStdoutWritten() throws IOException {
        if (Stdout.failed()) throw new IOException("cannot write the predictions to stdout" + Stdout.reason());
    }
}
