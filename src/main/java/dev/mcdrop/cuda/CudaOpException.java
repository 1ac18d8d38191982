package dev.mcdrop.cuda;

/**
 * A CUDA driver or cuBLAS call failed after the backend was opened. The message names the op
 * ("cuda im2col: CUDA_ERROR_ILLEGAL_ADDRESS (700)"); after most such errors the context is
 * unusable and the backend should be closed.
 */
public class CudaOpException extends RuntimeException {
    public CudaOpException(String message) { super(message); }

    public CudaOpException(String message, Throwable cause) { super(message, cause); }
}
