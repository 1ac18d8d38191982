package dev.mcdrop.scripts;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue 13, class 19: the launchers (./mcdrop, dist/mcdrop) run java through scripts/run-java.sh,
 * which keeps the JVM's "WARNING: Using incubator modules: jdk.incubator.vector" off stderr, so a
 * usage error is exactly one {@code mcdrop:} line; java's exit status, stdout and every other
 * stderr line come through. Runs the real JVM with the real flag (the test's own class path), and
 * ./mcdrop itself when its jar is built and fresh.
 */
class LauncherStderrTest {
    @TempDir Path dir;

    record Result(int exit, String out, String err) {}

    private static Result run(Map<String, String> env, List<String> command) throws IOException, InterruptedException {
        Path out = Files.createTempFile("launcher", ".out"), err = Files.createTempFile("launcher", ".err");
        try {
            ProcessBuilder pb = new ProcessBuilder(command).redirectOutput(out.toFile()).redirectError(err.toFile())
                    .redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")));
            pb.environment().putAll(env);
            Process p = pb.start();
            if (!p.waitFor(120, TimeUnit.SECONDS)) {
                p.destroyForcibly();
                throw new AssertionError("timed out: " + command);
            }
            // the launcher returns only after its filter wrote java's last stderr line: read at once
            return new Result(p.exitValue(), Files.readString(out, StandardCharsets.UTF_8), Files.readString(err, StandardCharsets.UTF_8));
        } finally {
            Files.deleteIfExists(out);
            Files.deleteIfExists(err);
        }
    }

    /** {@code run_java java --add-modules jdk.incubator.vector … dev.mcdrop.cli.Main args…} through scripts/run-java.sh. */
    private static Result runJava(Map<String, String> env, String... args) throws IOException, InterruptedException {
        List<String> command = new ArrayList<>(List.of("bash", "-c", "source scripts/run-java.sh; run_java \"$@\"", "run-java",
                Path.of(System.getProperty("java.home"), "bin", "java").toString(), "--add-modules", "jdk.incubator.vector",
                "--enable-native-access=ALL-UNNAMED", "-Dmcdrop.home=" + Path.of("").toAbsolutePath(),
                "-cp", System.getProperty("java.class.path"), "dev.mcdrop.cli.Main"));
        command.addAll(List.of(args));
        return run(env, command);
    }

    @Test
    void aUsageErrorIsExactlyOneLine() throws Exception {
        assumeTrue(ScriptsParseTest.available("bash"), "bash not found");
        Result r = runJava(Map.of(), "predict", "--threads", "-1");
        assertEquals(2, r.exit(), r.err());
        assertTrue(r.err().startsWith("mcdrop: Invalid value for option '--threads'") && r.err().indexOf('\n') == r.err().length() - 1,
                "one line: " + r.err());
        assertEquals("", r.out());
    }

    @Test
    void everythingElseComesThrough() throws Exception {
        assumeTrue(ScriptsParseTest.available("bash"), "bash not found");
        Result version = runJava(Map.of(), "--version");
        assertEquals(0, version.exit(), version.err());
        assertEquals("mcdrop 0.1.0\n", version.out());
        assertEquals("", version.err());
        Result info = runJava(Map.of(), "info", "--model", "no/such.safetensors");
        assertEquals(1, info.exit());
        assertEquals(1, info.err().lines().count(), info.err());
        // MCDROP_DEBUG: the line, then the stack trace, every line of it
        Result debug = runJava(Map.of("MCDROP_DEBUG", "1"), "info", "--arch", "no/such.json");
        assertEquals(1, debug.exit());
        List<String> lines = debug.err().lines().toList();
        assertTrue(lines.getFirst().startsWith("mcdrop: ") && lines.size() > 3 && lines.stream().anyMatch(l -> l.startsWith("\tat ")),
                debug.err());
    }

    /** ./mcdrop itself, when target/mcdrop.jar is there and newer than every source (else it would build first). */
    @Test
    void theMcdropLauncherToo() throws Exception {
        assumeTrue(ScriptsParseTest.available("bash"), "bash not found");
        Path jar = Path.of("target/mcdrop.jar");
        assumeTrue(Files.isRegularFile(jar), "target/mcdrop.jar not built (./mvnw package): ./mcdrop not run");
        long built = Files.getLastModifiedTime(jar).toMillis();
        try (Stream<Path> sources = Stream.concat(Files.walk(Path.of("src/main")), Stream.of(Path.of("pom.xml")))) {
            assumeTrue(sources.allMatch(p -> p.toFile().lastModified() <= built), "target/mcdrop.jar older than the sources: ./mcdrop not run");
        }
        Result r = run(Map.of("JAVA_HOME", System.getProperty("java.home"), "JAVA_OPTS", "-Xmx256m"),
                List.of("./mcdrop", "predict", "--samples", "0"));
        assertEquals(2, r.exit(), r.err());
        assertTrue(r.err().startsWith("mcdrop: Invalid value for option '--samples'") && r.err().indexOf('\n') == r.err().length() - 1,
                "one line: " + r.err());
    }
}
