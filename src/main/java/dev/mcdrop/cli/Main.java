package dev.mcdrop.cli;

import dev.mcdrop.io.Names;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/**
 * Entry point of the {@code mcdrop} command. Exit codes: 0 success, 1 runtime failure (bad file,
 * backend unavailable, out of memory), 2 usage error. Whatever goes wrong, stderr gets one line
 * starting with "mcdrop: " (control characters escaped, length bounded: {@link Names#oneLine}):
 * a refused option, an exception of a command, and any {@link Error} or exception from anywhere
 * else (picocli's own setup, a stack overflow, an InternalError from a mapped file). With
 * {@code MCDROP_DEBUG} set, the stack trace follows. Results that could not be written to stdout
 * (a full disk, a closed pipe) are a runtime failure too ({@link Stdout}).
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
        throw missingSubcommand(spec);
    }

    /**
     * A command that needs a subcommand run without one: a usage error (exit 2) of one line
     * listing the subcommands, as any other; {@code --help} prints the full help.
     */
    static UsageException missingSubcommand(CommandLine.Model.CommandSpec spec) {
        var names = spec.subcommands().keySet().stream().filter(n -> !n.equals("help")).toList();
        return new UsageException("give a command: " + String.join(", ", names));
    }

    public static void main(String[] args) {
        Stdout.install();
        System.exit(run(args));
    }

    /** Runs the CLI and returns its exit code (tests call this). */
    public static int run(String... args) {
        return run(new Main(), args);
    }

    /** Runs {@code command} (the mcdrop command, or a test's stand-in) with mcdrop's error handling. */
    static int run(Object command, String... args) {
        try {
            StderrLog.discard();
            CommandLine cl = new CommandLine(command);
            cl.setCaseInsensitiveEnumValuesAllowed(true);
            cl.setParameterExceptionHandler(Main::usageError);
            cl.setExecutionExceptionHandler((ex, commandLine, parseResult) ->
                    ex instanceof UsageException ? usageError(ex.getMessage(), commandLine, ex)
                    : ex instanceof CommandLine.ParameterException p ? usageError(p.getMessage(), commandLine, ex) // refused after parsing (an output that is an input)
                    : failure(ex));
            int code = cl.execute(args);
            if (code == 0) StderrLog.release(); // a run that never reached a progress line
            else StderrLog.discard(); // a refusal before work started is alone on stderr
            String stdoutFailure = Stdout.failure(); // a PrintStream swallows write errors: results lost are a failure
            if (stdoutFailure == null || code != 0) return code;
            report(stdoutFailure, null);
            return 1;
        } catch (Throwable t) { // picocli hands Errors through, and anything its setup throws
            return failure(t);
        }
    }

    /** A value or option refused while parsing (picocli's words, which name the option), with suggestions. */
    private static int usageError(CommandLine.ParameterException ex, String[] args) {
        String message = ex.getMessage();
        if (ex instanceof CommandLine.UnmatchedArgumentException u && !u.getSuggestions().isEmpty()) {
            message += " (did you mean " + String.join(" or ", u.getSuggestions().stream().limit(3).toList()) + "?)";
        }
        return usageError(message, ex.getCommandLine(), ex);
    }

    private static int usageError(String message, CommandLine commandLine, Throwable ex) {
        String help = commandLine == null ? "mcdrop --help" : commandLine.getCommandSpec().qualifiedName() + " --help";
        report(message + "; see '" + help + "'", ex);
        return 2;
    }

    private static int failure(Throwable t) {
        report(describe(t), t);
        return 1;
    }

    /**
     * {@link Errors#describe}, except for what only a bug or the JVM can cause (an Error other than
     * running out of memory, a null pointer, an index out of bounds, ...): those say they are
     * internal errors and how to get the stack trace, since their bare message ("Index 7 out of
     * bounds for length 2", or none) tells a user nothing.
     */
    static String describe(Throwable t) {
        boolean internal = (t instanceof Error && !(t instanceof OutOfMemoryError)) || t instanceof NullPointerException
                || t instanceof IndexOutOfBoundsException || t instanceof ClassCastException || t instanceof ArithmeticException
                || t instanceof ArrayStoreException || t instanceof NegativeArraySizeException;
        if (!internal) return Errors.describe(t);
        String m = t.getMessage();
        return "internal error: " + t.getClass().getSimpleName() + (m == null || m.isBlank() ? "" : ": " + m)
                + (System.getenv("MCDROP_DEBUG") != null ? "" : " (MCDROP_DEBUG=1 shows where)");
    }

    /** One line on stderr, whatever the message holds; the stack trace after it with MCDROP_DEBUG. */
    private static void report(String message, Throwable t) {
        System.err.println("mcdrop: " + Names.oneLine(message));
        if (System.getenv("MCDROP_DEBUG") != null && t != null) t.printStackTrace();
        System.err.flush();
    }
}
