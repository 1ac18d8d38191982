package dev.mcdrop.backend;

/**
 * Memory owned by a backend: {@link #size()} floats on the host (CPU backends) or on a device
 * (CUDA). Only the backend that allocated a buffer may use it. Close it to free the memory.
 */
public interface Buffer extends AutoCloseable {
    /** Capacity in elements. */
    long size();

    @Override
    void close();
}
