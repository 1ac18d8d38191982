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
 * "flags=<flags>\n" + the .cu + each directly #included .cuh (sorted by name). Needs neither
 * a GPU nor nvcc; fails when someone edits a kernel and forgets to rebuild the PTX.
 */
class PtxFreshnessTest {
    static final Path KERNELS = Path.of("native-kernels");
    static final Path PTX = Path.of("src/main/resources/dev/mcdrop/cuda");
    private static final Pattern HEADER = Pattern.compile("^// mcdrop-ptx sha256=([0-9a-f]{64}) flags=(.*)$");
    private static final Pattern INCLUDE = Pattern.compile("(?m)^[ \\t]*#include[ \\t]+\"([^\"]+\\.cuh)\"");

    static List<Path> cudaSources() throws IOException {
        try (Stream<Path> s = Files.list(KERNELS)) {
            return s.filter(p -> p.toString().endsWith(".cu")).sorted().toList();
        }
    }

    static String sourceHash(Path cu, String flags) throws IOException, NoSuchAlgorithmException {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        bytes.writeBytes(("flags=" + flags + "\n").getBytes(StandardCharsets.UTF_8));
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
            if (!h.group(1).equals(sourceHash(cu, h.group(2)))) problems.add(op + ".ptx is stale");
            if (h.group(2).contains("fast_math")) problems.add(op + ".ptx built with fast math");
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
                if (!h.group(1).equals(sourceHash(cu, h.group(2)))) problems.add(name + " is stale");
                if (Files.size(cubin) < 4 || Files.readAllBytes(cubin)[0] != 0x7f) problems.add(name + " is not an ELF cubin");
            }
        }
        // every op ships machine code for each architecture that any op ships it for
        assertTrue(cubins == 0 || cubins % cudaSources().size() == 0, cubins + " cubins for " + cudaSources().size() + " kernel files");
        assertTrue(problems.isEmpty(), String.join("; ", problems) + " — run native-kernels/build-ptx.sh");
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
