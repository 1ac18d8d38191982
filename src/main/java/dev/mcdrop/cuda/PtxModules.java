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
 * Loads the PTX shipped as classpath resources ({@code /dev/mcdrop/cuda/<op>.ptx}, built from
 * native-kernels/ by build-ptx.sh — never compiled at run time) once per backend, and looks up
 * kernels by name. The driver JIT-compiles PTX for the actual GPU on first load (and caches it
 * in ~/.nv/ComputeCache).
 */
final class PtxModules implements AutoCloseable {
    private final Map<String, CUmodule> modules = new HashMap<>();

    /** Kernel {@code name} from {@code <op>.ptx}. */
    CUfunction function(String op, String name) {
        CUmodule module = modules.computeIfAbsent(op, PtxModules::load);
        CUfunction f = new CUfunction();
        check(cuModuleGetFunction(f, module, name), "load kernel " + op + "/" + name);
        return f;
    }

    private static CUmodule load(String op) {
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

    @Override
    public void close() {
        for (CUmodule m : modules.values()) cuModuleUnload(m);
        modules.clear();
    }
}
