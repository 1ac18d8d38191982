package dev.mcdrop;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.mcdrop.backend.Backend;
import dev.mcdrop.backend.ReferenceBackend;
import dev.mcdrop.cpu.CpuBackend;
import dev.mcdrop.cuda.CudaOptions;
import dev.mcdrop.cuda.GemmPrecision;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** Backend choice for library users: by name, with GPU-only options reported, and a clear refusal without the Vector API. */
class BackendsTest {
    @Test
    void opensEachKindByName() {
        var log = new ByteArrayOutputStream();
        try (Backend cpu = Backends.open("cpu", 1, CudaOptions.defaults().withGemmPrecision(GemmPrecision.BF16),
                new PrintStream(log, true, StandardCharsets.UTF_8))) {
            assertInstanceOf(CpuBackend.class, cpu);
        }
        assertTrue(log.toString(StandardCharsets.UTF_8).contains("--gemm-precision bf16 applies to the GPU only"), log.toString());
        try (Backend ref = Backends.open("reference")) {
            assertInstanceOf(ReferenceBackend.class, ref);
        }
        var e = assertThrows(IllegalArgumentException.class, () -> Backends.open("tpu"));
        assertTrue(e.getMessage().contains("'tpu'") && e.getMessage().contains("auto, cpu, cuda"), e.getMessage());
    }

    /** A program started without --add-modules jdk.incubator.vector gets one line naming the flag, not a NoClassDefFoundError. */
    @Test
    void cpuWithoutTheVectorModuleNamesTheMissingFlag() throws IOException, InterruptedException {
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        Process p = new ProcessBuilder(List.of(java, "-Xmx256m", "-cp", System.getProperty("java.class.path"),
                OpenCpu.class.getName())).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(p.waitFor(60, TimeUnit.SECONDS), "child JVM did not finish: " + out);
        assertEquals(3, p.exitValue(), out);
        assertTrue(out.contains("IllegalStateException: the CPU backend needs the Vector API: start the JVM with --add-modules jdk.incubator.vector"), out);
    }

    /** Child-JVM entry point: exit 3 with the message when opening the CPU backend is refused. */
    static final class OpenCpu {
        public static void main(String[] args) {
            try (Backend b = Backends.open("cpu")) {
                System.out.println("opened " + b.describe());
            } catch (IllegalStateException e) {
                System.out.println(e);
                System.exit(3);
            }
        }
    }
}
