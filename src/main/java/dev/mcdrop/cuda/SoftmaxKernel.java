package dev.mcdrop.cuda;

import jcuda.driver.CUfunction;
import jcuda.driver.CUstream;

/** Launcher for native-kernels/softmax.cu: column-wise softmax of [classes][columns]. */
final class SoftmaxKernel {
    private final CUfunction softmax;
    private final CUstream stream;
    // softmax_columns(in, out, classes, columns)
    private final KernelArgs args = KernelSignatures.args("softmax/softmax_columns");

    SoftmaxKernel(PtxModules modules, CUstream stream) {
        this.softmax = modules.function("softmax", "softmax_columns");
        this.stream = stream;
    }

    void softmax(long in, int classes, int columns, long out) {
        args.set(0, in).set(1, out).set(2, classes).set(3, (long) columns);
        Launch.linear(softmax, columns, stream, args, "softmax");
    }
}
