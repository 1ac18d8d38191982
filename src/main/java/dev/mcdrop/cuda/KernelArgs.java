package dev.mcdrop.cuda;

import jcuda.Pointer;

/**
 * Reusable kernel parameter block for cuLaunchKernel. Each parameter lives in a one-element Java
 * array wrapped once in a {@link Pointer}; JCuda reads the arrays' current contents at each
 * launch, so a launcher sets values and launches without allocating. Types: 'p' device pointer
 * (raw address as a 64-bit integer), 'l' 64-bit integer, 'i' 32-bit integer, 'f' float.
 * Not thread-safe: one instance per launcher, and a backend is driven by one thread at a time.
 */
final class KernelArgs {
    private final Object[] slots;
    private final String types;
    final Pointer params;

    KernelArgs(String types) {
        this.types = types;
        slots = new Object[types.length()];
        Pointer[] pointers = new Pointer[types.length()];
        for (int i = 0; i < types.length(); i++) {
            switch (types.charAt(i)) {
                case 'p', 'l' -> { long[] a = new long[1]; slots[i] = a; pointers[i] = Pointer.to(a); }
                case 'i' -> { int[] a = new int[1]; slots[i] = a; pointers[i] = Pointer.to(a); }
                case 'f' -> { float[] a = new float[1]; slots[i] = a; pointers[i] = Pointer.to(a); }
                default -> throw new IllegalArgumentException("kernel argument type " + types.charAt(i));
            }
        }
        params = Pointer.to(pointers);
    }

    KernelArgs set(int index, long value) { ((long[]) slots[index])[0] = value; return this; }

    KernelArgs set(int index, int value) { ((int[]) slots[index])[0] = value; return this; }

    KernelArgs set(int index, float value) { ((float[]) slots[index])[0] = value; return this; }

    /** The type letters, for emulators and diagnostics. */
    String types() { return types; }

    /** Current value of parameter {@code index} as raw bits (float: its int bits). */
    long bits(int index) {
        return switch (types.charAt(index)) {
            case 'p', 'l' -> ((long[]) slots[index])[0];
            case 'i' -> ((int[]) slots[index])[0];
            default -> Float.floatToRawIntBits(((float[]) slots[index])[0]);
        };
    }
}
