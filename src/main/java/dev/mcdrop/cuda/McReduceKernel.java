package dev.mcdrop.cuda;

import dev.mcdrop.backend.Pairs;

/**
 * Launcher for native-kernels/mc_reduce.cu: mcAccumulate, one thread per image row of the
 * accumulator (deterministic column order, see the kernel's comment).
 */
final class McReduceKernel {
    private final KernelLauncher launcher;
    // mc_accumulate(logits, acc, classes, columns, firstPair, batchImages)
    private final KernelArgs args = KernelSignatures.args("mc_reduce/mc_accumulate");

    McReduceKernel(KernelLauncher launcher) { this.launcher = launcher; }

    void accumulate(long logits, int classes, int columns, Pairs pairs, long acc) {
        args.set(0, logits).set(1, acc).set(2, classes).set(3, (long) columns).set(4, pairs.firstPair())
                .set(5, pairs.batchImages());
        launcher.linear("mc_reduce/mc_accumulate", pairs.batchImages(), args, "mcAccumulate");
    }
}
