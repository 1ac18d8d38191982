package dev.mcdrop.scripts;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * The scripts that CI never runs (the GPU device check, the bundle and training scripts, the
 * launcher) at least parse: {@code bash -n} on every shell script, {@code python3 -m py_compile}
 * on the PyTorch comparison. A syntax error would otherwise surface only on the rare GPU machine.
 */
class ScriptsParseTest {
    private static List<Path> files(String glob) throws IOException {
        try (Stream<Path> s = Files.walk(Path.of("scripts"))) {
            var matcher = Path.of("scripts").getFileSystem().getPathMatcher("glob:" + glob);
            return s.filter(p -> matcher.matches(p.getFileName())).sorted().toList();
        }
    }

    private static String run(List<String> command) throws IOException, InterruptedException {
        Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (!p.waitFor(60, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            return "timed out";
        }
        return p.exitValue() == 0 ? "" : "exit " + p.exitValue() + ": " + out;
    }

    static boolean available(String tool) {
        try {
            return new ProcessBuilder(tool, "--version").redirectErrorStream(true).start().waitFor() == 0;
        } catch (IOException | InterruptedException e) {
            return false;
        }
    }

    @Test
    void shellScriptsParse() throws Exception {
        assumeTrue(available("bash"), "bash not found");
        List<Path> scripts = new java.util.ArrayList<>(files("*.sh"));
        scripts.add(Path.of("mcdrop"));
        scripts.add(Path.of(".ci/run"));
        scripts.add(Path.of("native-kernels/build-ptx.sh"));
        scripts.add(Path.of("dev/cuda/build.sh"));
        assertFalse(scripts.isEmpty());
        for (Path script : scripts) assertEquals("", run(List.of("bash", "-n", script.toString())), script.toString());
    }

    @Test
    void pythonScriptsCompile() throws Exception {
        assumeTrue(available("python3"), "python3 not found");
        List<Path> scripts = files("*.py");
        assertFalse(scripts.isEmpty());
        Path cache = Files.createTempDirectory("pycache");
        for (Path script : scripts) {
            // compile to a temp file, not beside the script (no __pycache__ in the tree)
            String code = "import py_compile,sys; py_compile.compile(sys.argv[1], cfile=sys.argv[2], doraise=True)";
            assertEquals("", run(List.of("python3", "-c", code, script.toString(), cache.resolve("x.pyc").toString())),
                    script.toString());
        }
    }
}
