package dev.mcdrop.cuda;

import static org.junit.jupiter.api.Assertions.*;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.mcdrop.backend.Pairs;
import dev.mcdrop.rng.DropoutMask;
import dev.mcdrop.rng.Philox4x32;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The device mask source is bit-identical to Java's: native-kernels/philox.cuh is compiled for the
 * host with gcc (src/test/c/philox_host.c) and its words and keep bits for random (seed, pairs,
 * layer, column, element, threshold) — extreme values included — are compared with
 * {@link Philox4x32} / {@link DropoutMask}. Skipped when gcc is not installed. (The kernels'
 * thread mapping on top of this is checked on a GPU by CudaBackendTest.)
 */
class PhiloxCudaSourceTest {

    @Test
    void deviceSourceMatchesJavaMasks(@TempDir Path tmp) throws Exception {
        Path exe = tmp.resolve("philox_host");
        Process cc;
        try {
            cc = new ProcessBuilder("gcc", "-std=c99", "-O2", "-Wall", "-Werror", "-Inative-kernels",
                    "src/test/c/philox_host.c", "-o", exe.toString()).redirectErrorStream(true).start();
        } catch (java.io.IOException e) {
            assumeTrue(false, "gcc not available, cannot host-compile philox.cuh: " + e.getMessage());
            return;
        }
        String ccOut = new String(cc.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(cc.waitFor(60, TimeUnit.SECONDS) && cc.exitValue() == 0, "gcc failed:\n" + ccOut);

        Random rnd = new Random(2024);
        record Case(long seed, Pairs pairs, int layer, int column, long key, int threshold) {}
        List<Case> cases = new ArrayList<>();
        long[] seeds = {0, 1, -1, 0x123456789ABCDEFL, Long.MIN_VALUE};
        for (int i = 0; i < 2000; i++) {
            long seed = i < seeds.length ? seeds[i] : rnd.nextLong();
            Pairs pairs = new Pairs(rnd.nextInt(4) == 0 ? (1L << 33) + rnd.nextInt(1000) : rnd.nextInt(10000),
                    1 + rnd.nextInt(300), rnd.nextInt(3) == 0 ? (1L << 32) + rnd.nextInt(50) : rnd.nextInt(100000));
            float p = i % 7 == 0 ? 0f : rnd.nextFloat() * 0.99f;
            long key = rnd.nextInt(3) == 0 ? (1L << 34) + rnd.nextInt(1 << 20) : rnd.nextInt(1 << 22);
            cases.add(new Case(seed, pairs, rnd.nextInt(64), rnd.nextInt(4096), key, DropoutMask.dropThreshold(p)));
        }
        StringBuilder input = new StringBuilder();
        for (Case c : cases) {
            input.append(Long.toUnsignedString(c.seed)).append(' ').append(c.pairs.firstPair()).append(' ')
                    .append(c.pairs.batchImages()).append(' ').append(c.pairs.imageBase()).append(' ')
                    .append(c.layer).append(' ').append(c.column).append(' ').append(c.key).append(' ')
                    .append(Integer.toUnsignedString(c.threshold)).append('\n');
        }
        Process run = new ProcessBuilder(exe.toString()).start();
        run.getOutputStream().write(input.toString().getBytes(StandardCharsets.US_ASCII));
        run.getOutputStream().close();
        List<String> lines = new String(run.getInputStream().readAllBytes(), StandardCharsets.US_ASCII).lines().toList();
        assertTrue(run.waitFor(60, TimeUnit.SECONDS) && run.exitValue() == 0, "harness failed");
        assertEquals(cases.size(), lines.size(), "harness output lines");

        for (int i = 0; i < cases.size(); i++) {
            Case c = cases.get(i);
            String[] f = lines.get(i).split(" ");
            for (int j = 0; j < 4; j++) {
                long element = c.key + j;
                int expectedWord = Philox4x32.word(DropoutMask.blockCounter(element), (int) c.pairs.imageOf(c.column),
                        (int) c.pairs.sampleOf(c.column), c.layer, (int) c.seed, (int) (c.seed >>> 32),
                        DropoutMask.wordIndex(element));
                boolean expectedKeep = DropoutMask.keep(c.seed, c.pairs.sampleOf(c.column), c.pairs.imageOf(c.column),
                        c.layer, element, c.threshold);
                assertEquals(Integer.toUnsignedString(expectedWord), f[2 * j], "word, case " + c + " element " + element);
                assertEquals(expectedKeep ? "1" : "0", f[2 * j + 1], "keep, case " + c + " element " + element);
            }
        }
    }
}
