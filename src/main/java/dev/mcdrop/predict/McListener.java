package dev.mcdrop.predict;

/**
 * What a prediction run reports while it runs, on the predicting thread: how many stochastic
 * passes are done (after every chunk), and each batch's predictions as soon as they are
 * summarised, in image order — so a caller can stream results and show progress long before the
 * last image.
 */
public interface McListener {
    /** {@code done} of {@code total} (= T × images) stochastic passes have been issued to the backend. */
    default void passes(long done, long total) {}

    /** Images {@code first … first + batch.length − 1} are predicted (with the run's largest T). */
    default void predicted(int first, ImagePrediction[] batch) {}

    /** A listener that tells {@code imagesDone} the number of images predicted after each batch. */
    static McListener images(java.util.function.IntConsumer imagesDone) {
        return new McListener() {
            @Override public void predicted(int first, ImagePrediction[] batch) { imagesDone.accept(first + batch.length); }
        };
    }

    McListener NONE = new McListener() {};
}
