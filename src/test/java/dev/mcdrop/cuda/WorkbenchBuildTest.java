package dev.mcdrop.cuda;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The dev/cuda workbenches launch the shipped kernels with their own argument lists, so a kernel
 * signature change must not leave them behind: where nvcc exists, they are compiled here (they
 * only run on a GPU host, from scripts/gpu/device-check.sh).
 */
class WorkbenchBuildTest {
    @TempDir Path out;

    @Test
    void workbenchesCompileAgainstTheShippedKernels() throws Exception {
        Path nvcc = Path.of(System.getenv().getOrDefault("NVCC", "/usr/local/cuda/bin/nvcc"));
        assumeTrue(Files.isExecutable(nvcc), "no nvcc at " + nvcc + ": the workbenches are not compiled");
        ProcessBuilder pb = new ProcessBuilder("bash", "dev/cuda/build.sh").redirectErrorStream(true);
        pb.environment().put("BUILD_DIR", out.toString());
        pb.environment().put("NVCC", nvcc.toString());
        Process p = pb.start();
        String log = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(p.waitFor(240, TimeUnit.SECONDS), "nvcc took over 240 s");
        assertEquals(0, p.exitValue(), log);
        for (String name : new String[]{"conv2d", "expand_pool"}) {
            assertTrue(Files.isExecutable(out.resolve(name)), name + " not built:\n" + log);
        }
    }
}
