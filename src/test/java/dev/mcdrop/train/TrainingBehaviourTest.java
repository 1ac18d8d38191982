package dev.mcdrop.train;

import dev.mcdrop.model.Architecture;
import dev.mcdrop.model.Layer;
import dev.mcdrop.model.Network;
import dev.mcdrop.model.Shape;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import dev.mcdrop.cpu.WorkerPool;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** End-to-end: learning works, runs are bit-reproducible, checkpoints and progress are reported. */
class TrainingBehaviourTest {

    private static Network barsNet() {
        return new Architecture("bars", new Shape(1, 8, 8), 1f / 256f, List.of(
                new Layer.Conv2d("c1", 4, 3, 1, 0), new Layer.Relu(), new Layer.Dropout(0.25f, false),
                new Layer.Pool(true, 2, 2), new Layer.Flatten(), new Layer.Dense("d1", 2), new Layer.Softmax())).compile();
    }

    @Test
    void lossDropsOnSeparableBars() throws Exception {
        Network net = barsNet();
        ArrayTrainingSet data = TestNets.bars(256, 1);
        Trainer t = new Trainer(net, TrainConfig.paper(300, 42).withBatchSize(16), NaiveGemm.INSTANCE);
        Map<String, float[]> init = t.initialParams();
        int[] all = new int[16];
        for (int i = 0; i < 16; i++) all[i] = i;
        double before = t.batchLoss(init, data, all, 16, 0, false);
        TrainResult r = t.train(data, init, null, null);
        double after = t.batchLoss(r.params(), data, all, 16, 0, false);
        assertEquals(300, r.iterations());
        assertTrue(before > 0.5, "initial loss " + before);
        assertTrue(after < 0.1 * before && after < 0.05, "loss " + before + " -> " + after);
        assertTrue(r.finalLoss() < 0.2, "running loss " + r.finalLoss());
    }

    @Test
    void divergenceStopsTheRun() {
        Network net = barsNet();
        Trainer t = new Trainer(net, TrainConfig.paper(50, 1).withBatchSize(8).withBaseLr(1e12), NaiveGemm.INSTANCE);
        IllegalStateException e = org.junit.jupiter.api.Assertions.assertThrows(IllegalStateException.class,
                () -> t.train(TestNets.bars(64, 3), null, null, null));
        assertTrue(e.getMessage().contains("diverged"), e.getMessage());
    }

    /** A net big enough that the parallel loops really fork (work above Loops.MIN_WORK). */
    private static Network parallelNet() {
        return new Architecture("par", new Shape(2, 16, 16), 1f / 256f, List.of(
                new Layer.Conv2d("c1", 8, 3, 1, 1), new Layer.Dropout(0.5f, false), new Layer.Pool(true, 2, 2),
                new Layer.Conv2d("c2", 6, 3, 2, 0), new Layer.Relu(), new Layer.Dropout(0.2f, true),
                new Layer.Pool(false, 2, 1), new Layer.Flatten(), new Layer.Dense("d1", 10), new Layer.Relu(),
                new Layer.Dropout(0.5f, false), new Layer.Dense("d2", 3), new Layer.Softmax())).compile();
    }

    private static Map<String, float[]> run(Network net, long seed, int threads) throws Exception {
        ArrayTrainingSet data = TestNets.randomSet(net.input(), 100, net.classes(), 9);
        TrainConfig cfg = TrainConfig.paper(12, seed).withBatchSize(32);
        try (WorkerPool pool = new WorkerPool(threads)) {
            return new Trainer(net, cfg, NaiveGemm.INSTANCE, Loops.on(pool)).train(data, null, null, null).params();
        }
    }

    @Test
    void sameSeedSameBitsWhateverTheThreadCount() throws Exception {
        Network net = parallelNet();
        Map<String, float[]> a = run(net, 7, 1), b = run(net, 7, 3), c = run(net, 8, 1);
        boolean anyDiffers = false;
        for (String name : a.keySet()) {
            int[] ab = bits(a.get(name)), bb = bits(b.get(name));
            assertArrayEquals(ab, bb, name);
            anyDiffers |= !Arrays.equals(ab, bits(c.get(name)));
        }
        assertTrue(anyDiffers, "a different seed must give different weights");
        assertFalse(Arrays.equals(bits(a.get("c1.weight")), bits(c.get("c1.weight"))));
    }

    private static int[] bits(float[] v) {
        int[] b = new int[v.length];
        for (int i = 0; i < v.length; i++) b[i] = Float.floatToRawIntBits(v[i]);
        return b;
    }

    @Test
    void checkpointsAndProgress() throws Exception {
        Network net = barsNet();
        ArrayTrainingSet data = TestNets.bars(64, 2);
        TrainConfig cfg = TrainConfig.paper(10, 1).withBatchSize(8).withCheckpointEvery(4);
        List<Integer> saved = new ArrayList<>();
        List<ProgressListener.Progress> seen = new ArrayList<>();
        Map<String, float[]>[] last = new Map[1];
        TrainResult r = new Trainer(net, cfg, NaiveGemm.INSTANCE).train(data, null,
                (it, params) -> { saved.add(it); last[0] = params; }, seen::add);
        assertEquals(List.of(4, 8, 10), saved);
        assertEquals(10, seen.size());
        assertEquals(10, seen.get(9).iteration());
        assertEquals(cfg.learningRate(9), seen.get(9).learningRate(), 0);
        assertEquals(List.of("c1.weight", "c1.bias", "d1.weight", "d1.bias"), List.copyOf(last[0].keySet()));
        assertArrayEquals(r.params().get("d1.weight"), last[0].get("d1.weight"));
        assertEquals(4 * 9, last[0].get("c1.weight").length); // OIHW 4×1×3×3
    }
}
