package dev.mcdrop.cpu;

import dev.mcdrop.backend.BinaryOp;
import dev.mcdrop.backend.Broadcast;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorSpecies;

/**
 * The graph's elementwise ops on CNHW arrays: {@link #binary} (Add / Sub / Mul of two operands
 * read through {@link Broadcast} strides) and {@link #copy} (a Concat's blocks). A binary op's
 * work item is an output row (channel, column) of {@code plane} elements; an operand whose
 * element stride is 1 (dense, per plane) or 0 (per channel, per channel and column, scalar) is
 * read a vector at a time, any other stride element by element. With a plane of 1 (dense
 * layers) the column axis plays the element axis, so rows stay long. Each output element reads
 * only its own index of a dense operand, so out may alias one (in place).
 */
final class ElementwiseOps {
    private static final VectorSpecies<Float> S = FloatVector.SPECIES_PREFERRED;
    /** Floats per copy task: large enough that a hand-off pays. */
    private static final int COPY_CHUNK = 1 << 16;

    private final WorkerPool pool;
    private final ThreadLocal<Binary> binaryJobs = ThreadLocal.withInitial(Binary::new);
    private final ThreadLocal<Copy> copyJobs = ThreadLocal.withInitial(Copy::new);

    ElementwiseOps(WorkerPool pool) { this.pool = pool; }

    void binary(BinaryOp op, float[] a, Broadcast sa, float[] b, Broadcast sb, int channels, int columns, int plane, float[] out) {
        Binary job = binaryJobs.get();
        job.aChannel = sa.channel();
        job.aColumn = sa.column();
        job.aElement = sa.element();
        job.bChannel = sb.channel();
        job.bColumn = sb.column();
        job.bElement = sb.element();
        if (plane == 1 && columns > 1) { // [C][N][1]: index c·channel + n·column, so columns become the row
            job.aElement = job.aColumn;
            job.bElement = job.bColumn;
            job.aColumn = job.bColumn = 0;
            plane = columns;
            columns = 1;
        }
        job.op = op;
        job.a = a;
        job.b = b;
        job.out = out;
        job.columns = columns;
        job.plane = plane;
        job.runAll(pool, Math.multiplyExact(channels, columns), plane);
        job.a = job.b = job.out = null;
    }

    private static final class Binary extends RangeJob {
        BinaryOp op;
        float[] a, b, out;
        long aChannel, aColumn, aElement, bChannel, bColumn, bElement; // the operands' Broadcast strides
        int columns, plane;

        @Override
        void items(int from, int to, int worker) {
            for (int item = from; item < to; item++) {
                int c = item / columns, n = item % columns;
                int ao = (int) (c * aChannel + n * aColumn), bo = (int) (c * bChannel + n * bColumn);
                int as = (int) aElement, bs = (int) bElement, o = item * plane;
                if ((as | bs) <= 1) row(ao, as, bo, bs, o);
                else for (int i = 0; i < plane; i++) out[o + i] = op.apply(a[ao + i * as], b[bo + i * bs]);
            }
        }

        /**
         * out[o + i] = op(a[ao + i·as], b[bo + i·bs]), as and bs each 0 or 1. One loop per case:
         * a vector that is either loaded or a broadcast would be a merge the JIT boxes.
         */
        private void row(int ao, int as, int bo, int bs, int o) {
            int i = 0, bound = S.loopBound(plane);
            if (as == 1 && bs == 1) {
                for (; i < bound; i += S.length()) {
                    store(op, FloatVector.fromArray(S, a, ao + i), FloatVector.fromArray(S, b, bo + i), out, o + i);
                }
            } else if (as == 1) {
                FloatVector vb = FloatVector.broadcast(S, b[bo]);
                for (; i < bound; i += S.length()) store(op, FloatVector.fromArray(S, a, ao + i), vb, out, o + i);
            } else if (bs == 1) {
                FloatVector va = FloatVector.broadcast(S, a[ao]);
                for (; i < bound; i += S.length()) store(op, va, FloatVector.fromArray(S, b, bo + i), out, o + i);
            } else {
                FloatVector v = FloatVector.broadcast(S, op.apply(a[ao], b[bo]));
                for (; i < bound; i += S.length()) v.intoArray(out, o + i);
            }
            for (; i < plane; i++) out[o + i] = op.apply(a[ao + i * as], b[bo + i * bs]);
        }
    }

    /** out[at ..] = op(va, vb); the operator a constant in each branch, so the Vector API intrinsifies it. */
    private static void store(BinaryOp op, FloatVector va, FloatVector vb, float[] out, int at) {
        switch (op) {
            case ADD -> va.add(vb).intoArray(out, at);
            case SUB -> va.sub(vb).intoArray(out, at);
            case MUL -> va.mul(vb).intoArray(out, at);
        }
    }

    /** dst[d .. d + count) = src[s .. s + count), the ranges not overlapping; big copies in parallel chunks. */
    void copy(float[] src, int s, float[] dst, int d, int count) {
        if (count <= COPY_CHUNK) {
            System.arraycopy(src, s, dst, d, count);
            return;
        }
        Copy job = copyJobs.get();
        job.src = src;
        job.dst = dst;
        job.s = s;
        job.d = d;
        job.count = count;
        job.runAll(pool, (count + COPY_CHUNK - 1) / COPY_CHUNK, COPY_CHUNK);
        job.src = job.dst = null;
    }

    private static final class Copy extends RangeJob {
        float[] src, dst;
        int s, d, count;

        @Override
        void items(int from, int to, int worker) {
            int start = from * COPY_CHUNK, end = (int) Math.min(count, (long) to * COPY_CHUNK);
            System.arraycopy(src, s + start, dst, d + start, end - start);
        }
    }
}
