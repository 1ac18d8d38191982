package dev.mcdrop.cuda;

import dev.mcdrop.backend.Activation;
import dev.mcdrop.backend.Broadcast;
import dev.mcdrop.backend.ConvGeometry;
import dev.mcdrop.backend.PoolGeometry;
import dev.mcdrop.backend.Window;
import java.util.Random;

/**
 * Random shapes for the graph ops' tests (CudaGraphOpsTest on a GPU or the fake driver,
 * GraphKernelChecks on the kernel emulator): windows with per-axis kernels, strides, dilations and
 * four independent pads; grouped and depthwise convolutions; pools with ceil mode,
 * count_include_pad and global windows; every activation; every broadcast kind.
 */
final class GraphShapes {
    private GraphShapes() {}

    /** Kernel 1–3, stride 1–3, dilation 1–2 per axis, pads 0–2 per side. */
    static Window window(Random rnd) {
        return new Window(1 + rnd.nextInt(3), 1 + rnd.nextInt(3), 1 + rnd.nextInt(3), 1 + rnd.nextInt(3),
                rnd.nextInt(3), rnd.nextInt(3), rnd.nextInt(3), rnd.nextInt(3), 1 + rnd.nextInt(2), 1 + rnd.nextInt(2));
    }

    /**
     * A convolution with a random window over an input of up to about 12×12: trial % 3 == 0 depthwise
     * (channel multiplier 1 or 2), == 1 grouped (2–3 groups), else one group.
     */
    static ConvGeometry conv(Random rnd, int trial) {
        while (true) {
            Window w = window(rnd);
            int groups = switch (trial % 3) { case 0 -> 1 + rnd.nextInt(5); case 1 -> 2 + rnd.nextInt(2); default -> 1; };
            int groupIn = trial % 3 == 0 ? 1 : 1 + rnd.nextInt(3);
            int groupOut = trial % 3 == 0 ? 1 + rnd.nextInt(2) : 1 + rnd.nextInt(4);
            if (trial % 3 == 0 && groups == 1) groups = 2;  // depthwise needs groups > 1
            int h = (int) Math.max(1, w.spanHeight() - w.padTop() - w.padBottom() + rnd.nextInt(8));
            int wd = (int) Math.max(1, w.spanWidth() - w.padLeft() - w.padRight() + rnd.nextInt(8));
            try {
                return new ConvGeometry(groups * groupIn, h, wd, groups * groupOut, w, groups);
            } catch (IllegalArgumentException e) {
                // the window does not fit this input: draw again
            }
        }
    }

    /**
     * Max (even trials) or average pooling with a random window (pads below the span), ceil mode and
     * count_include_pad at random; every fifth trial a global pool.
     */
    static PoolGeometry pool(Random rnd, int trial) {
        PoolGeometry.PoolKind kind = trial % 2 == 0 ? PoolGeometry.PoolKind.MAX : PoolGeometry.PoolKind.AVERAGE;
        if (trial % 5 == 4) return PoolGeometry.global(kind, 1 + rnd.nextInt(9), 1 + rnd.nextInt(9));
        while (true) {
            Window w = window(rnd);
            int h = (int) Math.max(1, w.spanHeight() - w.padTop() - w.padBottom() + rnd.nextInt(8));
            int wd = (int) Math.max(1, w.spanWidth() - w.padLeft() - w.padRight() + rnd.nextInt(8));
            try {
                return new PoolGeometry(kind, h, wd, w, rnd.nextBoolean(), rnd.nextBoolean());
            } catch (IllegalArgumentException e) {
                // pads not below the span, or no output: draw again
            }
        }
    }

    /** Every kind, with parameters where the kind has them. */
    static final Activation[] ACTIVATIONS = {Activation.IDENTITY, Activation.RELU, Activation.leakyRelu(0.07f),
            Activation.clip(-0.3f, 0.45f), Activation.clip(0f, 6f), Activation.SIGMOID, Activation.TANH, Activation.GELU};

    /** The operand strides {@link dev.mcdrop.backend.Backend#binary} is given: kind 0–4. */
    static Broadcast broadcast(int kind, int columns, int plane) {
        return switch (kind) {
            case 0 -> Broadcast.dense(columns, plane);
            case 1 -> Broadcast.perChannel();
            case 2 -> Broadcast.perChannelPerColumn(columns);
            case 3 -> Broadcast.scalar();
            default -> Broadcast.perPlane();
        };
    }
}
