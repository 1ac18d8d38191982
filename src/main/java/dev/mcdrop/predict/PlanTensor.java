package dev.mcdrop.predict;

/**
 * An activation of a compiled plan: {@code channels × plane} values per column, laid out
 * {@code [channels][columns][plane]} in slot {@link #slot} of its phase's arena (once per image:
 * B columns; sampled: S columns per chunk). Several graph tensors may share one PlanTensor where a
 * node changes no value (Identity, a Flatten of C×1×1). The slot is set by {@link SlotAllocator}
 * once every step is known; a plan never reads it before.
 */
final class PlanTensor {
    final String name;
    final int channels, plane;
    final boolean sampled;
    int slot = -1;

    PlanTensor(String name, int channels, int plane, boolean sampled) {
        this.name = name;
        this.channels = channels;
        this.plane = plane;
        this.sampled = sampled;
    }

    /** Values per column. */
    long perColumn() { return (long) channels * plane; }

    /** Values for {@code columns} columns (fits an int: per-column sizes are bounded by GraphLimits, columns by the plan). */
    int elements(int columns) { return Math.toIntExact(perColumn() * columns); }

    @Override public String toString() { return name + " " + channels + (plane == 1 ? "" : "x" + plane) + (sampled ? " (sampled)" : ""); }
}
