package dev.mcdrop.cuda;

import static dev.mcdrop.cuda.Cuda.check;
import static jcuda.driver.JCudaDriver.cuLaunchKernel;

import jcuda.driver.CUfunction;
import jcuda.driver.CUstream;

/** 1-D grid-stride launches: every elementwise kernel loops, so the grid can be capped. */
final class Launch {
    private Launch() {}

    static final int THREADS = 256;
    /** Enough blocks to fill any current GPU many times over; kernels grid-stride beyond. */
    static final long MAX_BLOCKS = 1L << 20;

    static void linear(CUfunction f, long work, CUstream stream, KernelArgs args, String op) {
        if (work <= 0) return;
        int blocks = (int) Math.min((work + THREADS - 1) / THREADS, MAX_BLOCKS);
        check(cuLaunchKernel(f, blocks, 1, 1, THREADS, 1, 1, 0, stream, args.params, null), op);
    }
}
