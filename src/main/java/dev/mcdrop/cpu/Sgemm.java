package dev.mcdrop.cpu;

import static dev.mcdrop.cpu.SgemmKernel.MR;
import static dev.mcdrop.cpu.SgemmKernel.NR;

/**
 * Row-major single-precision GEMM, {@code C[m×n] = op(A)·op(B) + beta·C}, on float arrays with
 * element offsets and leading dimensions. GotoBLAS/BLIS structure: the N range is cut into
 * NC-wide blocks, K into KC-deep blocks (B block packed once, kept in L2/L3), M into MC-tall blocks
 * (A block packed, kept in L2), and the {@link SgemmKernel} micro-kernel sweeps MR×NR tiles.
 * When a task's M range fits one A block (every LeNet conv layer: M ≤ 160), A is packed once per
 * K-block and B is packed NB columns at a time, so packed B stays in L2 instead of streaming a
 * multi-MiB copy through memory.
 *
 * <p>Threads split M or N only, never K, and every C element sees the same operation sequence
 * (KC blocks start at k = 0 in every task), so results are bit-identical for any thread count.
 * Packing space is per worker, grow-only, reused across calls; a call allocates nothing once warm.
 */
public final class Sgemm {
    static final int KC = 256;
    static final int MC = 32 * MR;   // 160 rows: A block 160×256 floats = 160 KiB, in L2
    static final int NC = 96 * NR;   // 3072 columns with AVX-512: B block 256×3072 floats = 3 MiB
    static final int NB = 8 * NR;    // short-M path: B block 256×256 floats = 256 KiB, in L2
    private static final long MIN_FLOPS_PER_TASK = 1L << 18;

    /** Supplies op(B) blocks already in panel order (e.g. an implicit im2col); must be thread-safe to read. */
    interface PanelSource {
        /** Packs B[p0..p0+kc][j0..j0+nc] as {@link SgemmPacking#packB} would. */
        void pack(int p0, int kc, int j0, int nc, float[] bp);
    }

    private final WorkerPool pool;
    private final Scratch[] scratch;
    private final ThreadLocal<Job> jobs = ThreadLocal.withInitial(Job::new);

    /** Per-worker packing space. */
    private static final class Scratch {
        float[] ap = new float[0];   // packed A block [⌈mc/MR⌉·MR × kc]
        float[] bp = new float[0];   // packed B block [kc × ⌈nc/NR⌉·NR]
        final float[] tile = new float[MR * NR]; // ragged-edge C tile

        float[] ap(int size) { if (ap.length < size) ap = new float[size]; return ap; }

        float[] bp(int size) { if (bp.length < size) bp = new float[size]; return bp; }
    }

    public Sgemm(WorkerPool pool) {
        this.pool = pool;
        scratch = new Scratch[pool.size()];
        for (int i = 0; i < scratch.length; i++) scratch[i] = new Scratch();
    }

    /** Dense operands: lda/ldb/ldc are the stored row lengths. */
    public void gemm(boolean transA, boolean transB, int m, int n, int k,
                     float[] a, int aOffset, float[] b, int bOffset, float beta, float[] c, int cOffset) {
        gemm(transA, transB, m, n, k, a, aOffset, transA ? m : k, b, bOffset, transB ? k : n,
                beta, c, cOffset, n);
    }

    /** General form; lda is A's stored row length (k, or m if transA), likewise ldb, ldc. */
    public void gemm(boolean transA, boolean transB, int m, int n, int k,
                     float[] a, int aOffset, int lda, float[] b, int bOffset, int ldb,
                     float beta, float[] c, int cOffset, int ldc) {
        run(transA, transB, m, n, k, a, aOffset, lda, b, bOffset, ldb, null, beta, c, cOffset, ldc);
    }

    /** {@code C[m×n] = A[m×k]·B[k×n] + beta·C} with B's panels from {@code source} (A not transposed, dense). */
    void gemm(int m, int n, int k, float[] a, int aOffset, PanelSource source, float beta, float[] c, int cOffset) {
        run(false, false, m, n, k, a, aOffset, k, null, 0, n, source, beta, c, cOffset, n);
    }

    private void run(boolean transA, boolean transB, int m, int n, int k,
                     float[] a, int aOffset, int lda, float[] b, int bOffset, int ldb, PanelSource source,
                     float beta, float[] c, int cOffset, int ldc) {
        if (m < 0 || n < 0 || k < 0) throw new IllegalArgumentException("negative gemm size");
        if (m == 0 || n == 0) return;
        int tilesM = (m + MR - 1) / MR, tilesN = (n + NR - 1) / NR;
        long flops = 2L * m * n * Math.max(k, 1);
        int tasks = (int) Math.max(1, Math.min(pool.size(), flops / MIN_FLOPS_PER_TASK));
        Job job = jobs.get();
        // Split N when it has enough tiles (B then packs once overall), else M.
        job.splitN = tilesN >= 2L * tasks || tilesN >= tilesM;
        job.tiles = job.splitN ? tilesN : tilesM;
        job.parts = Math.min(tasks, job.tiles);
        job.transA = transA;
        job.transB = transB;
        job.m = m;
        job.n = n;
        job.k = k;
        job.a = a;
        job.ao = aOffset;
        job.lda = lda;
        job.b = b;
        job.bo = bOffset;
        job.ldb = ldb;
        job.source = source;
        job.beta = beta;
        job.c = c;
        job.co = cOffset;
        job.ldc = ldc;
        pool.parallelFor(job.parts, job);
        job.a = job.b = job.c = null;
        job.source = null;
    }

    /** One gemm call's arguments and its split; one per calling thread, so calls allocate nothing. */
    private final class Job implements WorkerPool.Task {
        boolean transA, transB, splitN;
        int m, n, k, ao, lda, bo, ldb, co, ldc, tiles, parts;
        float beta;
        float[] a, b, c;
        PanelSource source;

        @Override
        public void run(int task, int worker) {
            int t0 = (int) ((long) tiles * task / parts), t1 = (int) ((long) tiles * (task + 1) / parts);
            int i0 = 0, i1 = m, j0 = 0, j1 = n;
            if (splitN) {
                j0 = t0 * NR;
                j1 = Math.min(n, t1 * NR);
            } else {
                i0 = t0 * MR;
                i1 = Math.min(m, t1 * MR);
            }
            block(scratch[worker], transA, transB, i0, i1, j0, j1, k, a, ao, lda, b, bo, ldb, source, beta, c, co, ldc);
        }
    }

    /** C[i0..i1][j0..j1] on one worker. */
    private static void block(Scratch s, boolean transA, boolean transB, int i0, int i1, int j0, int j1, int k,
                              float[] a, int ao, int lda, float[] b, int bo, int ldb, PanelSource source,
                              float beta, float[] c, int co, int ldc) {
        if (beta != 0f && beta != 1f) scale(c, co, ldc, i0, i1, j0, j1, beta);
        if (k == 0) {
            if (beta == 0f) scale(c, co, ldc, i0, i1, j0, j1, 0f);
            return;
        }
        if (i1 - i0 <= MC) {
            shortM(s, transA, transB, i0, i1, j0, j1, k, a, ao, lda, b, bo, ldb, source, beta, c, co, ldc);
            return;
        }
        for (int jc = j0; jc < j1; jc += NC) {
            int nc = Math.min(NC, j1 - jc);
            int ncPadded = (nc + NR - 1) / NR * NR;
            for (int pc = 0; pc < k; pc += KC) {
                int kc = Math.min(KC, k - pc);
                boolean overwrite = pc == 0 && beta == 0f;
                float[] bp = s.bp(kc * ncPadded);
                packB(source, transB, b, bo, ldb, pc, kc, jc, nc, bp);
                for (int ic = i0; ic < i1; ic += MC) {
                    int mc = Math.min(MC, i1 - ic);
                    float[] ap = s.ap(kc * ((mc + MR - 1) / MR * MR));
                    SgemmPacking.packA(transA, a, ao, lda, ic, mc, pc, kc, ap);
                    sweep(s, kc, ap, bp, mc, nc, c, co + ic * ldc + jc, ldc, overwrite);
                }
            }
        }
    }

    /**
     * C[i0..i1][j0..j1] when the whole M range fits one A block (the conv layers): for each
     * K-block, A is packed once, then B is packed NB columns at a time (row segments long enough
     * to stream, the packed block small enough to stay in L2) right before the tiles that use it.
     */
    private static void shortM(Scratch s, boolean transA, boolean transB, int i0, int i1, int j0, int j1, int k,
                               float[] a, int ao, int lda, float[] b, int bo, int ldb, PanelSource source,
                               float beta, float[] c, int co, int ldc) {
        int mc = i1 - i0;
        for (int pc = 0; pc < k; pc += KC) {
            int kc = Math.min(KC, k - pc);
            boolean overwrite = pc == 0 && beta == 0f;
            float[] ap = s.ap(kc * ((mc + MR - 1) / MR * MR));
            SgemmPacking.packA(transA, a, ao, lda, i0, mc, pc, kc, ap);
            float[] bp = s.bp(kc * NB);
            for (int jb = j0; jb < j1; jb += NB) {
                int nb = Math.min(NB, j1 - jb);
                packB(source, transB, b, bo, ldb, pc, kc, jb, nb, bp);
                sweep(s, kc, ap, bp, mc, nb, c, co + i0 * ldc + jb, ldc, overwrite);
            }
        }
    }

    private static void packB(PanelSource source, boolean transB, float[] b, int bo, int ldb,
                              int p0, int kc, int j0, int nc, float[] bp) {
        if (source != null) source.pack(p0, kc, j0, nc, bp);
        else SgemmPacking.packB(transB, b, bo, ldb, p0, kc, j0, nc, bp);
    }

    /** All MR×NR tiles of one packed A block × packed B block. */
    private static void sweep(Scratch s, int kc, float[] ap, float[] bp, int mc, int nc,
                              float[] c, int co, int ldc, boolean overwrite) {
        for (int jr = 0; jr < nc; jr += NR) {
            int cols = Math.min(NR, nc - jr);
            int bo = jr * kc;
            for (int ir = 0; ir < mc; ir += MR) {
                int rows = Math.min(MR, mc - ir);
                int ao = ir * kc;
                int at = co + ir * ldc + jr;
                if (rows == MR && cols == NR) {
                    SgemmKernel.tile(kc, ap, ao, bp, bo, c, at, ldc, overwrite);
                } else {
                    float[] t = s.tile;
                    SgemmKernel.tile(kc, ap, ao, bp, bo, t, 0, NR, true);
                    for (int r = 0; r < rows; r++) {
                        int row = at + r * ldc;
                        for (int j = 0; j < cols; j++) {
                            c[row + j] = overwrite ? t[r * NR + j] : t[r * NR + j] + c[row + j];
                        }
                    }
                }
            }
        }
    }

    private static void scale(float[] c, int co, int ldc, int i0, int i1, int j0, int j1, float beta) {
        for (int i = i0; i < i1; i++) {
            int row = co + i * ldc;
            for (int j = j0; j < j1; j++) c[row + j] = beta == 0f ? 0f : beta * c[row + j];
        }
    }
}
