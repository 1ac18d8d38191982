package dev.mcdrop.rng;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.Random;
import org.junit.jupiter.api.Test;

/** The vectorised mask generator is bit-identical to the scalar definition, at any alignment. */
class PhiloxBulkTest {
    @Test
    void matchesScalarDefinitionAtAnyOffsetAndLength() {
        Random r = new Random(3);
        float[] scratch = new float[PhiloxBulk.GROUP];
        for (int trial = 0; trial < 300; trial++) {
            long seed = r.nextLong(), sample = r.nextInt(1000), image = r.nextInt(100000);
            int layer = r.nextInt(12);
            long first = trial < 10 ? trial : r.nextInt(50000);
            int count = trial < 10 ? 1 + trial * 7 : 1 + r.nextInt(300);
            float p = new float[]{0.1f, 0.5f, 0.9f}[trial % 3];
            int t = DropoutMask.dropThreshold(p);
            float scale = DropoutMask.keepScale(p);
            float[] out = new float[count + 5];
            PhiloxBulk.multipliers(seed, sample, image, layer, first, count, t, scale, out, 2, scratch);
            for (int i = 0; i < count; i++) {
                float want = DropoutMask.keep(seed, sample, image, layer, first + i, t) ? scale : 0f;
                assertEquals(want, out[2 + i], "trial " + trial + " element " + (first + i));
            }
            assertEquals(0f, out[0]);
            assertEquals(0f, out[count + 2]);
        }
    }
}
