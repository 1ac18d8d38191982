package dev.mcdrop.cuda;

import dev.mcdrop.backend.Pairs;
import jcuda.driver.CUfunction;
import jcuda.driver.CUstream;

/**
 * Launcher for native-kernels/mc_reduce.cu: mcAccumulate, one thread per image row of the
 * accumulator (deterministic column order, see the kernel's comment).
 */
final class McReduceKernel {
    private final CUfunction accumulate;
    private final CUstream stream;
    // mc_accumulate(logits, acc, classes, columns, firstPair, batchImages)
    private final KernelArgs args = KernelSignatures.args("mc_reduce/mc_accumulate");

    McReduceKernel(PtxModules modules, CUstream stream) {
        this.accumulate = modules.function("mc_reduce", "mc_accumulate");
        this.stream = stream;
    }

    void accumulate(long logits, int classes, int columns, Pairs pairs, long acc) {
        args.set(0, logits).set(1, acc).set(2, classes).set(3, (long) columns).set(4, pairs.firstPair())
                .set(5, pairs.batchImages());
        Launch.linear(accumulate, pairs.batchImages(), stream, args, "mcAccumulate");
    }
}
