package dev.mcdrop.cuda;

import dev.mcdrop.backend.Pairs;

/**
 * Launcher for native-kernels/mc_reduce.cu: mcAccumulate, one thread per image row of the
 * accumulator (deterministic column order, see the kernel's comment).
 */
final class McReduceKernel {
    private final KernelLauncher launcher;
    private final KernelArgs args = KernelSignatures.args("mc_reduce/mc_accumulate");

    McReduceKernel(KernelLauncher launcher) { this.launcher = launcher; }

    void accumulate(long logits, int classes, int columns, Pairs pairs, long acc) {
        args.set("logits", logits).set("acc", acc).set("classes", classes).set("columns", columns)
                .set("firstPair", pairs.firstPair()).set("batchImages", pairs.batchImages());
        launcher.linear("mc_reduce/mc_accumulate", pairs.batchImages(), args, "mcAccumulate");
    }
}
