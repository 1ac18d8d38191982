package dev.mcdrop.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue 13 class 10: every user file is checked before it is opened: a FIFO (opening one blocks
 * until a writer comes), a device such as /dev/zero (endless), or a directory given where a file
 * is expected are refused with one line naming the option and the file and saying what it is.
 * The timeouts only guard against the hang this prevents.
 */
class InputFileKindsTest {
    @TempDir Path dir;
    private final List<Path> fifos = new ArrayList<>();

    private Path fifo(String name) throws IOException, InterruptedException {
        Path p = dir.resolve(name);
        Process mk = new ProcessBuilder("mkfifo", p.toString()).inheritIO().start();
        assertEquals(0, mk.waitFor());
        fifos.add(p);
        return p;
    }

    /** Releases a reader stuck in open() (the bug this guards against) so the test JVM can exit. */
    @AfterEach
    void unblockFifos() {
        for (Path p : fifos) {
            Thread t = new Thread(() -> {
                try (var out = Files.newOutputStream(p)) { /* opening pairs with a blocked reader; closing gives it EOF */ }
                catch (IOException ignored) { }
            });
            t.setDaemon(true);
            t.start();
        }
    }

    private static void assertRefused(CliTest.Run r, String option, Path file, String what) {
        assertEquals(1, r.exit(), r.err());
        String line = r.err().strip();
        assertTrue(line.startsWith("mcdrop: ") && !line.contains("\n"), line);
        assertTrue(line.contains(option) && line.contains(file.toString()) && line.contains(what), line);
    }

    @Test
    @Timeout(value = 60, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
    void aFifoAsModelArchOrInputIsRefusedWithoutHanging() throws Exception {
        Path model = fifo("m.safetensors");
        assertRefused(CliTest.run("predict", "--model", model.toString()), "--model", model, "FIFO");
        Path arch = fifo("a.json");
        assertRefused(CliTest.run("predict", "--arch", arch.toString()), "--arch", arch, "FIFO");
        Path input = fifo("t10k-images-idx3-ubyte");
        assertRefused(CliTest.run("predict", "--input", input.toString()), "--input", input, "FIFO");
    }

    @Test
    @Timeout(value = 60, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
    void devZeroAsArchIsRefused() {
        Path zero = Path.of("/dev/zero");
        assertRefused(CliTest.run("predict", "--arch", zero.toString()), "--arch", zero, "device");
    }

    @Test
    @Timeout(value = 60, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
    void aDirectoryAsModelSaysItIsADirectory() throws IOException {
        Path models = Files.createDirectory(dir.resolve("models.safetensors"));
        assertRefused(CliTest.run("predict", "--model", models.toString()), "--model", models, "is a directory");
    }

    @Test
    @Timeout(value = 60, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
    void anArchitectureFileBeyondTheSizeLimitIsRefusedUnread() throws IOException {
        Path big = dir.resolve("big.json");
        try (var ch = java.nio.channels.FileChannel.open(big, java.nio.file.StandardOpenOption.CREATE_NEW,
                java.nio.file.StandardOpenOption.WRITE)) {
            ch.write(java.nio.ByteBuffer.wrap(new byte[] {' '}), (64L << 20) - 1); // sparse 64 MiB of NULs
        }
        assertRefused(CliTest.run("predict", "--arch", big.toString()), "--arch", big, "MiB");
    }
}
