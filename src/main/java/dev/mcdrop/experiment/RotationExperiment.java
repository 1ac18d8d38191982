package dev.mcdrop.experiment;

import dev.mcdrop.data.LabeledImages;
import dev.mcdrop.data.Rotation;
import dev.mcdrop.model.Weights;
import dev.mcdrop.predict.ImagePrediction;
import dev.mcdrop.predict.McOptions;
import dev.mcdrop.predict.McPredictor;
import dev.mcdrop.predict.NpySamples;
import java.awt.Color;
import java.awt.Font;
import java.awt.Graphics2D;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * The picture of what MC dropout adds (the rotated digit of Gal &amp; Ghahramani's papers): one
 * test image turned step by step; at every angle the T sampled softmax outputs (their mean ± std
 * per class, all of them in samples.npy), the standard-dropout output, and the uncertainty scores.
 * Where the digit stops looking like its class, the samples spread and the mutual information
 * rises, while standard dropout can stay confidently wrong. Seconds of work: no resumable units.
 */
public final class RotationExperiment {
    /**
     * @param samples    T
     * @param mcSeed     mask seed
     * @param modelName  for titles
     * @param imageIndex index of the image in the test set
     * @param maxAngle   last angle in degrees (the first is 0), finite, at most {@value #MAX_ANGLE} either way
     * @param steps      intervals between 0 and maxAngle (steps + 1 images), at most {@value #MAX_STEPS}
     */
    public record Settings(int samples, long mcSeed, String modelName, int imageIndex, double maxAngle, int steps) {
        public Settings {
            if (samples < 1 || steps < 1 || imageIndex < 0) {
                throw new IllegalArgumentException("rotation: samples and steps must be >= 1 and the image index >= 0");
            }
            if (steps > MAX_STEPS) throw new IllegalArgumentException("rotation: at most " + MAX_STEPS + " steps, got " + steps);
            if (!(Math.abs(maxAngle) <= MAX_ANGLE)) { // NaN too
                throw new IllegalArgumentException("rotation: the last angle must be from -" + (int) MAX_ANGLE + " to " + (int) MAX_ANGLE
                        + " degrees, got " + maxAngle);
            }
        }

        double angle(int i) { return maxAngle * i / steps; }
    }

    /** Most steps: every angle is an image of the run and a slice of samples.npy. */
    public static final int MAX_STEPS = 360;
    /** The last angle, in degrees either way, at most (a full turn). */
    public static final double MAX_ANGLE = 360;
    /** Sampled probabilities (T × angles × classes) kept in memory for the statistics and samples.npy, at most (1 GiB). */
    static final long MAX_SAMPLE_VALUES = 1L << 28;

    /** Classes drawn in the probability chart at most (those that win at some angle come first). */
    static final int MAX_CLASSES_SHOWN = 6;

    private RotationExperiment() {}

    public static void run(ExperimentRun run, Settings s, Weights weights, LabeledImages test) throws IOException {
        if (s.imageIndex() >= test.count()) {
            throw new IllegalArgumentException("rotation: image " + s.imageIndex() + " is outside the test set of " + test.count() + " images");
        }
        run.requireSettings(ExperimentRun.options(s) + "\nmodel: " + ExperimentRun.fingerprint(weights)
                + "\ntest data: " + ExperimentRun.fingerprint(test));
        int angles = s.steps() + 1, classes = weights.network().classes(), size = test.imageSize();
        long sampled = (long) s.samples() * angles * classes;
        if (sampled > MAX_SAMPLE_VALUES) {
            throw new IllegalArgumentException(String.format(Locale.ROOT, "rotation: T × angles × classes = %d × %d × %d = %,d sampled "
                    + "probabilities, more than the %,d kept in memory; lower --samples or --steps", s.samples(), angles, classes,
                    sampled, MAX_SAMPLE_VALUES));
        }
        byte[] pixels = new byte[Math.toIntExact((long) angles * size)];
        for (int i = 0; i < angles; i++) System.arraycopy(Rotation.rotate(test, s.imageIndex(), s.angle(i)), 0, pixels, i * size, size);
        LabeledImages rotated = new LabeledImages(test.source() + " #" + s.imageIndex() + " rotated", test.channels(),
                test.height(), test.width(), pixels, null);
        int label = test.hasLabels() ? test.label(s.imageIndex()) : -1;
        run.info("%s, T=%d: image %d (label %s) at %d angles from 0 to %s degrees", s.modelName(), s.samples(),
                s.imageIndex(), label < 0 ? "none" : label, angles, degrees(s.maxAngle()));

        float[][][] samples = new float[s.samples()][angles][classes]; // [t][angle][class]
        ImagePrediction[] ps;
        McOptions options = McOptions.defaults().withSamples(s.samples()).withSeed(s.mcSeed()).withBatch(angles);
        try (McPredictor predictor = new McPredictor(run.backend(), weights, options);
             NpySamples npy = NpySamples.create(run.out().resolve("samples.npy"), s.samples(), angles, classes)) {
            ps = predictor.predict(rotated, null, (pairs, columns, k, probs) -> {
                npy.accept(pairs, columns, k, probs);
                for (int n = 0; n < columns; n++)
                    for (int c = 0; c < k; c++) samples[(int) pairs.sampleOf(n)][(int) pairs.imageOf(n)][c] = probs[c * columns + n];
            });
            npy.commit();
        }

        double[] x = new double[angles];
        for (int i = 0; i < angles; i++) x[i] = s.angle(i);
        Table perClass = new Table("angle", "class", "standard_prob", "mc_mean", "mc_std", "mc_min", "mc_max");
        double[][] mean = new double[classes][angles], std = new double[classes][angles], standard = new double[classes][angles];
        for (int i = 0; i < angles; i++)
            for (int c = 0; c < classes; c++) {
                double sum = 0, sq = 0, min = 1, max = 0;
                for (int t = 0; t < s.samples(); t++) {
                    double p = samples[t][i][c];
                    sum += p;
                    sq += p * p;
                    min = Math.min(min, p);
                    max = Math.max(max, p);
                }
                mean[c][i] = ps[i].meanProbs()[c];
                std[c][i] = Math.sqrt(Math.max(0, sq / s.samples() - (sum / s.samples()) * (sum / s.samples())));
                standard[c][i] = ps[i].standardProbs()[c];
                perClass.add(x[i], c, standard[c][i], mean[c][i], std[c][i], min, max);
            }
        perClass.write(run.out().resolve("probabilities.csv"));

        Table scores = new Table("angle", "standard_predicted", "standard_prob", "standard_entropy", "mc_predicted", "mc_prob",
                "mc_entropy", "mutual_information", "variation_ratio");
        Table shownScores = new Table("angle", "standard: class (p)", "standard entropy", "MC: class (p̄)", "MC entropy",
                "mutual information", "variation ratio");
        double[] hStd = new double[angles], hMc = new double[angles], mi = new double[angles], vr = new double[angles];
        for (int i = 0; i < angles; i++) {
            ImagePrediction p = ps[i];
            hStd[i] = entropy(p.standardProbs());
            hMc[i] = p.entropy();
            mi[i] = p.mutualInformation();
            vr[i] = p.variationRatio();
            scores.add(x[i], p.standardPredicted(), p.standardProbs()[p.standardPredicted()], hStd[i], p.predicted(),
                    p.meanProbs()[p.predicted()], hMc[i], mi[i], vr[i]);
            shownScores.add(degrees(x[i]) + "°",
                    p.standardPredicted() + " (" + Table.fixed(p.standardProbs()[p.standardPredicted()], 3) + ")",
                    Table.fixed(hStd[i], 3), p.predicted() + " (" + Table.fixed(p.meanProbs()[p.predicted()], 3) + ")",
                    Table.fixed(hMc[i], 3), Table.fixed(mi[i], 3), Table.fixed(vr[i], 2));
        }
        scores.write(run.out().resolve("scores.csv"));

        Set<Integer> shown = new LinkedHashSet<>();
        for (ImagePrediction p : ps) {
            shown.add(p.predicted());
            shown.add(p.standardPredicted());
        }
        for (int c : byPeak(mean)) if (shown.size() < MAX_CLASSES_SHOWN) shown.add(c);
        List<Charts.Series> probSeries = new ArrayList<>();
        int group = 0;
        for (int c : shown) {
            if (group >= MAX_CLASSES_SHOWN) break;
            probSeries.add(new Charts.Series("class " + c + ": MC mean ± std", x, mean[c], std[c], false).inGroup(group));
            probSeries.add(Charts.Series.dashed("class " + c + ": standard dropout", x, standard[c]).inGroup(group));
            group++;
        }
        String title = s.modelName() + ", image " + s.imageIndex() + (label < 0 ? "" : " (a " + label + ")");
        Charts.save(new Charts.Spec("Class probabilities as the digit turns: " + title + ", T=" + s.samples(),
                "rotation (degrees)", "probability", probSeries), run.out().resolve("probabilities.png"));
        Charts.save(new Charts.Spec("Uncertainty as the digit turns: " + title, "rotation (degrees)", "nats / ratio", List.of(
                Charts.Series.line("MC predictive entropy", x, hMc).inGroup(0),
                Charts.Series.line("MC mutual information (BALD)", x, mi).inGroup(1),
                Charts.Series.line("MC variation ratio", x, vr).inGroup(2),
                Charts.Series.dashed("standard-dropout entropy", x, hStd).inGroup(3))), run.out().resolve("uncertainty.png"));
        Charts.writeImage(strip(rotated, x), run.out().resolve("rotations.png"));

        new Summary("Rotated digit: " + title, String.format(Locale.ROOT,
                "Test image %d turned from 0 to %s degrees in %d steps (bilinear, about the centre); at each angle %d MC-dropout "
                        + "passes (mask seed %d) and one standard-dropout pass. `samples.npy` holds every pass's probabilities, "
                        + "NumPy float32 of shape (T, angles, classes).",
                s.imageIndex(), degrees(s.maxAngle()), s.steps(), s.samples(), s.mcSeed()))
                .image("the rotated inputs", "rotations.png")
                .table("Predictions and uncertainty per angle", shownScores)
                .image("class probabilities per angle", "probabilities.png")
                .image("uncertainty per angle", "uncertainty.png")
                .section("Files", "- `scores.csv`: per angle, both predictions, entropies, mutual information, variation ratio\n"
                        + "- `probabilities.csv`: per angle and class, standard probability and the MC mean, std, min and max\n"
                        + "- `samples.npy`: every pass, float32 (T, angles, classes)")
                .write(run);
        run.info("wrote %s", run.out().resolve("summary.md"));
    }

    /** "15" for 15.0, "22.5" for 22.5. */
    static String degrees(double d) {
        return d == Math.rint(d) && Math.abs(d) < 1e9 ? Long.toString((long) d) : String.format(Locale.ROOT, "%.2f", d).replaceAll("0+$", "");
    }

    /** Classes by their highest mean probability at any angle, descending. */
    private static List<Integer> byPeak(double[][] mean) {
        List<Integer> order = new ArrayList<>();
        for (int c = 0; c < mean.length; c++) order.add(c);
        order.sort((a, b) -> Double.compare(peak(mean[b]), peak(mean[a])));
        return order;
    }

    private static double peak(double[] v) {
        double m = 0;
        for (double d : v) m = Math.max(m, d);
        return m;
    }

    private static double entropy(float[] p) {
        double h = 0;
        for (float q : p) if (q > 0) h -= q * Math.log(q);
        return h;
    }

    /** The rotated inputs in a row, 4× enlarged, each with its angle underneath. */
    static BufferedImage strip(LabeledImages images, double[] angles) {
        int scale = 4, w = images.width() * scale, h = images.height() * scale, gap = 10, label = 22;
        BufferedImage img = new BufferedImage(images.count() * (w + gap) + gap, h + label + 2 * gap, BufferedImage.TYPE_INT_RGB);
        Graphics2D g = img.createGraphics();
        g.setColor(Color.WHITE);
        g.fillRect(0, 0, img.getWidth(), img.getHeight());
        g.setFont(new Font(Font.SANS_SERIF, Font.PLAIN, 14));
        for (int i = 0; i < images.count(); i++) {
            int left = gap + i * (w + gap);
            for (int y = 0; y < images.height(); y++)
                for (int x = 0; x < images.width(); x++) {
                    int v = 255 - images.pixel(i, 0, y, x); // dark ink on white
                    g.setColor(new Color(v, v, v));
                    g.fillRect(left + x * scale, gap + y * scale, scale, scale);
                }
            g.setColor(Color.DARK_GRAY);
            g.drawString(degrees(angles[i]) + "°", left + w / 2 - 12, gap + h + label - 4);
        }
        g.dispose();
        return img;
    }
}
