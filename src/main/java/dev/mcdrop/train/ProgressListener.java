package dev.mcdrop.train;

/**
 * Told about every SGD step (cheaply: implementations throttle their own output). {@link ProgressBar}
 * draws it on a stream its caller gives; {@link #NONE} ignores it.
 */
public interface ProgressListener {
    ProgressListener NONE = p -> {};

    /**
     * One snapshot after a step.
     *
     * @param iteration       steps done so far (1-based count)
     * @param total           steps the run will do
     * @param loss            mean loss over the last {@link Trainer#LOSS_WINDOW} steps
     * @param learningRate    weight learning rate used by this step
     * @param imagesPerSecond throughput since the start of the run
     * @param elapsedSeconds  wall time since the start of the run
     */
    record Progress(int iteration, int total, double loss, double learningRate, double imagesPerSecond,
                    double elapsedSeconds) {
        /** Seconds left at the current throughput (NaN before the first step). */
        public double etaSeconds() {
            return iteration == 0 ? Double.NaN : elapsedSeconds / iteration * (total - iteration);
        }
    }

    void progress(Progress p);

    /** Called once after the last step (after the final checkpoint). */
    default void finished(TrainResult result) {}
}
