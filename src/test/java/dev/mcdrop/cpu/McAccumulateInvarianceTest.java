package dev.mcdrop.cpu;

import dev.mcdrop.backend.McAccumulators;
import dev.mcdrop.backend.Pairs;
import org.junit.jupiter.api.Test;

import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;

/**
 * The MC reduction is deterministic: the accumulators are bit-identical for 1, 2 and 3 threads,
 * and for one chunk of all T·B pairs versus several chunks of uneven sizes.
 */
class McAccumulateInvarianceTest {
    private static final int CLASSES = 10, IMAGES = 64, SAMPLES = 50, PAIRS = IMAGES * SAMPLES;

    private static float[] logitsOfAllPairs() {
        Random r = new Random(11);
        float[] all = new float[CLASSES * PAIRS]; // [classes][pairs]
        for (int i = 0; i < all.length; i++) all[i] = (float) (r.nextGaussian() * 4);
        return all;
    }

    /** Accumulates the pairs in chunks of the given sizes (a chunk's logits are [classes][chunk]). */
    private static float[] accumulate(int threads, float[] all, int... chunkSizes) {
        try (CpuBackend cpu = new CpuBackend(threads)) {
            CpuBuffer acc = cpu.allocate((long) IMAGES * McAccumulators.width(CLASSES));
            CpuBuffer chunk = cpu.allocate((long) CLASSES * PAIRS);
            int first = 0;
            for (int size : chunkSizes) {
                for (int k = 0; k < CLASSES; k++) {
                    System.arraycopy(all, k * PAIRS + first, chunk.array(), k * size, size);
                }
                cpu.mcAccumulate(chunk, 0, CLASSES, size, new Pairs(first, IMAGES, 0), acc);
                first += size;
            }
            if (first != PAIRS) throw new IllegalArgumentException("chunks must cover all pairs");
            return acc.array().clone();
        }
    }

    @Test
    void bitIdenticalForOneTwoAndThreeThreads() {
        float[] all = logitsOfAllPairs();
        float[] one = accumulate(1, all, PAIRS);
        assertArrayEquals(one, accumulate(2, all, PAIRS));
        assertArrayEquals(one, accumulate(3, all, PAIRS));
        assertArrayEquals(one, accumulate(3, all, 1000, PAIRS - 1000));
    }

    @Test
    void bitIdenticalForOneChunkAndUnevenChunks() {
        float[] all = logitsOfAllPairs();
        float[] whole = accumulate(2, all, PAIRS);
        assertArrayEquals(whole, accumulate(2, all, 7, 33, 1, 64, 1000, 95, PAIRS - 1200));
        assertArrayEquals(whole, accumulate(2, all, 63, 65, 129, PAIRS - 257));
        assertArrayEquals(whole, accumulate(1, all, PAIRS - 1, 1));
    }
}
