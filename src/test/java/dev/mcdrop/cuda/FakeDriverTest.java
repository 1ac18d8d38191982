package dev.mcdrop.cuda;

import static org.junit.jupiter.api.Assertions.*;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.File;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.zip.ZipEntry;
import java.util.zip.ZipFile;
import org.junit.jupiter.api.Test;

/**
 * The CUDA backend end to end without a GPU: builds the fake driver (src/test/c/fake_cuda/:
 * libcuda.so.1 that keeps "device" memory in host memory and runs the real native-kernels sources
 * on the CPU, and a libcublas.so.13 with a reference GEMM) into target/fake-cuda/, then runs
 * {@link FakeDriverRun} in a child JVM with the fake first on LD_LIBRARY_PATH (it must be set
 * before the JVM starts: JCuda's JNI library links libcuda.so.1) and
 * {@code -Dmcdrop.cublas=<fake libcublas>}. The child runs {@link CudaBackendTest} and
 * {@link CudaGraphOpsTest}, {@link CudaGraphPlanTest} ({@link FakeDriverRun#BACKEND_TESTS}) — every one of their tests must run and pass, none skipped, so this cannot pass by not finding the fake — and
 * compares an MC-dropout prediction on the fake GPU with the CPU backend.
 *
 * <p>The driver functions JCuda links but the fake does not implement are stubs generated here from
 * the symbols JCuda's native library actually imports ({@code nm -D --undefined-only}), so a JCuda
 * upgrade needs no hand-kept list; each stub reports an unexpected call. Skipped where g++/gcc/nm
 * are missing or the platform is not Linux x86-64; a compile error fails.
 */
class FakeDriverTest {
    private static final Path SOURCES = Path.of("src/test/c/fake_cuda");
    private static final Path DIR = Path.of("target/fake-cuda");
    private static final long CHILD_TIMEOUT_SECONDS = 300; // ~90 s on an idle 2-core VM; shared CI machines are slower
    private static final Pattern SUMMARY = Pattern.compile(
            "FAKE-DRIVER junit found=(\\d+) started=(\\d+) succeeded=(\\d+) failed=(\\d+) aborted=(\\d+) skipped=(\\d+)");

    @Test
    void cudaBackendPassesOnTheFakeDriver() throws Exception {
        assumeTrue(System.getProperty("os.name").startsWith("Linux") && System.getProperty("os.arch").equals("amd64"),
                "the fake driver stands in for JCuda's linux-x86_64 natives only");
        for (String tool : new String[]{"g++", "gcc", "nm"}) assumeTrue(available(tool), tool + " not available: cannot build the fake CUDA driver");

        Path lib = DIR.resolve("lib"), cublasDir = DIR.resolve("cublas");
        Files.createDirectories(lib);
        Files.createDirectories(cublasDir);
        Set<String> imported = driverImports(jcudaDriverLibrary());
        Path stubs = DIR.resolve("stubs.cpp");
        Files.writeString(stubs, stubSource(imported));

        Path libcuda = lib.resolve("libcuda.so.1"), libcublas = cublasDir.resolve("libcublas.so.13");
        compile("g++", "-std=c++20", "-O1", "-pthread", "-ffp-contract=off", "-fPIC", "-shared", "-fvisibility=hidden",
                "-Wall", "-Wno-unknown-pragmas", "-I" + KernelTable.write(DIR.resolve("table")), "-Inative-kernels", "-Isrc/test/c",
                SOURCES.resolve("fakecuda.cpp").toString(), stubs.toString(),
                "-Wl,-soname,libcuda.so.1", "-Wl,--no-undefined", "-o", libcuda.toString());
        // cuBLAS 13 needs its Lt, which lies beside it, outside the child's LD_LIBRARY_PATH and with no rpath
        // (as in pip's nvidia/cublas/lib): the backend loads only if CublasGemm loads that sibling first
        compile("gcc", "-std=c11", "-O2", "-fPIC", "-shared", "-Wall", SOURCES.resolve("fakecublaslt.c").toString(),
                "-Wl,-soname,libcublasLt.so.13", "-o", cublasDir.resolve("libcublasLt.so.13").toString());
        compile("gcc", "-std=c11", "-O2", "-fPIC", "-shared", "-fvisibility=hidden", "-Wall", "-DFAKE_CUBLAS_NEEDS_LT",
                SOURCES.resolve("fakecublas.c").toString(), "-Wl,-soname,libcublas.so.13",
                "-L" + lib, "-l:libcuda.so.1", "-L" + cublasDir, "-l:libcublasLt.so.13",
                "-Wl,--no-undefined", "-o", libcublas.toString());
        // a cuBLAS 12 where the JVM's loader finds it by soname: FakeDriverRun's CUDA 12.0 driver check falls back to it
        compile("gcc", "-std=c11", "-O2", "-fPIC", "-shared", "-fvisibility=hidden", "-Wall", "-DFAKE_CUBLAS_MAJOR=12",
                SOURCES.resolve("fakecublas.c").toString(), "-Wl,-soname,libcublas.so.12",
                "-L" + lib, "-l:libcuda.so.1", "-Wl,--no-undefined", "-o", lib.resolve("libcublas.so.12").toString());
        checkExports(libcuda, imported);

        Process child = startChild(lib.toAbsolutePath(), libcublas.toAbsolutePath());
        Path log = DIR.resolve("child.log");
        long start = System.nanoTime();
        boolean finished = child.waitFor(CHILD_TIMEOUT_SECONDS, TimeUnit.SECONDS);
        if (!finished) {
            child.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
        }
        String out = Files.readString(log, StandardCharsets.UTF_8);
        String report = "\n---- child JVM output (" + log + ") ----\n" + tail(out, 40_000);
        assertTrue(finished, "the child JVM did not finish within " + CHILD_TIMEOUT_SECONDS + " s" + report);
        System.out.printf(Locale.ROOT, "FakeDriverTest: child JVM took %.1f s%n", (System.nanoTime() - start) / 1e9);

        Matcher m = SUMMARY.matcher(out);
        assertTrue(m.find(), "the child did not report CudaBackendTest's results" + report);
        int found = Integer.parseInt(m.group(1)), started = Integer.parseInt(m.group(2)), succeeded = Integer.parseInt(m.group(3));
        int failed = Integer.parseInt(m.group(4)), aborted = Integer.parseInt(m.group(5)), skipped = Integer.parseInt(m.group(6));
        int expected = FakeDriverRun.BACKEND_TESTS.stream().mapToInt(FakeDriverTest::testMethods).sum();
        assertAll("the backend tests (FakeDriverRun.BACKEND_TESTS) on the fake driver" + report,
                () -> assertEquals(expected, found, "tests found"),
                () -> assertEquals(expected, started, "tests started"),
                () -> assertEquals(expected, succeeded, "tests passed"),
                () -> assertEquals(0, failed, "tests failed"),
                () -> assertEquals(0, aborted, "tests aborted (assumption failed: the fake was not used?)"),
                () -> assertEquals(0, skipped, "tests skipped"));
        assertEquals(0, child.exitValue(), "the child JVM failed" + report);
        assertTrue(out.contains("FAKE-DRIVER ok"), "the child did not finish its checks" + report);
    }

    private static int testMethods(Class<?> c) {
        return (int) Arrays.stream(c.getDeclaredMethods()).filter(mt -> mt.isAnnotationPresent(Test.class)).count();
    }

    /** libJCudaDriver-*.so extracted from the jcuda-natives jar on the test class path. */
    private static Path jcudaDriverLibrary() throws IOException {
        for (String entry : System.getProperty("java.class.path").split(File.pathSeparator)) {
            String name = Path.of(entry).getFileName().toString();
            if (!name.startsWith("jcuda-natives") || !name.endsWith(".jar")) continue;
            try (ZipFile jar = new ZipFile(entry)) {
                for (ZipEntry e : jar.stream().toList()) {
                    String file = e.getName().substring(e.getName().lastIndexOf('/') + 1);
                    if (file.startsWith("libJCudaDriver-") && file.endsWith(".so")) {
                        Path out = DIR.resolve(file);
                        try (InputStream in = jar.getInputStream(e)) {
                            Files.copy(in, out, StandardCopyOption.REPLACE_EXISTING);
                        }
                        return out;
                    }
                }
            }
        }
        throw new AssertionError("no jcuda-natives jar with libJCudaDriver-*.so on the class path: "
                + System.getProperty("java.class.path"));
    }

    /** The CUDA driver functions (cu[A-Z]…) the JNI library leaves undefined, i.e. takes from libcuda.so.1. */
    private static Set<String> driverImports(Path so) throws Exception {
        Set<String> names = new TreeSet<>();
        for (String line : run("nm", "-D", "--undefined-only", so.toString()).lines().toList()) {
            String[] f = line.trim().split("\\s+");
            if (f.length == 2 && f[0].equals("U") && f[1].matches("cu[A-Z]\\w*")) names.add(f[1]);
        }
        for (String needed : new String[]{"cuInit", "cuLaunchKernel", "cuMemAlloc_v2", "cuModuleLoadData"}) {
            assertTrue(names.contains(needed), "nm found no " + needed + " among " + so + "'s imports: " + names);
        }
        return names;
    }

    private static String stubSource(Set<String> imported) {
        StringBuilder s = new StringBuilder()
                .append("// Generated by FakeDriverTest from `nm -D --undefined-only` of JCuda's libJCudaDriver: one weak stub\n")
                .append("// per driver function it links. fakecuda.cpp's real definitions override them; the rest report an\n")
                .append("// unexpected call (counted, printed, CUDA_ERROR_NOT_SUPPORTED). Arguments are ignored.\n")
                .append("extern \"C\" int fakecuda_unexpected(const char* function);\n");
        for (String name : imported) {
            s.append("extern \"C\" __attribute__((weak, visibility(\"default\"))) int ").append(name)
                    .append("() { return fakecuda_unexpected(\"").append(name).append("\"); }\n");
        }
        return s.toString();
    }

    /** Every import is exported, and every function fakecuda.cpp implements is one JCuda calls (no typo'd names). */
    private static void checkExports(Path libcuda, Set<String> imported) throws Exception {
        Set<String> strong = new TreeSet<>(), all = new TreeSet<>();
        for (String line : run("nm", "-D", "--defined-only", libcuda.toString()).lines().toList()) {
            String[] f = line.trim().split("\\s+");
            if (f.length != 3 || !f[2].matches("cu[A-Z]\\w*")) continue;
            all.add(f[2]);
            if (f[1].equals("T")) strong.add(f[2]);
        }
        Set<String> missing = new TreeSet<>(imported);
        missing.removeAll(all);
        assertTrue(missing.isEmpty(), "the fake libcuda does not export " + missing);
        Set<String> unused = new TreeSet<>(strong);
        unused.removeAll(imported);
        assertTrue(unused.isEmpty(), "fakecuda.cpp implements " + unused + ", which JCuda never calls (misspelt or wrong _v2 suffix?)");
        assertTrue(strong.size() >= 20, "fakecuda.cpp's functions are not exported: " + strong);
    }

    private Process startChild(Path libDir, Path libcublas) throws IOException {
        String classPath = System.getProperty("java.class.path");
        assertTrue(classPath.contains("test-classes"), "java.class.path is not the test class path: " + classPath);
        List<String> command = new ArrayList<>(List.of(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "--add-modules", "jdk.incubator.vector", "--enable-native-access=ALL-UNNAMED",
                "-Xmx1g", "-XX:+UseSerialGC",
                "-XX:ErrorFile=" + DIR.toAbsolutePath().resolve("hs_err_pid%p.log"), // a kernel hitting a guard page crashes the JVM
                "-Dmcdrop.cublas=" + libcublas,
                "-cp", classPath,
                FakeDriverRun.class.getName()));
        ProcessBuilder pb = new ProcessBuilder(command).redirectErrorStream(true)
                .redirectOutput(DIR.resolve("child.log").toFile());
        String old = System.getenv("LD_LIBRARY_PATH");
        pb.environment().put("LD_LIBRARY_PATH", libDir + (old == null || old.isEmpty() ? "" : File.pathSeparator + old));
        return pb.start();
    }

    private static boolean available(String tool) {
        try {
            Process p = new ProcessBuilder(tool, "--version").redirectErrorStream(true).start();
            p.getInputStream().readAllBytes();
            return p.waitFor(30, TimeUnit.SECONDS) && p.exitValue() == 0;
        } catch (IOException | InterruptedException e) {
            return false;
        }
    }

    private static void compile(String... command) throws Exception {
        run(command);
    }

    /** Runs a tool; its output, or an AssertionError with it when the exit status is not 0. */
    private static String run(String... command) throws Exception {
        Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (!p.waitFor(120, TimeUnit.SECONDS) || p.exitValue() != 0) {
            throw new AssertionError(String.join(" ", command) + " failed:\n" + out);
        }
        return out;
    }

    private static String tail(String s, int max) {
        return s.length() <= max ? s : "[... " + (s.length() - max) + " characters left out ...]\n" + s.substring(s.length() - max);
    }
}
