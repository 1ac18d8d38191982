package dev.mcdrop.fuzz;

import java.lang.instrument.ClassFileTransformer;
import java.lang.instrument.Instrumentation;
import java.security.ProtectionDomain;
import java.util.List;

/**
 * Java agent for real fuzzing runs only (scripts/fuzz.sh puts it first with -javaagent; a plain
 * test run never loads it). Jazzer 0.24.0 bundles ASM 9.7, which refuses class files newer than
 * Java 23 (major version 67: "Unsupported class file major version 69"), so on Java 25 it cannot
 * add coverage feedback to mcdrop's classes and the fuzzer would run blind. This transformer is
 * registered before Jazzer's and relabels class files under the given package prefixes (agent
 * argument, comma-separated; default {@code dev/mcdrop/}) as version 67. Java 24 and 25 added no
 * bytecodes, attributes or constant-pool kinds that ASM 9.7 does not know, so the relabelled bytes
 * are the same program. Preview-feature class files are left alone. Drop this once Jazzer ships
 * ASM 9.8 or later (Jazzer PR #950).
 */
public final class ClassVersionShim implements ClassFileTransformer {

    private static final int ASM_MAX_MAJOR = 67;

    private final List<String> prefixes;

    private ClassVersionShim(List<String> prefixes) {
        this.prefixes = prefixes;
    }

    public static void premain(String args, Instrumentation inst) {
        String spec = args == null || args.isBlank() ? "dev/mcdrop/" : args;
        inst.addTransformer(new ClassVersionShim(List.of(spec.split(","))), true);
    }

    @Override
    public byte[] transform(Module module, ClassLoader loader, String name, Class<?> redefined,
            ProtectionDomain domain, byte[] bytes) {
        if (name == null || name.equals("dev/mcdrop/fuzz/ClassVersionShim") || bytes.length < 8
                || (bytes[0] & 0xFF) != 0xCA || (bytes[1] & 0xFF) != 0xFE || prefixes.stream().noneMatch(name::startsWith)) {
            return null;
        }
        int minor = ((bytes[4] & 0xFF) << 8) | (bytes[5] & 0xFF);
        int major = ((bytes[6] & 0xFF) << 8) | (bytes[7] & 0xFF);
        if (major <= ASM_MAX_MAJOR || minor != 0) return null;
        byte[] relabelled = bytes.clone();
        relabelled[6] = (byte) (ASM_MAX_MAJOR >> 8);
        relabelled[7] = (byte) ASM_MAX_MAJOR;
        return relabelled;
    }
}
