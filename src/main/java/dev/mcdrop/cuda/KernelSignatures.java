package dev.mcdrop.cuda;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Every kernel's parameter list, read from the one place it is written: the
 * {@code extern "C" __global__} declarations of native-kernels/*.cu, which the build ships beside
 * the PTX ({@code /dev/mcdrop/cuda/src/<op>.cu}). Launchers set arguments by these names
 * ({@link KernelArgs#set(String, long)}); KernelSignaturesTest checks the parsed types against the
 * shipped PTX's {@code .entry} lines, and the test harness generates the CPU emulators' dispatch
 * table from the same parse ({@code KernelTable}), so a parameter added to a kernel needs no
 * second edit anywhere but the launcher that supplies its value.
 *
 * <p>Types map to {@link KernelArgs}'s letters: any pointer 'p', {@code [unsigned] long long} 'l',
 * {@code [unsigned] int} 'i', {@code float} 'f'; anything else is refused when the table loads.
 */
final class KernelSignatures {
    private KernelSignatures() {}

    /** The CUDA sources, one module (PTX file) each. */
    static final List<String> MODULES = List.of("im2col", "bias_activation", "pool", "softmax", "mc_reduce", "gemm", "conv2d", "graph_ops");

    /** One kernel parameter: its name in the .cu, its KernelArgs letter, and its C type as written. */
    record Param(String name, char type, String cType) {}

    /** Kernel {@code module/name} and its parameters in order. */
    record Signature(String module, String name, List<Param> params) {
        String key() { return module + "/" + name; }

        /** The parameter letters, e.g. "ppilli". */
        String types() {
            StringBuilder s = new StringBuilder();
            for (Param p : params) s.append(p.type());
            return s.toString();
        }
    }

    private static final Pattern KERNEL = Pattern.compile(
            "extern\\s+\"C\"\\s+__global__\\s+(?:__launch_bounds__\\s*\\([^)]*\\)\\s*)?void\\s+"
            + "(?:__launch_bounds__\\s*\\([^)]*\\)\\s*)?(\\w+)\\s*\\(([^)]*)\\)");
    private static final Pattern PARAM = Pattern.compile("(.*?)\\s*\\b(\\w+)\\s*");

    /** Every kernel, keyed "module/name", in source order. */
    static final Map<String, Signature> ALL = load();

    /** A fresh argument block for kernel {@code module/name}. */
    static KernelArgs args(String key) {
        Signature s = ALL.get(key);
        if (s == null) throw new IllegalArgumentException("unknown kernel " + key);
        return new KernelArgs(s);
    }

    private static Map<String, Signature> load() {
        Map<String, Signature> all = new LinkedHashMap<>();
        for (String module : MODULES) {
            String resource = "/dev/mcdrop/cuda/src/" + module + ".cu";
            try (InputStream in = KernelSignatures.class.getResourceAsStream(resource)) {
                if (in == null) throw new IllegalStateException("missing kernel source resource " + resource);
                for (Signature s : parse(module, new String(in.readAllBytes(), StandardCharsets.UTF_8))) all.put(s.key(), s);
            } catch (IOException e) {
                throw new IllegalStateException("cannot read " + resource, e);
            }
        }
        return Collections.unmodifiableMap(all);
    }

    /** The kernels declared in CUDA source {@code text} of {@code module}. */
    static List<Signature> parse(String module, String text) {
        List<Signature> out = new ArrayList<>();
        Matcher k = KERNEL.matcher(text);
        while (k.find()) {
            List<Param> params = new ArrayList<>();
            String list = k.group(2).strip();
            if (!list.isEmpty() && !list.equals("void")) {
                for (String raw : list.split(",")) params.add(param(module + "/" + k.group(1), raw));
            }
            out.add(new Signature(module, k.group(1), List.copyOf(params)));
        }
        return out;
    }

    private static Param param(String kernel, String raw) {
        String text = raw.replace("__restrict__", " ").replaceAll("\\s+", " ").strip();
        Matcher m = PARAM.matcher(text);
        if (!m.matches() || m.group(1).isBlank()) {
            throw new IllegalStateException("kernel " + kernel + ": cannot read parameter '" + raw.strip() + "'");
        }
        String cType = m.group(1).strip();
        String base = cType.replace("const ", "").strip();
        char type;
        if (base.endsWith("*")) type = 'p';
        else if (base.equals("long long") || base.equals("unsigned long long")) type = 'l';
        else if (base.equals("int") || base.equals("unsigned int")) type = 'i';
        else if (base.equals("float")) type = 'f';
        else throw new IllegalStateException("kernel " + kernel + ": parameter " + m.group(2) + " has unsupported type '" + cType + "'");
        return new Param(m.group(2), type, cType);
    }
}
