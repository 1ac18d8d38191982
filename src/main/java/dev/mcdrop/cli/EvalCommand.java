package dev.mcdrop.cli;

import dev.mcdrop.backend.Backend;
import dev.mcdrop.data.LabeledImages;
import dev.mcdrop.experiment.ScoredSet;
import dev.mcdrop.experiment.UncertaintyReport;
import dev.mcdrop.graph.GraphModel;
import dev.mcdrop.predict.Evaluation;
import dev.mcdrop.predict.ImagePrediction;
import dev.mcdrop.predict.McOptions;
import dev.mcdrop.predict.McPredictor;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * {@code mcdrop eval}: standard against MC dropout on any labelled input (IDX, CIFAR-10 binary,
 * class folders of pictures): test error, NLL, Brier score, ECE, AURC; with {@code --ood} the
 * detection of another set. Every number comes from {@link UncertaintyReport}, the code of
 * {@code mcdrop experiment uncertainty}.
 */
@Command(name = "eval", mixinStandardHelpOptions = true, header = "Score standard against MC dropout on labelled images: error, NLL, calibration, OOD detection.",
        description = "Standard dropout against MC dropout on a labelled image set: test error, NLL, Brier score, ECE (15 bins), "
                + "AURC and E-AURC per uncertainty score; with --ood, out-of-distribution detection (AUROC, AUPR-In, AUPR-Out, "
                + "FPR95 in both conventions). Definitions: docs/EXPERIMENTS.md (uncertainty).")
final class EvalCommand implements Callable<Integer> {
    @CommandLine.Spec CommandLine.Model.CommandSpec spec;
    @Mixin ModelOptions model = new ModelOptions();
    @Mixin BackendOptions backendOptions = new BackendOptions();
    @Mixin RunOptions run = new RunOptions();

    @Option(names = "--input", paramLabel = "PATH",
            description = {"labelled images: an IDX image file (.gz or raw) with its labels beside it (or --labels), a CIFAR-10 .bin batch,",
                    "or a directory of class folders 0/ 1/ … of PNG/JPEG files (label = folder name).",
                    "Default: data/mnist/t10k-images-idx3-ubyte if fetched, else the bundled 1,000-image slice"})
    Path input;

    /** Deprecated spelling of --input, kept hidden so old scripts run; says so once on stderr. */
    @Option(names = "--data", paramLabel = "PATH", hidden = true)
    Path deprecatedData;

    @Option(names = "--labels", paramLabel = "LABELS", description = "IDX label file for an IDX --input (default: found beside it)")
    Path labels;

    @Option(names = "--ood", paramLabel = "PATH",
            description = "out-of-distribution images, in any --input format (labels not needed; a flat directory of pictures works)")
    Path ood;

    @Option(names = "--json", description = "print the result as one JSON object on stdout")
    boolean json;

    @Option(names = "--model-card", paramLabel = "FILE.md", converter = OptionValues.OutputFile.class, description = "also write a Markdown model card with the training metadata and this evaluation")
    Path modelCard;

    @Override
    public Integer call() throws Exception {
        Path images = inputPath();
        List<OutputPaths.Use> reads = new ArrayList<>(model.inputs());
        reads.addAll(Inputs.uses("--input", images, labels));
        if (ood != null) reads.addAll(Inputs.uses("--ood", ood, null));
        OutputPaths.check(spec, OutputPaths.uses(OutputPaths.Use.of("--model-card", modelCard)), reads);
        GraphModel net = model.loadModel();
        LabeledImages set = Inputs.load(images, labels, net.input());
        if (set.count() == 0) throw new IllegalArgumentException("--input " + images + ": no images");
        if (!set.hasLabels()) {
            throw new IllegalArgumentException("--input " + images + ": no labels found; give --labels for an IDX file, "
                    + "or put pictures in class folders 0/ 1/ …");
        }
        LabelCheck.check(set, images, labels, net);
        LabeledImages oodSet = ood == null ? null : Inputs.load("--ood", ood, null, net.input());
        if (oodSet != null && oodSet.count() == 0) throw new IllegalArgumentException("--ood " + ood + ": no images");
        McOptions options = run.options(Math.max(set.count(), oodSet == null ? 0 : oodSet.count()));
        try (Backend backend = backendOptions.open();
             McPredictor predictor = new McPredictor(backend, net, options)) {
            long start = System.nanoTime();
            ImagePrediction[] ps = predict(predictor, "eval", set);
            ImagePrediction[] oodPs = oodSet == null ? null : predict(predictor, "eval --ood", oodSet);
            double seconds = (System.nanoTime() - start) / 1e9;
            UncertaintyReport report = UncertaintyReport.of(ScoredSet.of(ps, set.labels()), oodPs == null ? null : ScoredSet.unlabelled(oodPs));
            EvalOutput.Run what = new EvalOutput.Run(dev.mcdrop.io.Names.display(net.name(), dev.mcdrop.io.Names.MAX_NAME), images, ood, options, backend.name(), seconds);
            System.out.print(json ? EvalOutput.json(what, report) : EvalOutput.text(what, report));
            System.out.flush();
            if (modelCard != null) {
                Evaluation e = new Evaluation(report.images(), report.mc().errors(), report.standard().errors(), report.mc().nll(),
                        report.standard().nll());
                ModelCard.write(modelCard, net, Home.model(model.model), images, e, options, backend.describe(), seconds);
                System.err.println("mcdrop: wrote " + modelCard);
            }
        }
        return 0;
    }

    /** --input, or the deprecated --data with one warning line, or the default MNIST test set. */
    private Path inputPath() {
        if (deprecatedData != null) {
            if (input != null) throw new CommandLine.ParameterException(spec.commandLine(), "give --input only (--data is its old name)");
            System.err.println("mcdrop: warning: eval --data is deprecated; use --input (same meaning)");
            return deprecatedData;
        }
        return input != null ? input : defaultData();
    }

    private static ImagePrediction[] predict(McPredictor predictor, String what, LabeledImages set) {
        Progress progress = new Progress(what, set.count());
        ImagePrediction[] ps = predictor.predict(set, progress::update);
        progress.done();
        return ps;
    }

    static Path defaultData() {
        Path full = Home.resolve("data/mnist/t10k-images-idx3-ubyte");
        if (Files.exists(full)) return full;
        System.err.println("mcdrop: full MNIST test set not found (run scripts/fetch-mnist.sh); using the bundled 1,000-image slice");
        return Home.bundledMnistImages();
    }
}
