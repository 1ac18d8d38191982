package dev.mcdrop.train;

import dev.mcdrop.model.Network;
import org.junit.jupiter.api.Test;

import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The Caffe solver pieces: "inv" schedule, the momentum update, and bias lr/decay multipliers. */
class SolverTest {

    @Test
    void invSchedule() {
        TrainConfig c = TrainConfig.paper(10000, 1);
        assertEquals(0.01, c.learningRate(0), 0);
        assertEquals(0.01 * Math.pow(2, -0.75), c.learningRate(10000), 1e-15);
        assertEquals(0.01 * Math.pow(1.5, -0.75), LearningRate.inv(0.01, 1e-4, 0.75, 5000), 1e-15);
        assertTrue(c.learningRate(100) < c.learningRate(99));
        assertEquals(0.9, c.momentum());
        assertEquals(5e-4, c.weightDecay());
        assertEquals(64, c.batchSize());
        assertEquals(2.0, c.biasLrMult());
        assertEquals(1.0, c.biasDecayMult());
    }

    @Test
    void momentumStepsByHand() {
        float[] w = {1.0f, -2.0f};
        float[] h = {0f, 0f};
        // step 1: diff = g + 0.1·w = {0.6, -0.7}; h = 0.5·diff = {0.3, -0.35}; w = {0.7, -1.65}
        Sgd.step(w, new float[]{0.5f, -0.5f}, h, 0.5f, 0.9f, 0.1f);
        assertEquals(0.3f, h[0], 1e-7f);
        assertEquals(-0.35f, h[1], 1e-7f);
        assertEquals(0.7f, w[0], 1e-7f);
        assertEquals(-1.65f, w[1], 1e-7f);
        // step 2: diff = {0.2+0.07, 0-0.165} = {0.27, -0.165}; h = 0.9·h + 0.5·diff = {0.405, -0.3975}
        Sgd.step(w, new float[]{0.2f, 0f}, h, 0.5f, 0.9f, 0.1f);
        assertEquals(0.405f, h[0], 1e-6f);
        assertEquals(-0.3975f, h[1], 1e-6f);
        assertEquals(0.7f - 0.405f, w[0], 1e-6f);
        assertEquals(-1.65f + 0.3975f, w[1], 1e-6f);
    }

    /** One real training step: weights move by rate·(g + decay·w), biases by 2·rate·(g + decay_mult·decay·b). */
    @Test
    void firstTrainingStepUsesCaffeRatesForWeightsAndBiases() throws Exception {
        Network net = TestNets.tiny();
        int batch = 8;
        for (double biasDecayMult : new double[]{1.0, 0.0}) {
            TrainConfig cfg = new TrainConfig(1, batch, 0.05, 0.9, 0.01, 1e-4, 0.75, 2.0, biasDecayMult, 3,
                    1.0, 0, 0, 100);
            Trainer t = new Trainer(net, cfg, NaiveGemm.INSTANCE);
            ArrayTrainingSet data = TestNets.randomSet(net.input(), batch, net.classes(), 5); // one batch = whole set
            Map<String, float[]> start = t.initialParams();
            for (float[] v : start.values()) for (int i = 0; i < v.length; i++) if (v[i] == 0f) v[i] = 0.05f * (i % 3 - 1);
            int[] idx = {0, 1, 2, 3, 4, 5, 6, 7};
            Map<String, float[]> g = t.gradients(start, data, idx, batch, 0, false).grads();
            Map<String, float[]> after = t.train(data, start, null, null).params();
            for (String name : start.keySet()) {
                boolean bias = name.endsWith(".bias");
                double rate = 0.05 * (bias ? 2 : 1), decay = 0.01 * (bias ? biasDecayMult : 1);
                float[] w0 = start.get(name), w1 = after.get(name), gr = g.get(name);
                for (int i = 0; i < w0.length; i++) {
                    double expected = w0[i] - rate * (gr[i] + decay * w0[i]);
                    assertEquals(expected, w1[i], 1e-6 + 1e-5 * Math.abs(expected), name + "[" + i + "]");
                }
            }
        }
    }

    @Test
    void recipeIsTheOneLineRecordedInCheckpoints() {
        TrainConfig paper = TrainConfig.paper(10, 1);
        assertEquals("SGD momentum 0.9, weight decay 5e-4, lr 0.01*(1+1e-4*iter)^-0.75, bias lr x2, batch 64, Xavier", paper.recipe());
        assertEquals("SGD momentum 0.9, weight decay 5e-4, lr 0.05*(1+1e-4*iter)^-0.75, bias lr x2, batch 32, Xavier",
                paper.withBaseLr(0.05).withBatchSize(32).recipe());
        assertEquals("1", paper.subsetDescription());
        assertEquals("0.25 (seed 3)", paper.withSubset(0.25, 3).subsetDescription());
    }
}
