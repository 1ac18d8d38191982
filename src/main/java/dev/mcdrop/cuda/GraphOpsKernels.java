package dev.mcdrop.cuda;

import dev.mcdrop.backend.Activation;
import dev.mcdrop.backend.BinaryOp;
import dev.mcdrop.backend.Broadcast;
import dev.mcdrop.backend.MaskSpec;

/**
 * Launchers for native-kernels/graph_ops.cu, the pointwise ops graph plans add: the general
 * epilogue (per-channel scale, bias, residual, any {@link Activation}, dropout mask) and the
 * broadcasting binary op. The kernels number activations and operators by
 * {@link Activation.Kind} and {@link BinaryOp} order; masks take
 * {@link BiasActivationKernels#setMask}'s parameters.
 */
final class GraphOpsKernels {
    private final KernelLauncher launcher;
    private final KernelArgs epilogueArgs = KernelSignatures.args("graph_ops/epilogue");
    private final KernelArgs binaryArgs = KernelSignatures.args("graph_ops/binary");

    GraphOpsKernels(KernelLauncher launcher) { this.launcher = launcher; }

    /**
     * x[c][n][i] = mask(act(x·scale[c] + bias[c] + residual[c][n][i])) in place on
     * x[channels][columns][plane]; a 0 address (scale, bias, residual) or a null mask skips that part.
     */
    void epilogue(long x, long scale, long bias, long residual, int channels, int columns, int plane, Activation act,
                  MaskSpec mask, long keys) {
        epilogueArgs.set("x", x).set("channelScale", scale).set("bias", bias).set("residual", residual)
                .set("channels", channels).set("columns", columns).set("plane", plane)
                .set("act", act.kind().ordinal()).set("alpha", act.alpha()).set("beta", act.beta()).set("masked", mask != null);
        BiasActivationKernels.setMask(epilogueArgs, mask == null ? BiasActivationKernels.NO_MASK : mask, keys);
        if (mask == null) {
            launcher.linear("graph_ops/epilogue", (long) channels * columns * plane, epilogueArgs, "epilogue");
        } else {
            launcher.linear("graph_ops/epilogue", BiasActivationKernels.groups(channels, plane) * columns, epilogueArgs,
                    "epilogue+dropout");
        }
    }

    /** out[c][n][i] = a[sa.index(c, n, i)] op b[sb.index(c, n, i)], out dense; out may be a dense a or b. */
    void binary(BinaryOp op, long a, Broadcast sa, long b, Broadcast sb, int channels, int columns, int plane, long out) {
        binaryArgs.set("a", a).set("b", b).set("out", out).set("op", op.ordinal()).set("channels", channels)
                .set("columns", columns).set("plane", plane)
                .set("ac", sa.channel()).set("an", sa.column()).set("ai", sa.element())
                .set("bc", sb.channel()).set("bn", sb.column()).set("bi", sb.element());
        launcher.linear("graph_ops/binary", (long) channels * columns * plane, binaryArgs, "binary " + op);
    }
}
