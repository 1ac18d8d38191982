package dev.mcdrop.cuda;

import static dev.mcdrop.cuda.Cuda.check;
import static jcuda.driver.JCudaDriver.*;

import java.io.IOException;
import java.io.InputStream;
import java.util.HashMap;
import java.util.Map;
import jcuda.driver.CUfunction;
import jcuda.driver.CUmodule;

/**
 * Loads the kernels shipped as classpath resources once per backend, and looks them up by name.
 * For each op it first tries machine code built for exactly this GPU
 * ({@code /dev/mcdrop/cuda/<op>.sm_<major><minor>.cubin}, Hopper only for now), then the PTX
 * ({@code <op>.ptx}, compute_75), which the driver JIT-compiles for the actual GPU on first load
 * (and caches in ~/.nv/ComputeCache). Both are built from native-kernels/ by build-ptx.sh; nothing
 * is compiled by mcdrop at run time.
 *
 * <p>The PTX declares ISA {@value #PTX_ISA} although CUDA 13's nvcc writes it: build-ptx.sh rewrites
 * the {@code .version} line and has ptxas check every instruction against the older ISA, so any
 * driver from CUDA 11.8 on can JIT it. The driver floor, {@link #MIN_DRIVER_VERSION}, is CUDA 12.0
 * (R525) instead, because JCuda 12.6 and cuBLAS 12 belong to CUDA 12. The sm_90 cubins come from
 * CUDA 13; a driver that cannot load them refuses them, and the PTX takes over.
 */
final class PtxModules implements AutoCloseable {
    /** The {@code .version} every shipped PTX declares (build-ptx.sh's PTX_ISA). */
    static final String PTX_ISA = "7.8";
    /** Oldest driver the CUDA backend runs on, as cuDriverGetVersion reports it (1000·major + 10·minor). */
    static final int MIN_DRIVER_VERSION = 12000;

    private final Map<String, CUmodule> modules = new HashMap<>();
    private final String sassArch;                            // "sm_90"
    private final java.util.Set<String> fromMachineCode = new java.util.TreeSet<>(), fromPtx = new java.util.TreeSet<>();

    /** For a device of compute capability {@code major.minor}. */
    PtxModules(int major, int minor) { this.sassArch = "sm_" + major + minor; }

    /** "machine code (sm_90) for all kernels", "PTX JIT-compiled by the driver", or which ops use which. */
    String describe() {
        if (fromPtx.isEmpty() && !fromMachineCode.isEmpty()) return "kernels: " + sassArch + " machine code";
        if (fromMachineCode.isEmpty()) return "kernels: PTX, JIT-compiled by the driver";
        return "kernels: " + sassArch + " machine code for " + fromMachineCode + ", PTX for " + fromPtx;
    }

    /** Kernel {@code name} from {@code <op>.ptx}. */
    CUfunction function(String op, String name) {
        CUmodule module = modules.computeIfAbsent(op, this::load);
        CUfunction f = new CUfunction();
        check(cuModuleGetFunction(f, module, name), "load kernel " + op + "/" + name);
        return f;
    }

    private CUmodule load(String op) {
        byte[] cubin = resource("/dev/mcdrop/cuda/" + op + "." + sassArch + ".cubin");
        if (cubin != null) {
            CUmodule module = new CUmodule();
            if (cuModuleLoadData(module, cubin) == jcuda.driver.CUresult.CUDA_SUCCESS) {
                fromMachineCode.add(op);
                return module;
            }
            // not loadable on this driver or GPU: the PTX below is the portable form
        }
        fromPtx.add(op);
        String resource = "/dev/mcdrop/cuda/" + op + ".ptx";
        byte[] ptx;
        try (InputStream in = PtxModules.class.getResourceAsStream(resource)) {
            if (in == null) throw new CudaOpException("missing PTX resource " + resource + " (run native-kernels/build-ptx.sh)");
            byte[] text = in.readAllBytes();
            ptx = java.util.Arrays.copyOf(text, text.length + 1); // NUL-terminated for the driver
        } catch (IOException e) {
            throw new CudaOpException("cannot read PTX resource " + resource, e);
        }
        CUmodule module = new CUmodule();
        check(cuModuleLoadData(module, ptx), "load module " + op + ".ptx");
        return module;
    }

    /** The bytes of a classpath resource, or null if there is none. */
    private static byte[] resource(String name) {
        try (InputStream in = PtxModules.class.getResourceAsStream(name)) {
            return in == null ? null : in.readAllBytes();
        } catch (IOException e) {
            throw new CudaOpException("cannot read resource " + name, e);
        }
    }

    @Override
    public void close() {
        for (CUmodule m : modules.values()) cuModuleUnload(m);
        modules.clear();
    }
}
