package dev.mcdrop.experiment;

import java.nio.file.Files;
import java.nio.file.Path;

/** The machine an experiment ran on, for its summary: CPU model, cores, OS, Java. */
public final class Machine {
    private Machine() {}

    public static String cpuModel() {
        try {
            for (String line : Files.readAllLines(Path.of("/proc/cpuinfo"))) {
                if (line.startsWith("model name")) return line.substring(line.indexOf(':') + 1).trim();
            }
        } catch (Exception e) {
            // not Linux
        }
        return System.getProperty("os.arch");
    }

    public static String describe() {
        return cpuModel() + ", " + Runtime.getRuntime().availableProcessors() + " cores, "
                + System.getProperty("os.name") + " " + System.getProperty("os.version") + ", Java " + Runtime.version();
    }
}
