package dev.mcdrop.train;

import dev.mcdrop.model.Network;
import dev.mcdrop.model.ParamSpec;
import dev.mcdrop.model.Presets;
import dev.mcdrop.model.Shape;
import org.junit.jupiter.api.Test;

import java.util.Arrays;
import java.util.Map;
import java.util.TreeSet;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Subset selection, per-epoch order, and the Xavier filler. */
class DataAndInitTest {

    @Test
    void subsetQuarterOf400IsExactly100DistinctReproducibleIndices() throws Exception {
        int[] s = DataOrder.subset(400, 0.25, 5);
        assertEquals(100, s.length);
        assertEquals(100, Arrays.stream(s).distinct().count());
        assertTrue(Arrays.stream(s).allMatch(i -> i >= 0 && i < 400));
        assertArrayEquals(s, DataOrder.subset(400, 0.25, 5));
        assertFalse(Arrays.equals(s, DataOrder.subset(400, 0.25, 6)));
        for (double f : new double[]{1 / 8.0, 1 / 16.0, 1 / 32.0}) {
            assertEquals(Math.round(400 * f), DataOrder.subset(400, f, 5).length);
        }

        // Through the trainer: every image it gathers is in the subset, and all 100 get used.
        Network net = TestNets.tiny();
        ArrayTrainingSet base = TestNets.randomSet(net.input(), 400, net.classes(), 3);
        TreeSet<Integer> used = new TreeSet<>();
        TrainingSet recording = new TrainingSet() {
            public int size() { return base.size(); }
            public int label(int i) { return base.label(i); }
            public Shape shape() { return base.shape(); }
            public void gather(int[] idx, int count, float scale, float[] dst) {
                for (int i = 0; i < count; i++) used.add(idx[i]);
                base.gather(idx, count, scale, dst);
            }
        };
        TrainConfig cfg = TrainConfig.paper(20, 77).withBatchSize(10).withSubset(0.25, 5);
        new Trainer(net, cfg, NaiveGemm.INSTANCE).train(recording, null, null, null);
        assertEquals(100, used.size());
        assertArrayEquals(s, used.stream().mapToInt(Integer::intValue).toArray());
    }

    @Test
    void everyEpochIsAPermutationAndEpochsDiffer() {
        DataOrder o = new DataOrder(50, 1.0, 0, 123);
        int[] batch = new int[10];
        int[][] epochs = new int[2][50];
        for (int it = 0; it < 10; it++) {
            o.batch(it, 10, batch);
            System.arraycopy(batch, 0, epochs[it / 5], (it % 5) * 10, 10);
        }
        for (int[] e : epochs) assertEquals(50, Arrays.stream(e).distinct().count());
        assertFalse(Arrays.equals(epochs[0], epochs[1]));
        // a batch straddling the epoch boundary (batch 30 over 50 images) reads the same stream
        DataOrder o2 = new DataOrder(50, 1.0, 0, 123);
        int[] big = new int[30];
        o2.batch(1, 30, big); // stream positions 30..59
        for (int i = 0; i < 30; i++) assertEquals(epochs[(30 + i) / 50][(30 + i) % 50], big[i]);
    }

    @Test
    void xavierBoundsZeroBiasesAndVariance() {
        Network net = Presets.get("lenet-all").compile();
        Trainer t = new Trainer(net, TrainConfig.paper(1, 2024), NaiveGemm.INSTANCE);
        Map<String, float[]> p = t.initialParams();
        assertEquals(net.params().size(), p.size());
        for (ParamSpec spec : net.params()) {
            float[] v = p.get(spec.tensorName());
            assertEquals(spec.elements(), v.length);
            if (spec.bias()) {
                for (float x : v) assertEquals(0f, x, spec.tensorName());
                continue;
            }
            double a = Math.sqrt(3.0 / spec.fanIn());
            double sum = 0, sq = 0;
            for (float x : v) {
                assertTrue(Math.abs(x) <= (float) a, spec.tensorName() + " value " + x + " outside ±" + a);
                sum += x;
                sq += (double) x * x;
            }
            double mean = sum / v.length, var = sq / v.length - mean * mean, expected = a * a / 3;
            double tol = 6 * expected * Math.sqrt(0.8 / v.length); // 6σ: Var(x²) = 4a⁴/45 = 0.8·(a²/3)²
            assertEquals(expected, var, tol, spec.tensorName() + " variance");
            assertEquals(0, mean, 6 * a / Math.sqrt(3 * v.length), spec.tensorName() + " mean");
        }
        assertArrayEquals(p.get("conv1.weight"), t.initialParams().get("conv1.weight"));
        assertFalse(Arrays.equals(p.get("conv1.weight"),
                new Trainer(net, TrainConfig.paper(1, 2025), NaiveGemm.INSTANCE).initialParams().get("conv1.weight")));
        assertEquals(25, net.param("conv1.weight").fanIn());
        assertEquals(800, net.param("ip1.weight").fanIn());
    }
}
