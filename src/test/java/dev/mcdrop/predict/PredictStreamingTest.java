package dev.mcdrop.predict;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.mcdrop.backend.Backend;
import dev.mcdrop.cpu.CpuBackend;
import dev.mcdrop.model.Architecture;
import dev.mcdrop.model.Weights;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * {@link McPredictor#predictStreaming}: batches of 64, 128, … images up to B, each handed over in
 * order as soon as it is summarised, pass counts after every chunk — and the very same predictions
 * as {@link McPredictor#predict} (no result depends on batch sizes).
 */
class PredictStreamingTest {
    @Test
    void batchesGrowFromTheFirstSmallOneAndGiveTheSameAnswers() {
        Architecture a = TestNets.mixed();
        Weights w = TestNets.randomWeights(a, 11);
        TestNets.Images images = TestNets.Images.random(a.input(), 700, 12);
        McOptions o = McOptions.defaults().withSamples(5).withBatch(300);
        List<int[]> batches = new ArrayList<>();   // {first, size}
        List<long[]> passes = new ArrayList<>();   // {done, total}
        ImagePrediction[] streamed, plain;
        List<ImagePrediction> received = new ArrayList<>();
        try (Backend cpu = new CpuBackend(2); McPredictor mc = new McPredictor(cpu, w, o)) {
            streamed = mc.predictStreaming(images, new McListener() {
                @Override public void passes(long done, long total) { passes.add(new long[]{done, total}); }

                @Override public void predicted(int first, ImagePrediction[] batch) {
                    batches.add(new int[]{first, batch.length});
                    received.addAll(List.of(batch));
                }
            }, null);
            plain = mc.predict(images);
        }
        int[][] expected = {{0, 64}, {64, 128}, {192, 256}, {448, 252}};
        assertEquals(expected.length, batches.size());
        for (int i = 0; i < expected.length; i++) assertArrayEquals(expected[i], batches.get(i), "batch " + i);
        assertEquals(700, received.size());
        for (int i = 0; i < plain.length; i++) {
            assertArrayEquals(plain[i].meanProbs(), streamed[i].meanProbs(), 0f, "image " + i);
            assertArrayEquals(plain[i].meanProbs(), received.get(i).meanProbs(), 0f, "image " + i + " as handed over");
            assertEquals(plain[i].predictedStd(), streamed[i].predictedStd(), 0.0);
        }
        long previous = 0;
        for (long[] p : passes) {
            assertEquals(5L * 700, p[1]);
            assertTrue(p[0] > previous && p[0] <= p[1], "passes grow");
            previous = p[0];
        }
        assertEquals(5L * 700, previous, "every pass counted");
    }

    @Test
    void passesAreCountedChunkByChunk() {
        Architecture a = TestNets.mixed();
        Weights w = TestNets.randomWeights(a, 11);
        TestNets.Images images = TestNets.Images.random(a.input(), 100, 12);
        List<Long> done = new ArrayList<>();
        try (Backend cpu = new CpuBackend(2);
             McPredictor mc = new McPredictor(cpu, w, McOptions.defaults().withSamples(5).withMemory(400_000))) {
            mc.predictStreaming(images, new McListener() {
                @Override public void passes(long d, long total) { done.add(d); }
            }, null);
            long chunksPerBatch = (5L * 64 + mc.chunkColumns() - 1) / mc.chunkColumns();
            assertTrue(chunksPerBatch > 1, "the budget splits a batch into chunks");
            assertTrue(done.size() >= chunksPerBatch + 1, "one count per chunk: " + done);
            assertEquals((long) mc.chunkColumns(), done.get(0), "the first count is the first chunk");
        }
    }
}
