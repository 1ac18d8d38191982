package dev.mcdrop.cuda;

import static jcuda.driver.JCudaDriver.cuMemFree;

import dev.mcdrop.backend.Buffer;

/** {@code size} floats of device memory (one cuMemAlloc), owned by one {@link CudaBackend}. */
public final class CudaBuffer implements Buffer {
    final CudaBackend owner;
    final Cuda.DevicePtr pointer;
    private final long size;
    private boolean closed;

    CudaBuffer(CudaBackend owner, Cuda.DevicePtr pointer, long size) {
        this.owner = owner;
        this.pointer = pointer;
        this.size = size;
    }

    @Override public long size() { return size; }

    /** Raw device address of element {@code offset}. */
    long address(long offset) {
        if (closed) throw new IllegalStateException("CUDA buffer used after close");
        return pointer.address() + offset * Float.BYTES;
    }

    @Override
    public void close() {
        if (closed) return;
        closed = true;
        if (size > 0 && !owner.isClosed()) {
            owner.bindContext();
            cuMemFree(pointer); // best effort: no exception from close
        }
    }

    @Override public String toString() { return "CudaBuffer[" + size + " floats]"; }
}
