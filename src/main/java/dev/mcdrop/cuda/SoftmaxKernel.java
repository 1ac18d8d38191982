package dev.mcdrop.cuda;


/** Launcher for native-kernels/softmax.cu: column-wise softmax of [classes][columns]. */
final class SoftmaxKernel {
    private final KernelLauncher launcher;
    // softmax_columns(in, out, classes, columns)
    private final KernelArgs args = KernelSignatures.args("softmax/softmax_columns");

    SoftmaxKernel(KernelLauncher launcher) { this.launcher = launcher; }

    void softmax(long in, int classes, int columns, long out) {
        args.set(0, in).set(1, out).set(2, classes).set(3, (long) columns);
        launcher.linear("softmax/softmax_columns", columns, args, "softmax");
    }
}
