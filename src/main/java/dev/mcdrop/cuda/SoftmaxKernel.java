package dev.mcdrop.cuda;


/** Launcher for native-kernels/softmax.cu: column-wise softmax of [classes][columns]. */
final class SoftmaxKernel {
    private final KernelLauncher launcher;
    private final KernelArgs args = KernelSignatures.args("softmax/softmax_columns");

    SoftmaxKernel(KernelLauncher launcher) { this.launcher = launcher; }

    void softmax(long in, int classes, int columns, long out) {
        args.set("in", in).set("out", out).set("classes", classes).set("columns", columns);
        launcher.linear("softmax/softmax_columns", columns, args, "softmax");
    }
}
