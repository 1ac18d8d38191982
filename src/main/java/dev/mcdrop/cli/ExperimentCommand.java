package dev.mcdrop.cli;

import dev.mcdrop.backend.Backend;
import dev.mcdrop.experiment.ExperimentRun;
import java.io.IOException;
import java.nio.file.Path;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/**
 * {@code mcdrop experiment}: the paper's experiments and the uncertainty-quality study, each
 * writing CSV, PNG and summary.md into an output folder and resumable after an interruption.
 * The work is in {@link dev.mcdrop.experiment}; these classes only turn options into settings.
 */
@Command(name = "experiment", mixinStandardHelpOptions = true,
        header = "Reproduce the paper's experiments and measure uncertainty quality.",
        description = "Each subcommand writes a CSV of "
                + "every number, a PNG plot and summary.md into --out (default experiments/<name>), shows progress on "
                + "stderr, and resumes an interrupted run: finished units (training runs, evaluations) are recorded in "
                + "--out and skipped on rerun.",
        subcommands = {ExperimentPlacementCommand.class, ExperimentSubsetsCommand.class, ExperimentConvergenceCommand.class,
                ExperimentCifarCommand.class, ExperimentUncertaintyCommand.class, ExperimentRotationCommand.class})
public final class ExperimentCommand implements Runnable {
    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public void run() {
        throw Main.missingSubcommand(spec);
    }

    /** "mcdrop experiment placement --iterations …" as typed. */
    static String commandLine(CommandLine.Model.CommandSpec spec) {
        CommandLine.ParseResult root = spec.root().commandLine().getParseResult();
        return root == null ? "mcdrop " + spec.qualifiedName() : "mcdrop " + String.join(" ", root.originalArgs());
    }

    /** "lenet-all" for a bundled name, the file name without .safetensors for a path. */
    static String modelLabel(String nameOrPath) {
        String n = Path.of(nameOrPath).getFileName().toString();
        return n.endsWith(".safetensors") ? n.substring(0, n.length() - ".safetensors".length()) : n;
    }

    /** Opens the backend and the run; the caller closes both. */
    static ExperimentRun open(String name, Path out, Backend backend, BackendOptions b, CommandLine.Model.CommandSpec spec)
            throws IOException {
        Path dir = out != null ? out : Path.of("experiments", name);
        OutputPaths.checkDirectory("--out", dir); // the default folder too
        System.err.println("mcdrop: experiment " + name + " → " + dir.toAbsolutePath().normalize());
        ExperimentRun run = new ExperimentRun(name, dir, backend, b.threads,
                new ExperimentRun.Reporting(StderrLog.INSTANCE, TrainCommand::trainingBar), commandLine(spec));
        // a resumed run must multiply as the first did: the GPU's tensor-core GEMMs change the numbers, the CPU's are FP32
        return run.dependsOn("gemm precision", backend.name().equals("cuda") ? b.gemmPrecision().name().toLowerCase(java.util.Locale.ROOT) : "fp32");
    }
}
