package dev.mcdrop.cpu;
import dev.mcdrop.backend.ConvGeometry;

/**
 * Not a test: times the implicit-GEMM convolution of LeNet's conv2 over 1,910 columns on one thread,
 * and the B-panel packing inside it on its own (medians of 30 after 5 warm-ups).
 * {@code java --add-modules jdk.incubator.vector -cp target/classes:target/test-classes dev.mcdrop.cpu.ConvPackBench}
 */
public final class ConvPackBench {
    public static void main(String[] a) {
        int cols = 1910;
        ConvGeometry g = new ConvGeometry(20, 12, 12, 50, 5, 5, 1, 0);
        float[] in = new float[20 * cols * 144];
        java.util.Random r = new java.util.Random(1);
        for (int i = 0; i < in.length; i++) in[i] = r.nextFloat();
        Im2colPanels p = new Im2colPanels().reset(in, 0, g, cols);
        int n = cols * 64, k = 500;
        float[] bp = new float[256 * Sgemm.NB];
        float[] w = new float[50 * 500]; for (int i = 0; i < w.length; i++) w[i] = r.nextFloat();
        float[] out = new float[50 * n];
        try (CpuBackend cpu = new CpuBackend(1)) {
            CpuBuffer inB = cpu.allocate(in.length); System.arraycopy(in, 0, inB.array(), 0, in.length);
            CpuBuffer wB = cpu.allocate(w.length); System.arraycopy(w, 0, wB.array(), 0, w.length);
            CpuBuffer oB = cpu.allocate(out.length);
            double[] pk = new double[30], cv = new double[30];
            for (int rep = 0; rep < 35; rep++) {
                long t0 = System.nanoTime();
                for (int pc = 0; pc < k; pc += 256) {
                    int kc = Math.min(256, k - pc);
                    for (int jb = 0; jb < n; jb += Sgemm.NB) p.pack(pc, kc, jb, Math.min(Sgemm.NB, n - jb), bp);
                }
                long t1 = System.nanoTime();
                cpu.conv2d(inB, 0, g, cols, wB, null, oB, 0);
                long t2 = System.nanoTime();
                double flop = 2.0 * 50 * 500 * n;
                if (rep >= 5) { pk[rep - 5] = (t1 - t0) / 1e6; cv[rep - 5] = (t2 - t1) / 1e6; }
            }
            java.util.Arrays.sort(pk); java.util.Arrays.sort(cv);
            System.out.printf("median of 30: pack all %.1f ms, conv2d %.1f ms (%.1f GFLOP/s); min pack %.1f conv %.1f%n",
                    pk[15], cv[15], 2.0 * 50 * 500 * n / cv[15] / 1e6, pk[0], cv[0]);
        }
    }
}
