package dev.mcdrop.train;

import dev.mcdrop.backend.ConvGeometry;
import dev.mcdrop.model.Layer;
import dev.mcdrop.model.Network;
import dev.mcdrop.model.ParamSpec;
import dev.mcdrop.model.Shape;

import java.io.IOException;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Trains any {@link Network} with the paper's Caffe solver (see {@link TrainConfig}) on the CPU.
 *
 * <p>One step = gather a minibatch → forward through the stages → softmax cross-entropy →
 * backward through the stages in reverse → Caffe SGD update. Activations are CNHW
 * ([C][N][H][W]); conv and dense are GEMMs through the pluggable {@link GemmKernel}. All
 * buffers are allocated once here, sized for {@code batchSize} columns.
 *
 * <p>Randomness, all derived from {@code config.seed()}: Xavier init (stream INIT), data order
 * (stream ORDER, see {@link DataOrder}) and dropout masks: {@code DropoutMask.keep(seed ^
 * MASK_XOR, sample = iteration, image = position in the batch, layer = stage index, element)}.
 * The XOR keeps training masks apart from prediction masks drawn with the same user seed.
 *
 * <p>Reproducibility: no parallel reductions (bias gradients and the loss are summed in a fixed
 * order; parallel loops partition their outputs), so same seed + same GEMM bits → bit-identical
 * weights whatever the thread count. Not thread-safe: one run at a time per instance.
 */
public final class Trainer {
    /** Steps the reported loss is averaged over (Caffe's display average_loss). */
    public static final int LOSS_WINDOW = 100;
    /** Training dropout seed = config.seed ^ MASK_XOR. */
    public static final long MASK_XOR = 0x5452_4149_4E4D_534BL; // "TRAINMSK"
    static final long INIT_STREAM = 1, ORDER_STREAM = 2;

    private final Network net;
    private final TrainConfig cfg;
    private final GemmKernel gemm;
    private final Loops loops;
    private final List<Network.Stage> stages;
    private final int firstParamStage;

    // Per stage i (null where unused). act[i] = output of stage i, grad[i] = dLoss/d act[i].
    private final float[] input;           // x[C][N][H][W], the scaled batch
    private final int[] labels;            // [N]
    private final int[] batchIndices;      // [N]
    private final float[][] act, grad;     // [C][N][H][W] per stage (softmax aliases its input)
    private final float[][] cols;          // conv: cols[K][N·OH·OW], reused as dCols in backward
    private final ConvGeometry[] geometry; // conv
    private final int[][] argmax;          // maxpool: [C][N][OH][OW] indices into the input
    private final float[][] mult;          // dropout: multipliers 0 or 1/(1−p), [C][N][H][W]
    private final float[][] w, b, dw, db, hw, hb; // params, gradients, momentum history

    /** With the element-wise loops on the calling thread (tests; the GEMM may still be parallel). */
    public Trainer(Network network, TrainConfig config, GemmKernel gemm) {
        this(network, config, gemm, Loops.SERIAL);
    }

    /** {@code loops}: how element-wise work is shared, normally {@link Loops#on} the GEMM's WorkerPool. */
    public Trainer(Network network, TrainConfig config, GemmKernel gemm, Loops loops) {
        this.net = network;
        this.cfg = config;
        this.gemm = gemm;
        this.loops = loops;
        this.stages = network.stages();
        int s = stages.size(), batch = config.batchSize();
        input = new float[Math.toIntExact(network.input().elements() * batch)];
        labels = new int[batch];
        batchIndices = new int[batch];
        act = new float[s][];
        grad = new float[s][];
        cols = new float[s][];
        geometry = new ConvGeometry[s];
        argmax = new int[s][];
        mult = new float[s][];
        w = new float[s][];
        b = new float[s][];
        dw = new float[s][];
        db = new float[s][];
        hw = new float[s][];
        hb = new float[s][];
        int first = -1;
        for (Network.Stage st : stages) {
            int i = st.index();
            int outSize = Math.toIntExact(st.out().elements() * batch);
            if (st.layer() instanceof Layer.Softmax) {
                act[i] = i == 0 ? input : act[i - 1];
                grad[i] = i == 0 ? new float[outSize] : grad[i - 1];
                continue;
            }
            act[i] = new float[outSize];
            grad[i] = new float[outSize];
            switch (st.layer()) {
                case Layer.Conv2d c -> {
                    ConvGeometry g = new ConvGeometry(st.in().channels(), st.in().height(), st.in().width(),
                            c.filters(), c.kernel(), c.kernel(), c.stride(), c.padding());
                    geometry[i] = g;
                    cols[i] = new float[Math.toIntExact((long) g.patchSize() * g.outPlane() * batch)];
                    allocParams(i, c.name());
                    if (first < 0) first = i;
                }
                case Layer.Dense d -> {
                    allocParams(i, d.name());
                    if (first < 0) first = i;
                }
                case Layer.Pool p -> { if (p.max()) argmax[i] = new int[outSize]; }
                case Layer.Dropout d -> mult[i] = new float[outSize];
                default -> {}
            }
        }
        firstParamStage = first;
    }

    private void allocParams(int i, String name) {
        w[i] = new float[net.param(name + ".weight").elements()];
        b[i] = new float[net.param(name + ".bias").elements()];
        dw[i] = new float[w[i].length];
        db[i] = new float[b[i].length];
        hw[i] = new float[w[i].length];
        hb[i] = new float[b[i].length];
    }

    public Network network() { return net; }

    public TrainConfig config() { return cfg; }

    /** Seed of the training dropout masks. */
    public long maskSeed() { return cfg.seed() ^ MASK_XOR; }

    /** Caffe-xavier weights, zero biases, from the config's seed. */
    public Map<String, float[]> initialParams() {
        return Xavier.init(net.params(), SplitMix64.derive(cfg.seed(), INIT_STREAM));
    }

    /**
     * Runs {@code config.iterations()} SGD steps from {@code startParams} (null = Xavier init),
     * momentum history starting at zero and the learning-rate schedule at iteration 0. Calls
     * {@code sink} (may be null) every {@code checkpointEvery} steps and once at the end.
     */
    public TrainResult train(TrainingSet data, Map<String, float[]> startParams, CheckpointSink sink,
                             ProgressListener listener) throws IOException {
        checkData(data);
        loadParams(startParams == null ? initialParams() : startParams);
        for (int i = 0; i < stages.size(); i++) {
            if (hw[i] != null) {
                java.util.Arrays.fill(hw[i], 0f);
                java.util.Arrays.fill(hb[i], 0f);
            }
        }
        if (listener == null) listener = ProgressListener.NONE;
        DataOrder order = new DataOrder(data.size(), cfg.subsetFraction(), cfg.subsetSeed(),
                SplitMix64.derive(cfg.seed(), ORDER_STREAM));
        int batch = cfg.batchSize(), total = cfg.iterations();
        double[] window = new double[LOSS_WINDOW];
        long start = System.nanoTime();
        for (int it = 0; it < total; it++) {
            order.batch(it, batch, batchIndices);
            loadBatch(data, batchIndices, batch);
            double loss = forward(batch, it, true);
            if (!Double.isFinite(loss)) {
                throw new IllegalStateException("training diverged: loss " + loss + " at iteration " + it
                        + " (learning rate " + cfg.learningRate(it) + ")");
            }
            backward(batch);
            double rate = cfg.learningRate(it);
            update(rate);

            window[it % LOSS_WINDOW] = loss;
            int done = it + 1;
            double elapsed = (System.nanoTime() - start) * 1e-9;
            listener.progress(new ProgressListener.Progress(done, total, meanLoss(window, done),
                    rate, (double) done * batch / Math.max(elapsed, 1e-9), elapsed));
            if (sink != null && cfg.checkpointEvery() > 0 && done % cfg.checkpointEvery() == 0 && done < total) {
                sink.save(done, currentParams());
            }
        }
        Map<String, float[]> result = currentParams();
        if (sink != null) sink.save(total, currentParams());
        TrainResult r = new TrainResult(result, total, meanLoss(window, total), (System.nanoTime() - start) * 1e-9);
        listener.finished(r);
        return r;
    }

    /** Mean of the window's filled slots, summed in slot order (independent of the running sum). */
    private static double meanLoss(double[] window, int done) {
        int filled = Math.min(done, window.length);
        if (filled == 0) return Double.NaN;
        double s = 0;
        for (int i = 0; i < filled; i++) s += window[i];
        return s / filled;
    }

    /**
     * Training loss of one batch under {@code params}: mean softmax cross-entropy of images
     * {@code indices[0..count)} (count ≤ batchSize), with the training dropout masks of step
     * {@code sample} when {@code dropout}, else dropout as the identity. Overwrites the
     * trainer's working weights.
     */
    public double batchLoss(Map<String, float[]> params, TrainingSet data, int[] indices, int count,
                            long sample, boolean dropout) {
        checkData(data);
        loadParams(params);
        loadBatch(data, indices, count);
        return forward(count, sample, dropout);
    }

    /** Loss and analytic gradients (keyed like the params) of {@link #batchLoss}. */
    public Gradients gradients(Map<String, float[]> params, TrainingSet data, int[] indices, int count,
                               long sample, boolean dropout) {
        double loss = batchLoss(params, data, indices, count, sample, dropout);
        backward(count);
        Map<String, float[]> g = new LinkedHashMap<>();
        for (Network.Stage st : stages) {
            String name = paramName(st.layer());
            if (name == null) continue;
            g.put(name + ".weight", dw[st.index()].clone());
            g.put(name + ".bias", db[st.index()].clone());
        }
        return new Gradients(loss, g);
    }

    /** A batch's loss with the gradient of every parameter tensor. */
    public record Gradients(double loss, Map<String, float[]> grads) {}

    // ---------------------------------------------------------------- one step

    /** Forward pass over n columns; returns the mean loss and leaves dLogits in the last grad. */
    private double forward(int n, long sample, boolean dropout) {
        float[] x = input; // x[C][N][H][W]
        for (Network.Stage st : stages) {
            int i = st.index();
            Shape in = st.in(), out = st.out();
            float[] y = act[i]; // y[C'][N][H'][W']
            switch (st.layer()) {
                case Layer.Conv2d c -> convForward(i, x, n, y);
                case Layer.Dense d -> denseForward(i, x, n, in.channels(), out.channels(), y);
                case Layer.Pool p when p.max() -> Pooling.maxForward(loops, x, in.channels() * n, in.height(), in.width(),
                        p.kernel(), p.stride(), y, argmax[i]);
                case Layer.Pool p -> Pooling.avgForward(loops, x, in.channels() * n, in.height(), in.width(),
                        p.kernel(), p.stride(), y);
                case Layer.Relu r -> Pointwise.reluForward(loops, x, count(in, n), y);
                case Layer.Dropout d -> dropoutForward(i, d, x, in, n, sample, dropout, y);
                case Layer.Flatten f -> Pointwise.flatten(loops, x, in.channels(), n, in.plane(), y); // y[C·H·W][N]
                case Layer.Softmax s -> {} // the loss applies it; act[i] aliases x
            }
            x = y;
        }
        // x = logits[classes][N]; dLogits into grad[last]
        return SoftmaxLoss.forwardBackward(x, labels, net.classes(), n, grad[stages.size() - 1]);
    }

    /** Backward pass over n columns, from grad[last] to every parameter gradient. */
    private void backward(int n) {
        for (int i = stages.size() - 1; i >= 0 && i >= firstParamStage; i--) {
            Network.Stage st = stages.get(i);
            Shape in = st.in(), out = st.out();
            float[] x = i == 0 ? input : act[i - 1];          // x[C][N][H][W]
            float[] dy = grad[i];                             // dY like act[i]
            float[] dx = i > firstParamStage ? grad[i - 1] : null; // dX like x, not needed before the first weights
            switch (st.layer()) {
                case Layer.Conv2d c -> convBackward(i, n, dy, dx);
                case Layer.Dense d -> denseBackward(i, x, n, in.channels(), out.channels(), dy, dx);
                case Layer.Pool p when p.max() -> Pooling.maxBackward(loops, dy, argmax[i], in.channels() * n,
                        in.height(), in.width(), p.kernel(), p.stride(), dx);
                case Layer.Pool p -> Pooling.avgBackward(loops, dy, in.channels() * n, in.height(), in.width(),
                        p.kernel(), p.stride(), dx);
                case Layer.Relu r -> Pointwise.reluBackward(loops, act[i], dy, count(in, n), dx);
                case Layer.Dropout d -> Pointwise.multiply(loops, dy, mult[i], count(in, n), dx);
                case Layer.Flatten f -> Pointwise.unflatten(loops, dy, in.channels(), n, in.plane(), dx);
                case Layer.Softmax s -> {} // grad[i] aliases grad[i-1]
            }
        }
    }

    /** Caffe SGD on every tensor; biases at biasLrMult × rate and biasDecayMult × decay. */
    private void update(double rate) {
        float momentum = (float) cfg.momentum();
        for (int i = 0; i < stages.size(); i++) {
            if (w[i] == null) continue;
            Sgd.step(w[i], dw[i], hw[i], (float) rate, momentum, (float) cfg.weightDecay());
            Sgd.step(b[i], db[i], hb[i], (float) (rate * cfg.biasLrMult()), momentum,
                    (float) (cfg.weightDecay() * cfg.biasDecayMult()));
        }
    }

    // ---------------------------------------------------------------- layers

    private void convForward(int i, float[] x, int n, float[] y) {
        ConvGeometry g = geometry[i];
        int k = g.patchSize(), cout = g.outChannels(), cn = n * g.outPlane();
        Im2col.im2col(loops, x, g, n, cols[i]);                               // cols[K][N·OH·OW]
        gemm.gemm(false, false, cout, cn, k, w[i], 0, cols[i], 0, 0f, y, 0); // y[Cout][N·OH·OW] = W[Cout][K]·cols
        Pointwise.addBias(loops, y, b[i], cout, cn);
    }

    private void convBackward(int i, int n, float[] dy, float[] dx) {
        ConvGeometry g = geometry[i];
        int k = g.patchSize(), cout = g.outChannels(), cn = n * g.outPlane();
        gemm.gemm(false, true, cout, k, cn, dy, 0, cols[i], 0, 0f, dw[i], 0); // dW[Cout][K] = dY[Cout][N·OH·OW]·colsᵀ
        Pointwise.rowSums(loops, dy, cout, cn, db[i]);                               // db[Cout] = Σ dY
        if (dx == null) return;
        gemm.gemm(true, false, k, cn, cout, w[i], 0, dy, 0, 0f, cols[i], 0);  // dCols[K][N·OH·OW] = Wᵀ·dY (reuses cols)
        Im2col.col2im(loops, cols[i], g, n, dx);                                     // dX[Cin][N][H][W]
    }

    private void denseForward(int i, float[] x, int n, int inF, int outF, float[] y) {
        gemm.gemm(false, false, outF, n, inF, w[i], 0, x, 0, 0f, y, 0); // y[out][N] = W[out][in]·x[in][N]
        Pointwise.addBias(loops, y, b[i], outF, n);
    }

    private void denseBackward(int i, float[] x, int n, int inF, int outF, float[] dy, float[] dx) {
        gemm.gemm(false, true, outF, inF, n, dy, 0, x, 0, 0f, dw[i], 0); // dW[out][in] = dY[out][N]·xᵀ
        Pointwise.rowSums(loops, dy, outF, n, db[i]);                          // db[out] = Σ_n dY
        if (dx != null) gemm.gemm(true, false, inF, n, outF, w[i], 0, dy, 0, 0f, dx, 0); // dX[in][N] = Wᵀ·dY
    }

    private void dropoutForward(int i, Layer.Dropout d, float[] x, Shape in, int n, long sample, boolean on, float[] y) {
        int count = count(in, n);
        if (on && d.p() > 0f) {
            Pointwise.dropoutMask(loops, mult[i], in.channels(), n, in.plane(), maskSeed(), sample, i, d.p(),
                    d.perChannel());                                // mult[C][N][H][W]
        } else {
            java.util.Arrays.fill(mult[i], 0, count, 1f);
        }
        Pointwise.multiply(loops, x, mult[i], count, y);
    }

    // ---------------------------------------------------------------- plumbing

    private static int count(Shape s, int n) { return (int) s.elements() * n; }

    private static String paramName(Layer l) {
        return switch (l) {
            case Layer.Conv2d c -> c.name();
            case Layer.Dense d -> d.name();
            default -> null;
        };
    }

    private void checkData(TrainingSet data) {
        if (!data.shape().equals(net.input())) {
            throw new IllegalArgumentException("training images are " + data.shape() + " but '"
                    + net.architecture().name() + "' takes " + net.input());
        }
        if (data.size() <= 0) throw new IllegalArgumentException("empty training set");
    }

    private void loadBatch(TrainingSet data, int[] indices, int n) {
        if (n <= 0 || n > cfg.batchSize()) throw new IllegalArgumentException("batch of " + n + " columns, max " + cfg.batchSize());
        data.gather(indices, n, net.architecture().inputScale(), input); // input[C][N][H][W]
        for (int j = 0; j < n; j++) {
            int l = data.label(indices[j]);
            if (l < 0 || l >= net.classes()) {
                throw new IllegalArgumentException("image " + indices[j] + " has label " + l + ", outside [0, " + net.classes() + ")");
            }
            labels[j] = l;
        }
    }

    private void loadParams(Map<String, float[]> params) {
        for (Network.Stage st : stages) {
            String name = paramName(st.layer());
            if (name == null) continue;
            copyParam(params, net.param(name + ".weight"), w[st.index()]);
            copyParam(params, net.param(name + ".bias"), b[st.index()]);
        }
    }

    private static void copyParam(Map<String, float[]> params, ParamSpec spec, float[] dst) {
        float[] src = params.get(spec.tensorName());
        if (src == null) throw new IllegalArgumentException("missing parameter " + spec.tensorName());
        if (src.length != dst.length) {
            throw new IllegalArgumentException(spec.tensorName() + " has " + src.length + " values, expected " + dst.length);
        }
        System.arraycopy(src, 0, dst, 0, dst.length);
    }

    /** Fresh copies of the working weights, in the network's parameter order. */
    public Map<String, float[]> currentParams() {
        Map<String, float[]> out = new LinkedHashMap<>();
        for (Network.Stage st : stages) {
            String name = paramName(st.layer());
            if (name == null) continue;
            out.put(name + ".weight", w[st.index()].clone());
            out.put(name + ".bias", b[st.index()].clone());
        }
        return out;
    }
}
