package dev.mcdrop.cuda;

/**
 * Why {@link CudaBackend#open} could not give a working GPU backend, as one human-readable line
 * ("no NVIDIA driver (libcuda.so.1 not found)", "no CUDA device", ...). Callers fall back to the
 * CPU backend and show {@link #getMessage()}.
 */
public final class BackendUnavailableException extends Exception {
    public BackendUnavailableException(String reason) { super(reason); }

    public BackendUnavailableException(String reason, Throwable cause) { super(reason, cause); }
}
