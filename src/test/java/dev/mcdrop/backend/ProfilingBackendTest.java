package dev.mcdrop.backend;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

/** The work ProfilingBackend counts per op (the report's GFLOP/s and GB/s rest on it), and that it forwards. */
class ProfilingBackendTest {
    @Test
    void countsFlopsAndCompulsoryTrafficPerOp() {
        try (ProfilingBackend p = new ProfilingBackend(new ReferenceBackend())) {
            int m = 3, n = 4, k = 5;
            Buffer a = p.allocate(m * k), b = p.allocate(k * n), c = p.allocate(m * n);
            p.gemm(false, false, m, n, k, a, 0, b, 0, 0f, c, 0);
            p.gemm(false, false, m, n, k, a, 0, b, 0, 1f, c, 0); // beta ≠ 0 reads C too
            assertEquals(2 * 2.0 * m * n * k, p.flops("gemm"));
            assertEquals(4.0 * ((m * k + k * n + m * n) + (m * k + k * n + 2 * m * n)), p.bytes("gemm"));

            ConvGeometry g = new ConvGeometry(2, 6, 6, 3, 3, 3, 1, 0); // 4×4 output, K = 18
            Buffer in = p.allocate(2 * 5 * 36), w = p.allocate(3 * 18), cols = p.allocate(18 * 5 * 16), out = p.allocate(3 * 5 * 16);
            p.conv2d(in, 0, g, 5, w, cols, out, 0);
            assertEquals(2.0 * 3 * 5 * 16 * 18, p.flops("conv2d"));
            assertEquals(4.0 * (2 * 5 * 36 + 3 * 18 + 3 * 5 * 16), p.bytes("conv2d"));

            PoolGeometry pool = new PoolGeometry(PoolGeometry.PoolKind.MAX, 6, 6, 2, 2);
            MaskSpec mask = new MaskSpec(1, 0, 0.5f, false, new Pairs(0, 2, 0));
            Buffer src = p.allocate(2 * 2 * 36), via = p.allocate(2 * 5 * 36), dst = p.allocate(2 * 5 * 9);
            p.expandDropoutPool(src, 0, 2, 5, pool, mask, via, dst, 0);
            assertEquals(0, p.flops("expandDropout+pool"));
            assertEquals(4.0 * (2 * 2 * 36 + 2 * 5 * 9), p.bytes("expandDropout+pool"));
            String report = p.report();
            assertTrue(report.contains("GFLOP/s") && report.contains("conv2d") && report.contains("expandDropout+pool"), report);
        }
    }
}
