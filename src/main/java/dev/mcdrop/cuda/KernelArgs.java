package dev.mcdrop.cuda;

import dev.mcdrop.backend.Window;
import java.util.List;
import jcuda.Pointer;

/**
 * Reusable kernel parameter block for cuLaunchKernel, addressed by the parameter names of the
 * kernel's CUDA declaration ({@link KernelSignatures}). Each parameter lives in a one-element
 * Java array wrapped once in a {@link Pointer}; JCuda reads the arrays' current contents at each
 * launch, so a launcher sets values and launches without allocating. A value of the wrong kind
 * (a long for an {@code int}, a float for a pointer) or an unknown name throws at once, and a
 * launch with a parameter never set throws ({@link #requireComplete}), so a kernel's signature
 * can change in its .cu alone and every launcher that falls out of step fails its first call.
 * Not thread-safe: one instance per launcher, and a backend is driven by one thread at a time.
 */
final class KernelArgs {
    private final KernelSignatures.Signature signature;
    private final Object[] slots;
    private long unset; // bit i: parameter i not set yet (kernels have fewer than 64)
    final Pointer params;

    KernelArgs(KernelSignatures.Signature signature) {
        this.signature = signature;
        List<KernelSignatures.Param> ps = signature.params();
        if (ps.size() >= 64) throw new IllegalArgumentException(signature.key() + ": too many parameters");
        slots = new Object[ps.size()];
        Pointer[] pointers = new Pointer[ps.size()];
        for (int i = 0; i < ps.size(); i++) {
            switch (ps.get(i).type()) {
                case 'p', 'l' -> { long[] a = new long[1]; slots[i] = a; pointers[i] = Pointer.to(a); }
                case 'i' -> { int[] a = new int[1]; slots[i] = a; pointers[i] = Pointer.to(a); }
                case 'f' -> { float[] a = new float[1]; slots[i] = a; pointers[i] = Pointer.to(a); }
                default -> throw new IllegalArgumentException("kernel argument type " + ps.get(i).type());
            }
        }
        unset = ps.isEmpty() ? 0 : -1L >>> (64 - ps.size());
        params = Pointer.to(pointers);
    }

    private int index(String name, String kinds, String given) {
        List<KernelSignatures.Param> ps = signature.params();
        for (int i = 0; i < ps.size(); i++) {
            if (ps.get(i).name().equals(name)) {
                if (kinds.indexOf(ps.get(i).type()) < 0) {
                    throw new IllegalArgumentException(signature.key() + ": parameter " + name + " is '" + ps.get(i).cType()
                            + "', not settable from " + given);
                }
                unset &= ~(1L << i);
                return i;
            }
        }
        throw new IllegalArgumentException(signature.key() + " has no parameter " + name);
    }

    /** A device address or 64-bit integer parameter (an {@code int} value widens to a 64-bit one). */
    KernelArgs set(String name, long value) { ((long[]) slots[index(name, "pl", "a long")])[0] = value; return this; }

    /** A 32-bit integer parameter, or a {@code long long} one (sign-extended). */
    KernelArgs set(String name, int value) {
        int i = index(name, "il", "an int");
        if (slots[i] instanceof long[] wide) wide[0] = value;
        else ((int[]) slots[i])[0] = value;
        return this;
    }

    KernelArgs set(String name, float value) { ((float[]) slots[index(name, "f", "a float")])[0] = value; return this; }

    KernelArgs set(String name, boolean value) { return set(name, value ? 1 : 0); }

    /**
     * A sliding window's placement, as window.cuh's ConvWindow reads it: {@code sh, sw, padTop,
     * padLeft, dh, dw} (the bottom and right pads only shape the output size, which launchers pass).
     */
    KernelArgs window(Window w) {
        return set("sh", w.strideHeight()).set("sw", w.strideWidth()).set("padTop", w.padTop()).set("padLeft", w.padLeft())
                .set("dh", w.dilationHeight()).set("dw", w.dilationWidth());
    }

    /** Throws unless every parameter has been given a value (launchers call it before each launch). */
    void requireComplete() {
        if (unset == 0) return;
        int i = Long.numberOfTrailingZeros(unset);
        throw new IllegalStateException(signature.key() + ": parameter " + signature.params().get(i).name() + " was never set");
    }

    KernelSignatures.Signature signature() { return signature; }

    /** The type letters, for emulators and diagnostics. */
    String types() { return signature.types(); }

    /** Current value of parameter {@code index} as raw bits (float: its int bits). */
    long bits(int index) {
        return switch (signature.params().get(index).type()) {
            case 'p', 'l' -> ((long[]) slots[index])[0];
            case 'i' -> ((int[]) slots[index])[0];
            default -> Float.floatToRawIntBits(((float[]) slots[index])[0]);
        };
    }
}
