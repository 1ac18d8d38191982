package dev.mcdrop.cuda;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * A {@link KernelLauncher} that runs the real native-kernels sources on the CPU: they are
 * compiled once with g++ (src/test/c/kernel_emulator.cpp + cuda_host_shim.h) and each launch
 * ships the touched buffers to that program and reads them back. "Device memory" is host float
 * arrays at fake addresses (buffer id in the high bits), so the Java launchers run unchanged.
 * Grid-stride launches are shrunk to 2 blocks of 7 threads (exercising the stride loops); the
 * GEMM's 16×16 blocks and its grid are kept, with one std::thread per CUDA thread.
 */
final class KernelEmulator implements KernelLauncher {
    private static final int SHIFT = 40;
    private final Path executable;
    private final List<float[]> memory = new ArrayList<>();
    int launches;

    private KernelEmulator(Path executable) { this.executable = executable; }

    /** Compiles the emulator into {@code dir} (forceIndex64: the kernels' 64-bit index paths); null (with the reason in {@code why[0]}) if there is no g++;
     * throws if g++ fails on the sources. */
    static KernelEmulator build(Path dir, boolean forceIndex64, String[] why) throws InterruptedException {
        Path exe = dir.resolve(forceIndex64 ? "kernel_emulator64" : "kernel_emulator");
        try {
            Process cc = new ProcessBuilder("g++", "-std=c++20", "-O1", "-pthread", "-ffp-contract=off", "-Wall",
                    "-Wno-unknown-pragmas", forceIndex64 ? "-DMCDROP_FORCE_INDEX64" : "-DMCDROP_DEFAULT_INDEX",
                    "-I" + KernelTable.write(dir), "-Inative-kernels", "-Isrc/test/c",
                    "src/test/c/kernel_emulator.cpp",
                    "-o", exe.toString()).redirectErrorStream(true).start();
            String out = new String(cc.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            if (!cc.waitFor(120, TimeUnit.SECONDS) || cc.exitValue() != 0) {
                // A kernel source g++ cannot compile is a failure, not a reason to skip.
                throw new IllegalStateException("g++ failed to build the kernel emulator:\n" + out);
            }
        } catch (IOException e) {
            why[0] = "g++ not available: " + e.getMessage();
            return null;
        }
        return new KernelEmulator(exe);
    }

    /** "Uploads" {@code data} (kept by reference: launches update it in place); returns its address. */
    long put(float[] data) {
        memory.add(data);
        return (long) memory.size() << SHIFT;
    }

    @Override
    public void launch(String kernel, int gx, int gy, int bx, int by, KernelArgs args, String op) {
        launches++;
        args.requireComplete();
        boolean tiled = kernel.startsWith("gemm/") || kernel.startsWith("conv2d/"); // need their exact grid and block
        if (!tiled) { // grid-stride kernels: any grid is correct; keep the emulation small
            gx = Math.min(gx, 2);
            bx = Math.min(bx, 7);
        }
        String types = args.types();
        Map<Integer, Integer> used = new LinkedHashMap<>(); // memory index -> protocol buffer index
        StringBuilder argText = new StringBuilder().append(types.length()).append('\n');
        for (int i = 0; i < types.length(); i++) {
            char t = types.charAt(i);
            long v = args.bits(i);
            if (t == 'p' && v == 0) {
                argText.append("n\n");   // a NULL pointer (an optional table the kernel tests for)
            } else if (t == 'p') {
                int id = (int) (v >>> SHIFT) - 1;
                long byteOffset = v & ((1L << SHIFT) - 1);
                if (id < 0 || id >= memory.size() || byteOffset % 4 != 0) {
                    throw new IllegalArgumentException(op + ": argument " + i + " is not an emulated address");
                }
                int index = used.computeIfAbsent(id, k -> used.size());
                argText.append("p ").append(index).append(' ').append(byteOffset / 4).append('\n');
            } else {
                argText.append(t).append(' ').append(v).append('\n');
            }
        }
        StringBuilder in = new StringBuilder();
        in.append(kernel).append(' ').append(gx).append(' ').append(gy).append(' ').append(bx).append(' ').append(by).append('\n');
        in.append(used.size()).append('\n');
        for (int id : used.keySet()) {
            float[] data = memory.get(id);
            in.append(data.length);
            for (float f : data) in.append(' ').append(Float.floatToRawIntBits(f));
            in.append('\n');
        }
        in.append(argText);
        try {
            Process p = new ProcessBuilder(executable.toString()).redirectError(ProcessBuilder.Redirect.INHERIT).start();
            p.getOutputStream().write(in.toString().getBytes(StandardCharsets.US_ASCII));
            p.getOutputStream().close();
            List<String> lines = new String(p.getInputStream().readAllBytes(), StandardCharsets.US_ASCII).lines().toList();
            if (!p.waitFor(120, TimeUnit.SECONDS) || p.exitValue() != 0 || lines.size() != used.size()) {
                throw new IllegalStateException(op + ": emulator failed (exit " + p.exitValue() + ")");
            }
            int line = 0;
            for (int id : used.keySet()) {
                float[] data = memory.get(id);
                String s = lines.get(line++);
                if (data.length == 0) continue;
                String[] words = s.split(" ");
                for (int i = 0; i < data.length; i++) data[i] = Float.intBitsToFloat(Integer.parseInt(words[i]));
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }
}
