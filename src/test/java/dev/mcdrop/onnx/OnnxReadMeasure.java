package dev.mcdrop.onnx;

import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.stream.Stream;

/**
 * Measures {@link OnnxFile#read}: wall time and bytes allocated (by the reading thread, as the
 * JVM counts them) per read; minimum and median of 11 rounds of about a second after a warm-up of
 * at least 3 s (the minimum is the better estimate on a shared, loaded machine). Not a test (no timed tests);
 * docs/ONNX.md, "Reader", gives the numbers and the machine. Usage, from the repository root:
 * <pre>
 * java -cp target/test-classes:target/classes dev.mcdrop.onnx.OnnxReadMeasure --synthetic DIR   # writes the two synthetic models
 * java -cp target/test-classes:target/classes dev.mcdrop.onnx.OnnxReadMeasure FILE|DIR ...       # a DIR: all model.onnx under it, per round
 * </pre>
 * Synthetic models: {@code wide-convs.onnx}, 50 Conv + 50 BatchNormalization nodes with 3×3×256×256
 * weights in raw_data (29.6 M parameters, 118 MB, ResNet-50's order of size), and
 * {@code many-nodes.onnx}, 100,000 small Conv nodes with three attributes each (the node limit).
 */
public final class OnnxReadMeasure {
    private OnnxReadMeasure() {}

    public static void main(String[] args) throws IOException {
        if (args.length == 2 && args[0].equals("--synthetic")) {
            writeSynthetic(Files.createDirectories(Path.of(args[1])));
            return;
        }
        com.sun.management.ThreadMXBean mx = (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
        for (String a : args) {
            List<Path> files = files(Path.of(a));
            long bytes = 0;
            for (Path f : files) bytes += Files.size(f);
            // warm-up: at least 3 s and 10 rounds
            long until = System.nanoTime() + 3_000_000_000L;
            for (int i = 0; i < 10 || System.nanoTime() < until; i++) readAll(files);
            int perRound = Math.max(1, (int) (1e9 / Math.max(1, time(files))));
            double[] ms = new double[11], alloc = new double[11];
            for (int r = 0; r < ms.length; r++) {
                long a0 = mx.getCurrentThreadAllocatedBytes(), t0 = System.nanoTime();
                for (int i = 0; i < perRound; i++) readAll(files);
                ms[r] = (System.nanoTime() - t0) / 1e6 / perRound;
                alloc[r] = (mx.getCurrentThreadAllocatedBytes() - a0) / (double) perRound;
            }
            Arrays.sort(ms);
            Arrays.sort(alloc);
            System.out.printf(Locale.ROOT, "%s: %d file(s), %,d bytes: %.3f ms per read (min; median %.3f), %,.0f bytes allocated per read%n",
                    a, files.size(), bytes, ms[0], ms[5], alloc[5]);
        }
    }

    private static List<Path> files(Path p) throws IOException {
        if (!Files.isDirectory(p)) return List.of(p);
        try (Stream<Path> s = Files.walk(p)) {
            return s.filter(f -> f.getFileName().toString().equals("model.onnx")).sorted().toList();
        }
    }

    private static long time(List<Path> files) throws IOException {
        long t0 = System.nanoTime();
        readAll(files);
        return System.nanoTime() - t0;
    }

    private static int sink;

    private static void readAll(List<Path> files) throws IOException {
        for (Path f : files) sink += OnnxFile.read(f).graph().nodes().size();
    }

    static void writeSynthetic(Path dir) throws IOException {
        ProtoWriter g = OnnxWriter.graph("wide-convs").message(11, OnnxWriter.valueInfo("x0", DataType.FLOAT, "N", 256L, 14L, 14L));
        float[] w = new float[256 * 256 * 9];
        for (int i = 0; i < w.length; i++) w[i] = (i % 17) * 0.01f;
        byte[] wBytes = OnnxWriter.floatBytes(w);
        byte[] cBytes = OnnxWriter.floatBytes(new float[256]);
        for (int l = 0; l < 50; l++) {
            String x = "x" + l, c = "c" + l, y = "x" + (l + 1);
            g.message(5, OnnxWriter.tensorHeader("conv" + l + ".weight", DataType.FLOAT, 256, 256, 3, 3).bytes(9, wBytes));
            for (String p : new String[] {"scale", "bias", "mean", "var"}) {
                g.message(5, OnnxWriter.tensorHeader("bn" + l + "." + p, DataType.FLOAT, 256).bytes(9, cBytes));
            }
            g.message(1, OnnxWriter.node("Conv", "conv" + l, new String[] {x, "conv" + l + ".weight"}, new String[] {c},
                    OnnxWriter.attrInts("kernel_shape", 3, 3), OnnxWriter.attrInts("pads", 1, 1, 1, 1), OnnxWriter.attrInts("strides", 1, 1),
                    OnnxWriter.attrInts("dilations", 1, 1), OnnxWriter.attrInt("group", 1)));
            g.message(1, OnnxWriter.node("BatchNormalization", "bn" + l,
                    new String[] {c, "bn" + l + ".scale", "bn" + l + ".bias", "bn" + l + ".mean", "bn" + l + ".var"}, new String[] {y},
                    OnnxWriter.attrFloat("epsilon", 1e-5f), OnnxWriter.attrFloat("momentum", 0.9f)));
        }
        g.message(12, OnnxWriter.valueInfo("x50", DataType.FLOAT, "N", 256L, 14L, 14L));
        OnnxWriter.write(dir.resolve("wide-convs.onnx"), OnnxWriter.model(g));

        ProtoWriter many = OnnxWriter.graph("many-nodes").message(11, OnnxWriter.valueInfo("v0", DataType.FLOAT, 1L, 8L));
        List<ProtoWriter> nodes = new ArrayList<>();
        for (int i = 0; i < 100_000; i++) {
            nodes.add(OnnxWriter.node("Conv", "n" + i, new String[] {"v" + i, "w"}, new String[] {"v" + (i + 1)},
                    OnnxWriter.attrInts("pads", 0, 0, 0, 0), OnnxWriter.attrInt("group", 1), OnnxWriter.attrString("auto_pad", "NOTSET")));
        }
        for (ProtoWriter n : nodes) many.message(1, n);
        OnnxWriter.write(dir.resolve("many-nodes.onnx"), OnnxWriter.model(many));
    }
}
