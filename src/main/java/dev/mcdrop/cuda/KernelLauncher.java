package dev.mcdrop.cuda;

/**
 * Launches kernel {@code op/name} (see {@link KernelSignatures}) with a grid of gx×gy blocks of
 * bx×by threads. {@link DriverLauncher} is the real one (cuLaunchKernel on the backend's
 * stream); tests plug in a CPU emulator that runs the same CUDA sources compiled by g++, so the
 * launchers' argument blocks and the kernels' index arithmetic are checked without a GPU.
 */
interface KernelLauncher {
    void launch(String kernel, int gx, int gy, int bx, int by, KernelArgs args, String op);

    /** 1-D grid-stride launch over {@code work} items: every elementwise kernel loops, so the grid is capped. */
    default void linear(String kernel, long work, KernelArgs args, String op) {
        if (work <= 0) return;
        int blocks = (int) Math.min((work + THREADS - 1) / THREADS, MAX_BLOCKS);
        launch(kernel, blocks, 1, THREADS, 1, args, op);
    }

    int THREADS = 256;
    /** Enough blocks to fill any current GPU many times over; kernels grid-stride beyond. */
    long MAX_BLOCKS = 1L << 20;
}
