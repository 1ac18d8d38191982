package dev.mcdrop.experiment;

import dev.mcdrop.backend.Backend;
import dev.mcdrop.data.LabeledImages;
import dev.mcdrop.model.Weights;
import dev.mcdrop.predict.Evaluation;
import dev.mcdrop.predict.ImagePrediction;
import dev.mcdrop.predict.McOptions;
import dev.mcdrop.predict.McPredictor;
import java.lang.System.Logger.Level;
import java.util.Locale;
import java.util.function.IntConsumer;

/**
 * Runs the MC-dropout predictor over a labelled set (each call gives the MC answer with T samples
 * and the standard-dropout answer), logging progress every 10 s for long passes (a null log: none).
 */
public final class Predictions {
    private Predictions() {}

    public static ImagePrediction[] predict(Backend backend, Weights weights, McOptions options, LabeledImages images,
                                            System.Logger log, String what) {
        McOptions o = options.withBatch(Math.min(options.batchImages(), images.count()));
        try (McPredictor predictor = new McPredictor(backend, weights, o)) {
            return predictor.predict(images, progress(log, what, images.count(), o.samples()));
        }
    }

    /** A progress callback logging a line at most every 10 s (long passes only). */
    private static IntConsumer progress(System.Logger log, String what, int count, int samples) {
        long start = System.nanoTime();
        long[] last = {start};
        return done -> {
            long now = System.nanoTime();
            if (log != null && now - last[0] > 10_000_000_000L && done < count) {
                last[0] = now;
                log.log(Level.INFO, String.format(Locale.ROOT, "  %s: %d/%d images, T=%d (%.0f s)", what, done, count, samples,
                        (now - start) / 1e9));
            }
        };
    }

    /**
     * Test error and NLL for each T in {@code samples} (increasing) from one run of the largest
     * (see {@link McPredictor#predictPrefixes}); bit-identical to separate runs.
     */
    public static Evaluation[] evaluatePrefixes(Backend backend, Weights weights, McOptions options, int[] samples,
                                                LabeledImages images, System.Logger log, String what) {
        int largest = samples[samples.length - 1];
        McOptions o = options.withSamples(largest).withBatch(Math.min(options.batchImages(), images.count()));
        ImagePrediction[][] ps;
        try (McPredictor predictor = new McPredictor(backend, weights, o)) {
            ps = predictor.predictPrefixes(images, samples, progress(log, what, images.count(), largest));
        }
        Evaluation[] out = new Evaluation[samples.length];
        for (int i = 0; i < samples.length; i++) out[i] = Evaluation.of(ps[i], images::label);
        return out;
    }

    /** Test error and NLL, standard and MC. */
    public static Evaluation evaluate(Backend backend, Weights weights, McOptions options, LabeledImages images,
                                      System.Logger log, String what) {
        ImagePrediction[] ps = predict(backend, weights, options, images, log, what);
        return Evaluation.of(ps, images::label);
    }
}
