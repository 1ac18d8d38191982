package dev.mcdrop.cuda;

/** {@link KernelEmulationChecks} on the kernels' 64-bit index paths (forced by MCDROP_FORCE_INDEX64). */
class KernelEmulation64Test extends KernelEmulationChecks {
    @Override boolean index64() { return true; }
}
