package dev.mcdrop.cuda;

import static org.junit.jupiter.api.Assertions.*;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * Every native-kernels/<op>.cu has a shipped src/main/resources/dev/mcdrop/cuda/<op>.ptx whose
 * first line carries the SHA-256 that native-kernels/build-ptx.sh computes: of
 * "flags=<flags>\n" + "isa=<X.Y>\n" (PTX only) + the .cu + each directly #included .cuh (sorted by
 * name). Needs neither a GPU nor nvcc; fails when someone edits a kernel and forgets to rebuild the
 * PTX. Also: every PTX declares {@link PtxModules#PTX_ISA}, an ISA the driver floor can load, and
 * (where CUDA's ptxas is installed) assembles at that ISA.
 */
class PtxFreshnessTest {
    static final Path KERNELS = Path.of("native-kernels");
    static final Path PTX = Path.of("src/main/resources/dev/mcdrop/cuda");
    private static final Pattern HEADER = Pattern.compile("^// mcdrop-ptx sha256=([0-9a-f]{64})(?: isa=(\\d+\\.\\d))? flags=(.*)$");
    private static final Pattern VERSION = Pattern.compile("(?m)^\\.version (\\d+\\.\\d)$");
    private static final Pattern INCLUDE = Pattern.compile("(?m)^[ \\t]*#include[ \\t]+\"([^\"]+\\.cuh)\"");

    static List<Path> cudaSources() throws IOException {
        try (Stream<Path> s = Files.list(KERNELS)) {
            return s.filter(p -> p.toString().endsWith(".cu")).sorted().toList();
        }
    }

    static String sourceHash(Path cu, String flags, String isa) throws IOException, NoSuchAlgorithmException {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        bytes.writeBytes(("flags=" + flags + "\n").getBytes(StandardCharsets.UTF_8));
        if (isa != null) bytes.writeBytes(("isa=" + isa + "\n").getBytes(StandardCharsets.UTF_8));
        String source = Files.readString(cu);
        bytes.writeBytes(Files.readAllBytes(cu));
        TreeSet<String> includes = new TreeSet<>();
        Matcher m = INCLUDE.matcher(source);
        while (m.find()) includes.add(m.group(1));
        for (String h : includes) bytes.writeBytes(Files.readAllBytes(KERNELS.resolve(h)));
        return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes.toByteArray()));
    }

    @Test
    void everyKernelHasFreshPtx() throws Exception {
        List<Path> sources = cudaSources();
        assertFalse(sources.isEmpty(), "no .cu files in " + KERNELS.toAbsolutePath());
        List<String> problems = new ArrayList<>();
        for (Path cu : sources) {
            String op = cu.getFileName().toString().replace(".cu", "");
            Path ptx = PTX.resolve(op + ".ptx");
            if (!Files.exists(ptx)) {
                problems.add(op + ".ptx missing");
                continue;
            }
            String first = Files.readAllLines(ptx).getFirst();
            Matcher h = HEADER.matcher(first);
            if (!h.matches()) {
                problems.add(op + ".ptx has no mcdrop-ptx header line");
                continue;
            }
            if (!h.group(1).equals(sourceHash(cu, h.group(3), h.group(2)))) problems.add(op + ".ptx is stale");
            if (h.group(3).contains("fast_math")) problems.add(op + ".ptx built with fast math");
            if (!PtxModules.PTX_ISA.equals(h.group(2))) problems.add(op + ".ptx was built for ISA " + h.group(2) + ", not " + PtxModules.PTX_ISA);
        }
        assertTrue(problems.isEmpty(), String.join("; ", problems) + " — run native-kernels/build-ptx.sh");
    }

    /** Each shipped <op>.sm_XX.cubin has a sidecar .sha256 header line that matches its source (a cubin is binary). */
    @Test
    void everyShippedCubinIsFresh() throws Exception {
        List<String> problems = new ArrayList<>();
        int cubins = 0;
        try (Stream<Path> s = Files.list(PTX)) {
            for (Path cubin : s.filter(p -> p.toString().endsWith(".cubin")).sorted().toList()) {
                cubins++;
                String name = cubin.getFileName().toString();
                String op = name.substring(0, name.indexOf('.'));
                Path cu = KERNELS.resolve(op + ".cu"), sidecar = cubin.resolveSibling(name + ".sha256");
                if (!Files.exists(cu)) { problems.add(name + " has no source " + op + ".cu"); continue; }
                if (!Files.exists(sidecar)) { problems.add(name + " has no " + sidecar.getFileName()); continue; }
                Matcher h = HEADER.matcher(Files.readString(sidecar).strip());
                if (!h.matches()) { problems.add(sidecar.getFileName() + " is not a header line"); continue; }
                if (!h.group(1).equals(sourceHash(cu, h.group(3), h.group(2)))) problems.add(name + " is stale");
                if (Files.size(cubin) < 4 || Files.readAllBytes(cubin)[0] != 0x7f) problems.add(name + " is not an ELF cubin");
            }
        }
        // every op ships machine code for each architecture that any op ships it for
        assertTrue(cubins == 0 || cubins % cudaSources().size() == 0, cubins + " cubins for " + cudaSources().size() + " kernel files");
        assertTrue(problems.isEmpty(), String.join("; ", problems) + " — run native-kernels/build-ptx.sh");
    }

    /**
     * The .version line is what a driver checks before it JITs a module: it must be the declared ISA,
     * and that ISA must be one the oldest driver the backend accepts knows (ISA 7.8 came with CUDA 11.8,
     * 8.0 with CUDA 12.0, 9.0 with 13.0).
     */
    @Test
    void everyPtxDeclaresAnIsaTheDriverFloorLoads() throws Exception {
        for (Path cu : cudaSources()) {
            String op = cu.getFileName().toString().replace(".cu", "");
            Matcher v = VERSION.matcher(Files.readString(PTX.resolve(op + ".ptx")));
            assertTrue(v.find(), op + ".ptx has no .version line");
            assertEquals(PtxModules.PTX_ISA, v.group(1), op + ".ptx .version");
            assertFalse(v.find(), op + ".ptx has two .version lines");
        }
        assertTrue(cudaReleaseOfIsa(PtxModules.PTX_ISA) <= PtxModules.MIN_DRIVER_VERSION,
                "PTX ISA " + PtxModules.PTX_ISA + " needs a newer driver than MIN_DRIVER_VERSION " + PtxModules.MIN_DRIVER_VERSION);
        assertEquals(11080, cudaReleaseOfIsa("7.8"));
        assertEquals(13000, cudaReleaseOfIsa("9.0"));
    }

    /** The CUDA release (cuDriverGetVersion encoding) that introduced a PTX ISA, for the ISAs a shipped PTX may declare here. */
    static int cudaReleaseOfIsa(String isa) {
        return switch (isa) {
            case "7.8" -> 11080;
            case "8.0" -> 12000;
            case "9.0" -> 13000;
            default -> throw new IllegalArgumentException("PTX ISA " + isa + " not in the table");
        };
    }

    /**
     * ptxas checks every instruction against the ISA a PTX file declares (e.g. "Feature 'cp.async'
     * requires PTX ISA .version 7.0 or later"), so the rewritten .version line is a checked claim.
     * The same run (-v) reports each kernel's resources for the lowest and the benchmarked target:
     * no kernel may spill registers to local memory or need a stack frame, which would turn its
     * register tiles into DRAM traffic (native-kernels/README.md has the table). Runs where CUDA's
     * ptxas is installed; scripts/check-ptx-old-ptxas.sh repeats the assembly with CUDA 11.8's.
     */
    @Test
    void everyPtxAssemblesAtItsDeclaredIsaWithoutSpills() throws Exception {
        Path ptxas = Stream.of(System.getenv("PTXAS"), "/usr/local/cuda/bin/ptxas")
                .filter(s -> s != null && !s.isBlank()).map(Path::of).filter(Files::isExecutable).findFirst().orElse(null);
        org.junit.jupiter.api.Assumptions.assumeTrue(ptxas != null, "no ptxas (CUDA toolkit) on this machine");
        Pattern entry = Pattern.compile("Compiling entry function '(\\w+)' for '(sm_\\d+)'");
        Pattern frame = Pattern.compile("(\\d+) bytes stack frame, (\\d+) bytes spill stores, (\\d+) bytes spill loads");
        List<String> problems = new ArrayList<>();
        int entries = 0;
        for (Path cu : cudaSources()) {
            String op = cu.getFileName().toString().replace(".cu", "");
            for (String arch : new String[]{"sm_75", "sm_90"}) {
                Process p = new ProcessBuilder(ptxas.toString(), "-arch=" + arch, "-v", PTX.resolve(op + ".ptx").toString(), "-o", "/dev/null")
                        .redirectErrorStream(true).start();
                String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
                assertEquals(0, p.waitFor(), ptxas + " rejects " + op + ".ptx for " + arch + ": " + out);
                String kernel = "?";
                for (String line : out.lines().toList()) {
                    Matcher e = entry.matcher(line);
                    if (e.find()) { kernel = e.group(1); entries++; }
                    Matcher f = frame.matcher(line);
                    if (f.find() && !(f.group(1).equals("0") && f.group(2).equals("0") && f.group(3).equals("0"))) {
                        problems.add(op + "/" + kernel + " on " + arch + ": " + f.group());
                    }
                }
            }
        }
        assertTrue(entries >= 2 * cudaSources().size(), "ptxas -v reported only " + entries + " kernels");
        assertTrue(problems.isEmpty(), "kernels using local memory: " + problems);
    }

    @Test
    void noOrphanPtx() throws IOException {
        try (Stream<Path> s = Files.list(PTX)) {
            for (Path ptx : s.filter(p -> p.toString().endsWith(".ptx")).toList()) {
                String op = ptx.getFileName().toString().replace(".ptx", "");
                assertTrue(Files.exists(KERNELS.resolve(op + ".cu")), ptx + " has no source " + op + ".cu");
            }
        }
    }

    /** The hash follows direct includes only, so headers must not include headers. */
    @Test
    void headersIncludeNoHeaders() throws IOException {
        try (Stream<Path> s = Files.list(KERNELS)) {
            for (Path h : s.filter(p -> p.toString().endsWith(".cuh")).toList()) {
                assertFalse(INCLUDE.matcher(Files.readString(h)).find(), h + " includes another .cuh");
            }
        }
    }
}
