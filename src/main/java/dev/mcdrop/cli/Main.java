package dev.mcdrop.cli;

import picocli.CommandLine;
import picocli.CommandLine.Command;

/**
 * Entry point of the {@code mcdrop} command. Exit codes: 0 success, 1 runtime failure (bad file,
 * backend unavailable, out of memory), 2 usage error. Errors go to stderr as one line starting
 * with "mcdrop: ". Results that could not be written to stdout (a full disk, a closed pipe) are a
 * runtime failure too ({@link Stdout}).
 */
@Command(name = "mcdrop", mixinStandardHelpOptions = true, version = "mcdrop 0.1.0",
        description = "Bayesian CNNs by Monte-Carlo dropout (Gal & Ghahramani 2015): predict with uncertainty, evaluate, train, benchmark, run experiments.",
        subcommands = {PredictCommand.class, EvalCommand.class, TrainCommand.class, BenchCommand.class,
                InfoCommand.class, ExperimentCommand.class, CommandLine.HelpCommand.class})
public final class Main implements Runnable {
    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public void run() {
        spec.commandLine().usage(System.err);
    }

    public static void main(String[] args) {
        Stdout.install();
        System.exit(run(args));
    }

    /** Runs the CLI and returns its exit code (tests call this). */
    public static int run(String... args) {
        CommandLine cl = new CommandLine(new Main());
        cl.setExecutionExceptionHandler((ex, commandLine, parseResult) -> {
            System.err.println("mcdrop: " + Errors.describe(ex));
            if (System.getenv("MCDROP_DEBUG") != null) ex.printStackTrace();
            return 1;
        });
        try {
            int code = cl.execute(args);
            String stdoutFailure = Stdout.failure(); // a PrintStream swallows write errors: results lost are a failure
            if (stdoutFailure == null || code != 0) return code;
            System.err.println("mcdrop: " + stdoutFailure);
            return 1;
        } catch (OutOfMemoryError e) { // picocli hands Errors through; a user still gets one line
            System.err.println("mcdrop: " + Errors.describe(e));
            return 1;
        }
    }
}
