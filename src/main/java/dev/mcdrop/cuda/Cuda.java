package dev.mcdrop.cuda;

import jcuda.driver.CUresult;
import jcuda.driver.CUdeviceptr;
import jcuda.driver.CUstream;

/**
 * Small driver-API helpers shared by the launchers: {@link #check} turns a CUresult into an
 * exception naming the op (llm.c's cudaCheck), and two handle subclasses expose the raw 64-bit
 * values JCuda keeps in {@code NativePointerObject}'s protected {@code getNativePointer()}.
 *
 * <p>Raw addresses: a subclass may call that protected method on its own instances, so buffers are
 * allocated straight into a {@link DevicePtr} (cuMemAlloc only fills in the native pointer) and the
 * stream is created into a {@link Stream}. The raw values go into kernel parameters (as 64-bit
 * integers, which is what a {@code float*} parameter is) and into cuBLAS through FFM.
 */
final class Cuda {
    private Cuda() {}

    /** Throws unless {@code result} is CUDA_SUCCESS. */
    static void check(int result, String op) {
        if (result != CUresult.CUDA_SUCCESS) {
            throw new CudaOpException("cuda " + op + ": " + CUresult.stringFor(result) + " (" + result + ")");
        }
    }

    /** A device allocation whose raw address Java code can read. */
    static final class DevicePtr extends CUdeviceptr {
        long address() { return getNativePointer(); }
    }

    /** A stream whose raw handle (cudaStream_t) can be passed to cuBLAS. */
    static final class Stream extends CUstream {
        long handle() { return getNativePointer(); }
    }
}
