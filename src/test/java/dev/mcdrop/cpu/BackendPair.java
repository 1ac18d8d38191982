package dev.mcdrop.cpu;

import dev.mcdrop.backend.Buffer;
import dev.mcdrop.backend.ReferenceBackend;

import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.fail;

/** Test helper: the same data in a CpuBackend and the float64 ReferenceBackend, and comparisons. */
final class BackendPair implements AutoCloseable {
    final CpuBackend cpu;
    final ReferenceBackend ref = new ReferenceBackend();
    final Random random;

    BackendPair(int threads, long seed) {
        cpu = new CpuBackend(threads);
        random = new Random(seed);
    }

    /** Buffers holding the same values on both backends. */
    record Twin(Buffer cpu, Buffer ref, int size) {}

    Twin twin(float[] values) {
        Twin t = new Twin(cpu.allocate(values.length), ref.allocate(values.length), values.length);
        cpu.upload(values, 0, t.cpu, 0, values.length);
        ref.upload(values, 0, t.ref, 0, values.length);
        return t;
    }

    Twin randomTwin(int size, float scale) { return twin(random(size, scale)); }

    float[] random(int size, float scale) {
        float[] v = new float[size];
        for (int i = 0; i < size; i++) v[i] = (2 * random.nextFloat() - 1) * scale;
        return v;
    }

    float[] cpuValues(Twin t) {
        float[] out = new float[t.size];
        cpu.download(t.cpu, 0, out, 0, t.size);
        return out;
    }

    float[] refValues(Twin t) {
        float[] out = new float[t.size];
        ref.download(t.ref, 0, out, 0, t.size);
        return out;
    }

    /** |cpu − ref| ≤ abs + rel·|ref| element-wise. */
    void assertClose(Twin t, double abs, double rel, String what) {
        float[] c = cpuValues(t), r = refValues(t);
        assertEquals(r.length, c.length);
        for (int i = 0; i < c.length; i++) {
            if (!(Math.abs(c[i] - r[i]) <= abs + rel * Math.abs(r[i]))) {
                fail(what + ": element " + i + " cpu=" + c[i] + " reference=" + r[i]);
            }
        }
    }

    @Override
    public void close() { cpu.close(); }
}
