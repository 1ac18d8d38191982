package dev.mcdrop.predict;

import dev.mcdrop.backend.Activation;
import dev.mcdrop.backend.Backend;
import dev.mcdrop.backend.Buffer;
import dev.mcdrop.backend.ConvGeometry;
import dev.mcdrop.backend.PoolGeometry;
import dev.mcdrop.model.Layer;
import dev.mcdrop.model.Network;
import dev.mcdrop.model.Shape;
import dev.mcdrop.model.Weights;
import java.util.ArrayList;
import java.util.List;

/**
 * A network turned into backend steps, with its weights uploaded once. Split at the first
 * dropout: {@link #prefix} is deterministic and runs once per image; {@link #expand} replicates
 * its output into the T samples (and pools it, when a pooling layer follows the dropout); {@link #sampled} runs on every (sample, image) pair. Without
 * dropout, everything is prefix and MC prediction equals standard prediction.
 */
final class CompiledNetwork implements AutoCloseable {
    final Network network;
    final List<Step> prefix;
    final Step.Expand expand; // null without dropout
    final List<Step> sampled;
    private final List<Buffer> owned = new ArrayList<>();
    final Buffer zeroBias;

    CompiledNetwork(Backend backend, Weights weights) {
        try {
            this.network = weights.network();
            List<Network.Stage> stages = network.stages();
            int end = stages.size();
            if (stages.get(end - 1).layer() instanceof Layer.Softmax) end--; // mcAccumulate / softmax does it
            int maxChannels = 1;
            for (Network.Stage s : stages) maxChannels = Math.max(maxChannels, s.out().channels());
            zeroBias = own(backend.allocate(maxChannels));
            backend.zero(zeroBias, 0, maxChannels);

            int split = network.firstDropout() < 0 ? end : network.firstDropout();
            prefix = compile(backend, weights, stages, 0, split);
            if (split < end) {
                Network.Stage d = stages.get(split);
                List<Step> after = compile(backend, weights, stages, split + 1, end);
                if (!after.isEmpty() && after.getFirst() instanceof Step.Pool p) { // LeNet: dropout → pool, fused
                    expand = new Step.Expand(d.in(), p.out(), (Layer.Dropout) d.layer(), d.index(), p.geometry());
                    sampled = List.copyOf(after.subList(1, after.size()));
                } else {
                    expand = new Step.Expand(d.in(), d.out(), (Layer.Dropout) d.layer(), d.index(), null);
                    sampled = after;
                }
            } else {
                expand = null;
                sampled = List.of();
            }
        } catch (RuntimeException | OutOfMemoryError e) { // e.g. out of device memory uploading weights: free what was uploaded
            close();
            throw e;
        }
    }

    private List<Step> compile(Backend backend, Weights weights, List<Network.Stage> stages, int from, int to) {
        List<Step> steps = new ArrayList<>();
        int i = from;
        while (i < to) {
            Network.Stage s = stages.get(i);
            // Absorb following ReLU / dropout layers (they commute: the dropout scale is positive).
            Activation act = Activation.IDENTITY;
            Layer.Dropout drop = null;
            int dropLayer = -1;
            int j = i + (s.layer() instanceof Layer.Relu || s.layer() instanceof Layer.Dropout ? 0 : 1);
            while (j < to) {
                Layer next = stages.get(j).layer();
                if (next instanceof Layer.Relu && act == Activation.IDENTITY) act = Activation.RELU;
                else if (next instanceof Layer.Dropout d && drop == null) { drop = d; dropLayer = j; }
                else break;
                j++;
            }
            Shape in = s.in(), out = stages.get(Math.max(i, j - 1)).out();
            PoolGeometry fusedPool = null; // a pooling layer right after a conv (and its activation, dropout) joins it
            if (s.layer() instanceof Layer.Conv2d && j < to && stages.get(j).layer() instanceof Layer.Pool p) {
                fusedPool = poolGeometry(p, stages.get(j).in());
                out = stages.get(j).out();
                j++;
            }
            switch (s.layer()) {
                case Layer.Conv2d c -> steps.add(new Step.Conv(in, out,
                        new ConvGeometry(in.channels(), in.height(), in.width(), c.filters(), c.kernel(), c.kernel(),
                                c.stride(), c.padding()),
                        upload(backend, weights, c.name() + ".weight"), upload(backend, weights, c.name() + ".bias"),
                        act, drop, dropLayer, fusedPool));
                case Layer.Dense d -> steps.add(new Step.Dense(in, out,
                        upload(backend, weights, d.name() + ".weight"), upload(backend, weights, d.name() + ".bias"),
                        act, drop, dropLayer));
                case Layer.Relu r -> steps.add(new Step.Pointwise(in, out, act, drop, dropLayer));
                case Layer.Dropout r -> steps.add(new Step.Pointwise(in, out, act, drop, dropLayer));
                case Layer.Pool p -> steps.add(new Step.Pool(in, s.out(), poolGeometry(p, in)));
                case Layer.Flatten f -> steps.add(new Step.Flatten(in, s.out()));
                case Layer.Softmax x -> throw new IllegalStateException("softmax is handled by the reduction");
            }
            // Pool and flatten do not absorb: continue right after them.
            i = (s.layer() instanceof Layer.Pool || s.layer() instanceof Layer.Flatten) ? i + 1 : Math.max(j, i + 1);
        }
        return steps;
    }

    private static PoolGeometry poolGeometry(Layer.Pool p, Shape in) {
        return new PoolGeometry(p.max() ? PoolGeometry.PoolKind.MAX : PoolGeometry.PoolKind.AVERAGE,
                in.height(), in.width(), p.kernel(), p.stride());
    }

    private Buffer upload(Backend backend, Weights weights, String name) {
        float[] data = weights.tensor(name);
        Buffer b = own(backend.allocate(data.length));
        backend.upload(data, 0, b, 0, data.length);
        return b;
    }

    private Buffer own(Buffer b) {
        owned.add(b);
        return b;
    }

    /** Elements per column of the largest activation among {@code steps} (inputs and outputs). */
    static long maxActivation(List<Step> steps, Shape first) {
        long m = first.elements();
        for (Step s : steps) m = Math.max(m, s.maxElements());
        return m;
    }

    static long maxScratch(List<Step> steps) {
        long m = 0;
        for (Step s : steps) m = Math.max(m, s.scratchPerColumn());
        return m;
    }

    /** Bytes per column the backend's convolutions among {@code steps} hold for themselves (see Backend#conv2dOwnBytesPerColumn). */
    static long maxConvOwnBytes(List<Step> steps, Backend backend) {
        long m = 0;
        for (Step s : steps) if (s instanceof Step.Conv c) m = Math.max(m, backend.conv2dOwnBytesPerColumn(c.geometry()));
        return m;
    }

    @Override
    public void close() {
        for (Buffer b : owned) b.close();
        owned.clear();
    }
}
