package dev.mcdrop.cuda;

/** {@link KernelEmulationChecks} on the kernels' unsigned 32-bit index paths (the usual case). */
class KernelEmulation32Test extends KernelEmulationChecks {
    @Override boolean index64() { return false; }
}
