package dev.mcdrop.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.File;
import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.condition.EnabledOnOs;
import org.junit.jupiter.api.condition.OS;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue 13, class 1: nothing mcdrop writes is lost or left half-written. Every command that prints
 * results exits 1 when stdout cannot take them; an output that is a link to a device is written
 * through the link (errors seen), never replaced by a regular file; a run ended by SIGTERM leaves
 * no temporary files; and no main source writes a file except through io/AtomicFile.
 */
class OutputsWrittenSafelyTest {
    @TempDir Path dir;

    private static final String SLICE = "test-data/mnist/t10k-images-first1000-idx3-ubyte.gz";

    @Test
    @EnabledOnOs(OS.LINUX)
    @Timeout(300)
    void evalToAFullDiskExitsOne() throws Exception {
        File err = dir.resolve("err.txt").toFile();
        Process p = McdropProcess.start(new File("/dev/full"), err, "eval", "--input", SLICE, "-T", "2", "--backend", "cpu");
        assertTrue(p.waitFor(240, TimeUnit.SECONDS), "eval did not finish");
        String stderr = Files.readString(err.toPath());
        assertEquals(1, p.exitValue(), stderr);
        assertTrue(stderr.strip().endsWith("mcdrop: cannot write to stdout: No space left on device"), stderr);
    }

    /** System.out over a stream that fails, as a full disk or a closed pipe does. */
    private static CliTest.Run runWithFailingStdout(String... args) {
        PrintStream old = System.out;
        try {
            System.setOut(new PrintStream(new OutputStream() {
                @Override public void write(int b) throws IOException { throw new IOException("No space left on device"); }
            }, true, StandardCharsets.UTF_8));
            return CliTest.runCapturingErrOnly(args);
        } finally {
            System.setOut(old);
        }
    }

    @Test
    void everyPrintingCommandExitsOneWhenStdoutFails() {
        List<String> wrong = new ArrayList<>();
        String[][] commands = {
                {"info"}, {"info", "--json"}, {"info", "--preset", "lenet-ip"}, {"--help"}, {"predict", "--help"},
                {"eval", "--input", SLICE, "-T", "2", "--backend", "cpu", "--json"},
                {"predict", "--input", SLICE, "-T", "2", "--backend", "cpu", "--format", "csv"},
                {"bench", "--backend", "cpu", "-T", "2", "--images", "8", "--repeat", "1", "--warmup", "0"},
        };
        for (String[] args : commands) {
            CliTest.Run r = runWithFailingStdout(args);
            if (r.exit() != 1 || !r.err().contains("mcdrop: cannot write")) {
                wrong.add(String.join(" ", args) + " → exit " + r.exit() + ", stderr: " + r.err().strip());
            }
        }
        assertTrue(wrong.isEmpty(), "exit 0 or no message with a failing stdout:\n" + String.join("\n", wrong));
    }

    @Test
    @EnabledOnOs(OS.LINUX)
    void outputsThroughALinkToADeviceAreWrittenThroughItAndFailLoudly() throws Exception {
        Path out = Files.createSymbolicLink(dir.resolve("out.jsonl"), Path.of("/dev/full"));
        Path samples = Files.createSymbolicLink(dir.resolve("samples.npy"), Path.of("/dev/full"));
        CliTest.Run r = CliTest.run("predict", "--input", SLICE, "-T", "2", "--backend", "cpu", "--out", out.toString());
        assertEquals(1, r.exit(), r.err());
        assertTrue(Files.isSymbolicLink(out), "--out replaced the link by a regular file");
        assertTrue(r.err().contains("No space left on device"), r.err());

        r = CliTest.run("predict", "--input", SLICE, "-T", "2", "--backend", "cpu", "--out", dir.resolve("p.jsonl").toString(),
                "--samples-out", samples.toString());
        assertEquals(1, r.exit(), r.err());
        assertTrue(Files.isSymbolicLink(samples), "--samples-out replaced the link by a regular file");
        assertFalse(Files.exists(dir.resolve("p.jsonl")), "--out committed although the run failed");
        assertEquals(List.of(), temporaryFiles());
        Files.delete(out); // links out of the temporary folder: JUnit would warn about them
        Files.delete(samples);
    }

    @Test
    @EnabledOnOs(OS.LINUX)
    @Timeout(120)
    void anOutputThatIsAFifoIsWrittenIntoNotReplaced() throws Exception {
        Path fifo = dir.resolve("fifo");
        assertEquals(0, new ProcessBuilder("mkfifo", fifo.toString()).start().waitFor());
        java.util.concurrent.CompletableFuture<String> read = java.util.concurrent.CompletableFuture.supplyAsync(() -> {
            try {
                return Files.readString(fifo); // blocks until predict opens the FIFO
            } catch (IOException e) {
                throw new java.io.UncheckedIOException(e);
            }
        });
        CliTest.Run r = CliTest.run("predict", "--input", "test-data/images/digit-7.png", "-T", "2", "--backend", "cpu",
                "--out", fifo.toString());
        assertEquals(0, r.exit(), r.err());
        assertFalse(Files.isRegularFile(fifo), "the FIFO was replaced by a regular file");
        assertTrue(read.get(60, TimeUnit.SECONDS).startsWith("{\"index\":0,\"file\":\"digit-7.png\""), "what came through the FIFO");
    }

    @Test
    @EnabledOnOs(OS.LINUX)
    @Timeout(300)
    void aRunEndedBySigtermLeavesNoTemporaryFiles() throws Exception {
        Path out = dir.resolve("p.jsonl"), samples = dir.resolve("s.npy");
        Process p = McdropProcess.start(dir.resolve("stdout.txt").toFile(), dir.resolve("stderr.txt").toFile(),
                "predict", "--input", SLICE, "-T", "100000", "--backend", "cpu", "--out", out.toString(), "--samples-out", samples.toString());
        try {
            // hang guard only: both temporary files exist once the run has started
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(200);
            while (temporaryFiles().size() < 2) {
                assertTrue(p.isAlive(), "predict ended early: " + Files.readString(dir.resolve("stderr.txt")));
                assertTrue(System.nanoTime() < deadline, "no temporary files appeared: " + Files.readString(dir.resolve("stderr.txt")));
                Thread.sleep(50);
            }
        } finally {
            p.destroy(); // SIGTERM
        }
        assertTrue(p.waitFor(60, TimeUnit.SECONDS), "predict did not stop on SIGTERM");
        assertEquals(List.of(), temporaryFiles(), "left behind by a run ended with SIGTERM");
        assertFalse(Files.exists(out));
        assertFalse(Files.exists(samples));
    }

    private List<Path> temporaryFiles() throws IOException {
        try (Stream<Path> s = Files.list(dir)) {
            return s.filter(f -> f.getFileName().toString().endsWith(".tmp")).toList();
        }
    }

    /** Calls that create or replace a file: only io/AtomicFile may make them. */
    private static final Pattern DIRECT_WRITE = Pattern.compile(
            "Files\\.(write|writeString|newOutputStream|newBufferedWriter|copy|move|createTempFile|createFile)\\("
                    + "|new (FileOutputStream|FileWriter|RandomAccessFile)\\((?!FileDescriptor\\.)|StandardOpenOption\\.(WRITE|APPEND|CREATE)"
                    + "|ImageIO\\.write\\([^)]*(File|Path)");

    @Test
    void everyFileIsWrittenThroughAtomicFile() throws IOException {
        List<String> direct = new ArrayList<>();
        try (Stream<Path> sources = Files.walk(Path.of("src/main/java"))) {
            for (Path f : sources.filter(p -> p.toString().endsWith(".java")).sorted().toList()) {
                if (f.endsWith(Path.of("dev/mcdrop/io/AtomicFile.java"))) continue;
                List<String> lines = Files.readAllLines(f);
                for (int i = 0; i < lines.size(); i++) {
                    Matcher m = DIRECT_WRITE.matcher(lines.get(i));
                    if (m.find()) direct.add(f + ":" + (i + 1) + ": " + m.group());
                }
            }
        }
        assertTrue(direct.isEmpty(), "files written without io/AtomicFile:\n" + String.join("\n", direct));
    }
}
