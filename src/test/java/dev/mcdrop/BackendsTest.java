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
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.logging.Handler;
import java.util.logging.Level;
import java.util.logging.LogRecord;
import java.util.logging.Logger;
import org.junit.jupiter.api.Test;

/** Backend choice for library users: by name, with GPU-only options reported, and a clear refusal without the Vector API. */
class BackendsTest {
    @Test
    void opensEachKindByName() {
        var log = new RecordingLogger();
        try (Backend cpu = Backends.open("cpu", 1, CudaOptions.defaults().withGemmPrecision(GemmPrecision.BF16), log)) {
            assertInstanceOf(CpuBackend.class, cpu);
        }
        assertEquals(List.of("--gemm-precision bf16 applies to the GPU only; --backend cpu computes in full precision"),
                log.messages());
        try (Backend ref = Backends.open("reference")) {
            assertInstanceOf(ReferenceBackend.class, ref);
        }
        var e = assertThrows(IllegalArgumentException.class, () -> Backends.open("tpu"));
        assertTrue(e.getMessage().contains("'tpu'") && e.getMessage().contains("auto, cpu, cuda"), e.getMessage());
    }

    /**
     * A program that calls {@code Backends.open("auto")} gets nothing on its stderr: which backend
     * runs and why goes to the System.Logger "dev.mcdrop.Backends" (here java.util.logging's, the
     * JDK's default), where the program's logging configuration decides.
     */
    @Test
    void autoLogsItsChoiceInsteadOfPrinting() {
        Logger julLogger = Logger.getLogger("dev.mcdrop");    // held: java.util.logging keeps loggers weakly
        List<LogRecord> records = new CopyOnWriteArrayList<>();
        Handler handler = new Handler() {
            @Override public void publish(LogRecord r) { records.add(r); }
            @Override public void flush() {}
            @Override public void close() {}
        };
        boolean parents = julLogger.getUseParentHandlers();
        julLogger.addHandler(handler);
        julLogger.setUseParentHandlers(false);
        PrintStream oldErr = System.err, oldOut = System.out;
        var captured = new ByteArrayOutputStream();
        try {
            System.setErr(new PrintStream(captured, true, StandardCharsets.UTF_8));
            System.setOut(new PrintStream(captured, true, StandardCharsets.UTF_8));
            try (Backend b = Backends.open("auto")) {
                assertTrue(b.name().equals("cpu") || b.name().equals("cuda"), b.describe());
            }
        } finally {
            System.setErr(oldErr);
            System.setOut(oldOut);
            julLogger.removeHandler(handler);
            julLogger.setUseParentHandlers(parents);
        }
        assertEquals("", captured.toString(StandardCharsets.UTF_8));
        assertTrue(records.stream().anyMatch(r -> r.getLoggerName().equals("dev.mcdrop.Backends")
                && r.getLevel() == Level.INFO && r.getMessage().matches("backend (cpu, \\d+ threads \\(CUDA unavailable: .+\\)|cuda \\(.+\\))")),
                records.stream().map(r -> r.getLoggerName() + " " + r.getLevel() + " " + r.getMessage()).toList().toString());
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
