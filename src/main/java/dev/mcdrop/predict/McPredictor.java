package dev.mcdrop.predict;

import dev.mcdrop.backend.Backend;
import dev.mcdrop.backend.Buffer;
import dev.mcdrop.backend.McAccumulators;
import dev.mcdrop.backend.Pairs;
import dev.mcdrop.backend.PendingDownload;
import dev.mcdrop.graph.GraphModel;
import dev.mcdrop.graph.InputTransform;
import dev.mcdrop.model.Shape;
import dev.mcdrop.model.Weights;
import java.util.ArrayList;
import java.util.List;
import java.util.function.IntConsumer;

/**
 * MC-dropout prediction: for each batch of B images, the deterministic prefix runs once per
 * image, then the T·B (sample, image) pairs run as one enlarged batch, in chunks of S columns
 * sized from the memory budget, and are reduced on the backend into per-image accumulators. The
 * standard-dropout answer (dropout as identity) comes from the same buffers with T = 1, p = 0.
 *
 * <p>Every plan honours the budget, with dropout or without: the budget covers the plan's backend
 * buffers (activations, im2col scratch, accumulators) and what the backend's convolution holds
 * per column ({@link Backend#conv2dOwnBytesPerColumn}); B and S are the largest that fit, and a
 * budget below the smallest plan (one image, one sample column) is refused with what that plan
 * needs. {@link #workspaceBytes} is the plan's exact size by that account.
 *
 * <p>All buffers are allocated once, here; {@link #predict} allocates nothing on the backend.
 * Batches are pipelined: the host prepares batch k+1 and summarises batch k−1 while the backend
 * computes batch k (see {@link #predict}).
 *
 * <p>Not thread-safe: one thread at a time (any thread) may call it; concurrent callers each need
 * their own predictor and backend.
 */
public final class McPredictor implements AutoCloseable {
    private static final double MIB = 1 << 20;
    private final Backend backend;
    private final GraphPlan plan;
    private final McOptions options;
    private final Shape input;
    private final InputTransform transform;
    private final int classes;
    private final int batch;         // B
    private final int chunkColumns;  // S
    private final long workspaceBytes;

    // onceArena[slot][slot size × B], onceCols[onceScratch × B]: the once-per-image part's activations
    private final Buffer[] onceArena;
    private final Buffer onceCols;
    // sampleArena[slot][slot size × S], sampleCols[sampledScratch × S]: one chunk of the enlarged batch
    private final Buffer[] sampleArena;
    private final Buffer sampleCols;
    // probs[classes × max(B, S)]: softmax of a chunk on its way to a SampleSink
    private final Buffer probs;
    // acc, standardAcc[B][4K+1]
    private final Buffer acc, standardAcc;
    // keys[B]: the batch's image keys (MaskKeying), uploaded with its pixels
    private final Buffer keys;
    private final int[] hostKeys;
    private final float[] hostInput;
    // [2][B·(4K+1)]: batch k's standard results land in slot k % 2 while batch k−1's are read from the other
    private final float[][] hostStandardAcc;
    // [classes][chunk columns]: per-sample probabilities on their way to a SampleSink (empty until asked for)
    private float[] hostProbs = new float[0];
    private final String networkName; // names the network in a non-finite result's error

    /** A chain network (safetensors with a chain architecture, a chain preset): run as its graph, same masks and numbers. */
    public McPredictor(Backend backend, Weights weights, McOptions options) {
        this(backend, GraphModel.fromChain(weights), options);
    }

    public McPredictor(Backend backend, GraphModel model, McOptions options) {
        List<Buffer> made = new ArrayList<>(); // what the constructor allocated, freed again if it fails
        this.backend = backend;
        this.input = model.input();
        this.transform = model.transform();
        this.classes = model.classes();
        this.networkName = model.name();
        this.plan = new GraphPlan(backend, model);
        try {
            boolean stochastic = plan.stochastic();
            long width = McAccumulators.width(classes);
            Plan sizes = new Plan(GraphPlan.sum(plan.onceSlots), plan.onceScratch, plan.onceOwnBytes, width, classes,
                    stochastic ? GraphPlan.sum(plan.sampledSlots) : 0, stochastic ? plan.sampledScratch : 0,
                    stochastic ? plan.sampledOwnBytes : 0);
            long budget = options.memoryBytes() > 0 ? options.memoryBytes() : backend.suggestedWorkspaceBytes();
            int minColumns = stochastic ? 1 : 0;
            long smallest = sizes.bytes(1, minColumns);
            if (smallest > budget) {
                throw new IllegalArgumentException("memory budget " + size(budget) + " is too small for network "
                        + dev.mcdrop.io.Names.quote(networkName) + ": its smallest plan (1 image"
                        + (minColumns == 0 ? "" : ", 1 sample at a time") + ") needs " + size(smallest)
                        + (minColumns == 0 ? "" : " (" + size(sizes.perImageBytes()) + " once per image, "
                                + size(sizes.perColumnBytes()) + " per sample)")
                        + "; give --memory " + ((smallest + (1 << 20) - 1) >> 20) + " (MiB) or more");
            }
            // B is a speed knob (no result depends on it): take fewer images per batch than asked when the
            // budget could not otherwise hold one sample of the whole batch (B columns) beside the once-per-image
            // buffers; at least one image, which the check above guarantees fits with one column.
            long fitImages = (budget - sizes.oneElementBytes(1, minColumns)) / (sizes.perImageBytes() + sizes.perColumnBytes() * minColumns);
            long intImages = (Integer.MAX_VALUE - 8) / Math.max(Math.max(maxOf(plan.onceSlots), plan.onceScratch), Math.max(width, classes));
            this.batch = (int) Math.max(1, Math.min(Math.min(options.batchImages(), fitImages), intImages));
            this.options = options.withBatch(batch);
            long pairs = (long) options.samples() * batch;
            if (!stochastic) {
                chunkColumns = 0;
            } else {
                long fit = (budget - sizes.perImageBytes() * batch - sizes.oneElementBytes(batch, 1)) / sizes.perColumnBytes();
                long intColumns = (Integer.MAX_VALUE - 8) / Math.max(classes, Math.max(plan.sampledScratch, maxOf(plan.sampledSlots)));
                chunkColumns = (int) Math.max(1, Math.min(Math.min(fit, pairs), intColumns));
            }
            workspaceBytes = sizes.bytes(batch, chunkColumns);
            onceArena = new Buffer[plan.onceSlots.length];
            for (int i = 0; i < onceArena.length; i++) onceArena[i] = allocate(made, Math.max(1, plan.onceSlots[i] * batch));
            onceCols = allocate(made, Math.max(1, plan.onceScratch * batch));
            sampleArena = new Buffer[stochastic ? plan.sampledSlots.length : 0];
            for (int i = 0; i < sampleArena.length; i++) sampleArena[i] = allocate(made, Math.max(1, plan.sampledSlots[i] * chunkColumns));
            sampleCols = allocate(made, Math.max(1, (stochastic ? plan.sampledScratch : 0) * chunkColumns));
            probs = allocate(made, (long) classes * Math.max(batch, chunkColumns));
            acc = allocate(made, width * batch);
            standardAcc = allocate(made, width * batch);
            keys = backend.allocateKeys(batch);
            made.add(keys);
            hostKeys = new int[batch];
            hostInput = new float[Math.toIntExact(input.elements() * batch)];
            hostStandardAcc = new float[2][Math.toIntExact(width * batch)];
        } catch (RuntimeException | OutOfMemoryError e) {
            // e.g. out of device memory half-way: free what was allocated, so the caller can retry smaller
            for (Buffer b : made) b.close();
            plan.close();
            throw e;
        }
    }

    private static long maxOf(long[] v) {
        long m = 1;
        for (long x : v) m = Math.max(m, x);
        return m;
    }

    /**
     * Multiply-adds of one stochastic pass in the convolutions and GEMMs that run per sample (the
     * whole network when no dropout reaches the output): what {@code bench} turns into FLOP/s.
     */
    public long multiplyAddsPerPass() { return plan.multiplyAdds(plan.stochastic() ? plan.sampled : plan.once); }

    /** The compiled plan, one fused step per line: what {@code info} prints. */
    public String describePlan() { return plan.describe(); }

    /** {@code model}'s plan on {@code backend} (its weights uploaded, no workspace allocated), one fused step per line. */
    public static String describePlan(Backend backend, GraphModel model) {
        try (GraphPlan p = new GraphPlan(backend, model)) {
            return p.describe();
        }
    }

    /**
     * Sizes of a plan: elements per image of the batch (once-per-image slots, their scratch, two
     * accumulator rows, a row of probabilities) and per column of a chunk (sampled slots, their
     * scratch, a row of probabilities), plus the bytes the backend's convolutions hold per column; a
     * buffer that would be empty is allocated with one element.
     */
    private record Plan(long onceAct, long onceScratch, long onceOwnBytes, long width, long classes,
                        long sampledAct, long sampledScratch, long sampledOwnBytes) {
        long perImageBytes() { return 4L * (onceAct + onceScratch + 2 * width + classes) + onceOwnBytes; }

        long perColumnBytes() { return 4L * (sampledAct + sampledScratch + classes) + sampledOwnBytes; }

        /** Bytes of the plan for B images and S columns per chunk, as the constructor allocates it. */
        long bytes(long images, long columns) {
            return perImageBytes() * images + perColumnBytes() * columns + oneElementBytes(images, columns);
        }

        /** The buffers that would be empty and get one element instead. */
        long oneElementBytes(long images, long columns) {
            return 4L * ((onceScratch * images == 0 ? 1 : 0) + (sampledScratch * columns == 0 ? 1 : 0));
        }
    }

    private static String size(long bytes) {
        return String.format(java.util.Locale.ROOT, bytes < MIB ? "%.1f KiB" : "%.1f MiB", bytes / (bytes < MIB ? 1024.0 : MIB));
    }

    private static boolean finite(float[] probs) {
        for (float v : probs) if (!Float.isFinite(v)) return false;
        return true;
    }

    /** Never a silent NaN: a non-finite input pixel, or activations beyond the float (or FP16) range, stop the run. */
    private NonFiniteOutputException nonFinite(int image) {
        return new NonFiniteOutputException(networkName, image);
    }

    private Buffer allocate(List<Buffer> made, long elements) {
        Buffer b = backend.allocate(elements);
        made.add(b);
        return b;
    }

    /** S: columns per chunk of the enlarged batch (0 when the network has no dropout). */
    public int chunkColumns() { return chunkColumns; }

    public int batchImages() { return batch; }

    public long workspaceBytes() { return workspaceBytes; }

    /** The options in use: as given, except the batch, which may be smaller to fit the memory budget. */
    public McOptions options() { return options; }

    /** Predicts every image of {@code source}: one {@link ImagePrediction} per image, in order. */
    public ImagePrediction[] predict(ImageSource source) {
        return predict(source, done -> {});
    }

    /**
     * Predicts every image of {@code source}; {@code progress} receives the count done after each
     * batch. Pipelined by one batch: while the backend computes batch k, the host summarises batch
     * k−1 and reads batch k+1's pixels (on a synchronous backend this only reorders host work).
     */
    public ImagePrediction[] predict(ImageSource source, IntConsumer progress) {
        return predictPrefixes(source, new int[]{options.samples()}, progress)[0];
    }

    /**
     * {@link #predict}, also handing the class probabilities of every stochastic pass to
     * {@code samples} (copied to the host chunk by chunk, so slower than {@link #predict}; a
     * network without dropout hands the same deterministic pass as each of the T samples).
     */
    public ImagePrediction[] predict(ImageSource source, IntConsumer progress, SampleSink samples) {
        return run(source, new int[]{options.samples()}, listener(progress), java.util.Objects.requireNonNull(samples, "samples"),
                false)[0];
    }

    /**
     * {@link #predict} for a caller that shows results as they come: {@code listener} hears of
     * every chunk's passes and receives each batch's predictions as soon as they are ready, and the
     * first batches are smaller ({@value #FIRST_STREAMED_BATCH} images, then doubling up to B), so
     * the first results arrive long before the last. No result depends on batch
     * sizes. {@code samples} may be null.
     */
    public ImagePrediction[] predictStreaming(ImageSource source, McListener listener, SampleSink samples) {
        return run(source, new int[]{options.samples()}, java.util.Objects.requireNonNull(listener, "listener"), samples, true)[0];
    }

    /** Images in the first batch of {@link #predictStreaming}. */
    public static final int FIRST_STREAMED_BATCH = 64;

    /**
     * Predicts every image for each T in {@code samples} (strictly increasing, the last one at most
     * {@code options().samples()}) in one run of the largest T: sample t's masks do not depend on
     * T and each image sums its samples in pair order, so the answer for T is bit-identical to
     * {@link #predict} with {@code samples = T}, at the cost of the largest T alone (a convergence
     * curve, paper Fig. 4). Returns {@code [index into samples][image]}.
     */
    public ImagePrediction[][] predictPrefixes(ImageSource source, int[] samples, IntConsumer progress) {
        return run(source, samples, listener(progress), null, false);
    }

    private static McListener listener(IntConsumer progress) { return progress == null ? McListener.NONE : McListener.images(progress); }

    private ImagePrediction[][] run(ImageSource source, int[] samples, McListener listener, SampleSink sink, boolean ramp) {
        if (!source.imageShape().equals(input)) {
            throw new IllegalArgumentException("images are " + source.imageShape() + " but the network expects " + input);
        }
        if (samples.length == 0) throw new IllegalArgumentException("no sample counts given");
        for (int i = 0; i < samples.length; i++) {
            if (samples[i] < 1 || (i > 0 && samples[i] <= samples[i - 1]) || samples[i] > options.samples()) {
                throw new IllegalArgumentException("sample counts must increase from 1 up to T = " + options.samples()
                        + ", got " + java.util.Arrays.toString(samples));
            }
        }
        int width = McAccumulators.width(classes);
        // [slot][prefix][B·(4K+1)]: batch k's results land in slot k % 2 while batch k−1's are read from the other
        float[][][] hostAcc = new float[2][samples.length][width * batch];
        ImagePrediction[][] out = new ImagePrediction[samples.length][source.count()];
        Passes passes = new Passes(listener, (long) samples[samples.length - 1] * source.count());
        InFlight previous = null;
        int b = ramp ? Math.min(FIRST_STREAMED_BATCH, batch) : batch;
        for (int from = 0, k = 0; from < source.count(); from += b, b = Math.min(2 * b, batch), k++) {
            b = Math.min(b, source.count() - from);
            source.copyCnhw(from, b, transform.scale(), hostInput, 0);
            ImageKeys.fill(options.maskKey(), hostInput, input.channels(), b, input.plane(), from, hostKeys);
            transform.normalize(hostInput, input.channels(), b, input.plane()); // after the keys: they stay a function of the pixels
            InFlight current = issueBatch(b, from, samples, hostAcc[k % 2], hostStandardAcc[k % 2], sink, passes);
            if (previous != null) finish(previous, out, listener);
            previous = current;
            if (current.ready()) {            // a synchronous backend: nothing to overlap, hand the batch over now
                finish(current, out, listener);
                previous = null;
            }
        }
        if (previous != null) finish(previous, out, listener);
        return out;
    }

    /** Counts the stochastic passes issued and tells the listener. */
    private static final class Passes {
        final McListener listener;
        final long total;
        long done;

        Passes(McListener listener, long total) {
            this.listener = listener;
            this.total = total;
        }

        void add(long n) {
            done += n;
            listener.passes(done, total);
        }
    }

    /**
     * A batch whose ops are issued: {@code mc[i]} brings the accumulators after {@code samples[i]}
     * samples into {@code hostAcc[i]}, {@code standard} the standard pass's into {@code hostStandard}.
     */
    private record InFlight(int images, int first, int[] samples, PendingDownload[] mc, float[][] hostAcc,
                            PendingDownload standard, float[] hostStandard) {
        /** Every download already done (the backend computed synchronously). */
        boolean ready() {
            for (PendingDownload d : mc) if (d != PendingDownload.DONE) return false;
            return standard == PendingDownload.DONE;
        }
    }

    /** Issues one batch whose CNHW pixels are in {@code hostInput[0 .. C·b·H·W)}; returns without waiting. */
    private InFlight issueBatch(int b, int imageBase, int[] samples, float[][] hostAcc, float[] hostStandard,
                                SampleSink sink, Passes passes) {
        int width = McAccumulators.width(classes);
        int perImage = Math.toIntExact(input.elements());
        // The input is [C][b][H][W]: upload it densely for b columns.
        backend.upload(hostInput, 0, onceArena[plan.input.slot], 0, perImage * b);
        backend.uploadKeys(hostKeys, b, keys);
        plan.runOnce(onceArena, onceCols, b, Pairs.images(b, imageBase));
        backend.zero(acc, 0, (long) width * b);
        backend.zero(standardAcc, 0, (long) width * b);
        PendingDownload[] mc = new PendingDownload[samples.length];
        if (!plan.stochastic()) {
            // No dropout reaches the output: one deterministic pass is every T's answer.
            Buffer logits = onceArena[plan.logits.slot];
            Pairs images = Pairs.images(b, imageBase);
            backend.mcAccumulate(logits, 0, classes, b, images, acc);
            backend.mcAccumulate(logits, 0, classes, b, images, standardAcc);
            for (int i = 0; i < samples.length; i++) mc[i] = backend.downloadAsync(acc, 0, hostAcc[i], 0, width * b);
            if (sink != null) {
                float[] p = copyProbabilities(logits, b);
                for (int t = 0; t < options.samples(); t++) sink.accept(new Pairs((long) t * b, b, imageBase), b, classes, p);
            }
            passes.add((long) samples[samples.length - 1] * b);
        } else {
            runSamples(b, imageBase, samples, true, acc, mc, hostAcc, sink, passes);
            runSamples(b, imageBase, new int[]{1}, false, standardAcc, null, null, null, null);
        }
        return new InFlight(b, imageBase, samples, mc, hostAcc, backend.downloadAsync(standardAcc, 0, hostStandard, 0, width * b),
                hostStandard);
    }

    /** Waits for a batch's accumulators and turns them into predictions. */
    private void finish(InFlight f, ImagePrediction[][] out, McListener listener) {
        f.standard().await();
        int width = McAccumulators.width(classes);
        for (int s = 0; s < f.samples().length; s++) {
            f.mc()[s].await();
            int samples = plan.stochastic() ? f.samples()[s] : 1;
            float[] mc = f.hostAcc()[s];
            for (int i = 0; i < f.images(); i++) {
                ImagePrediction p = McSummary.summarize(mc, i * width, classes, samples, f.hostStandard(), i * width);
                if (!finite(p.meanProbs()) || !finite(p.standardProbs())) throw nonFinite(f.first() + i);
                out[s][f.first() + i] = p;
            }
        }
        listener.predicted(f.first(), java.util.Arrays.copyOfRange(out[f.samples().length - 1], f.first(), f.first() + f.images()));
    }

    /**
     * The first {@code samples[last]}·b pairs through expand + sampled steps, chunk by chunk,
     * reduced into {@code into}. Chunks also end at every {@code samples[i]}·b, where, if
     * {@code snapshots} is not null, a download of {@code into} to {@code hosts[i]} starts;
     * {@code passes} (null for the standard pass) counts the columns as they are issued.
     */
    private void runSamples(int b, long imageBase, int[] samples, boolean stochastic, Buffer into,
                            PendingDownload[] snapshots, float[][] hosts, SampleSink sink, Passes passes) {
        int width = McAccumulators.width(classes);
        Buffer logits = sampleArena[plan.logits.slot];
        long first = 0;
        for (int s = 0; s < samples.length; s++) {
            long end = (long) samples[s] * b;
            for (; first < end; ) {
                int columns = (int) Math.min(chunkColumns, end - first);
                Pairs pairs = new Pairs(first, b, imageBase);
                plan.runChunk(onceArena, sampleArena, sampleCols, columns, pairs, options.seed(), keys, stochastic);
                backend.mcAccumulate(logits, 0, classes, columns, pairs, into);
                if (sink != null) sink.accept(pairs, columns, classes, copyProbabilities(logits, columns));
                if (passes != null) passes.add(columns);
                first += columns;
            }
            if (snapshots != null) snapshots[s] = backend.downloadAsync(into, 0, hosts[s], 0, width * b);
        }
    }

    /** softmax(logits[classes][columns]) via the probs buffer, copied to the host (waits for the backend). */
    private float[] copyProbabilities(Buffer logits, int columns) {
        int count = classes * columns;
        if (hostProbs.length < count) hostProbs = new float[count]; // grows to one chunk, once
        backend.softmax(logits, 0, classes, columns, probs, 0);
        backend.download(probs, 0, hostProbs, 0, count);
        return hostProbs;
    }

    @Override
    public void close() {
        for (Buffer b : onceArena) if (b != null) b.close();
        for (Buffer b : sampleArena) if (b != null) b.close();
        for (Buffer b : new Buffer[]{onceCols, sampleCols, probs, acc, standardAcc, keys}) b.close();
        plan.close();
    }
}
