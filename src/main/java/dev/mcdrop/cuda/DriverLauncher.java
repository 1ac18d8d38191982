package dev.mcdrop.cuda;

import static dev.mcdrop.cuda.Cuda.check;
import static jcuda.driver.JCudaDriver.cuLaunchKernel;

import java.util.HashMap;
import java.util.Map;
import jcuda.driver.CUfunction;
import jcuda.driver.CUstream;

/** {@link KernelLauncher} on the GPU: looks each kernel up once in the PTX modules, then cuLaunchKernel on one stream. */
final class DriverLauncher implements KernelLauncher {
    private final PtxModules modules;
    private final CUstream stream;
    private final Map<String, CUfunction> functions = new HashMap<>();

    DriverLauncher(PtxModules modules, CUstream stream) {
        this.modules = modules;
        this.stream = stream;
    }

    /** Resolves every kernel the launchers use, so a broken PTX fails at open, not mid-run. */
    void loadAll() {
        for (String kernel : KernelSignatures.ALL.keySet()) function(kernel);
    }

    private CUfunction function(String kernel) {
        CUfunction f = functions.get(kernel);
        if (f == null) {
            int slash = kernel.indexOf('/');
            f = modules.function(kernel.substring(0, slash), kernel.substring(slash + 1));
            functions.put(kernel, f);
        }
        return f;
    }

    @Override
    public void launch(String kernel, int gx, int gy, int bx, int by, KernelArgs args, String op) {
        args.requireComplete();
        check(cuLaunchKernel(function(kernel), gx, gy, 1, bx, by, 1, 0, stream, args.params, null), op);
    }
}
