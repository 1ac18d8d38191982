package dev.mcdrop.cli;

import static dev.mcdrop.cli.OneLine.assertOneLine;
import static org.junit.jupiter.api.Assertions.assertFalse;

import java.util.concurrent.Callable;
import org.junit.jupiter.api.Test;
import picocli.CommandLine.Command;
import picocli.CommandLine.ITypeConverter;
import picocli.CommandLine.Option;

/**
 * Issue 13, class 7: whatever is thrown — an Error from a command (a stack overflow, an
 * InternalError such as a SIGBUS on a mapped file), a bug's RuntimeException, an Error while the
 * command line is parsed, a failure of picocli's own setup — the user gets one {@code mcdrop:}
 * line and exit 1, no stack trace (MCDROP_DEBUG adds it: LauncherStderrTest).
 */
class MainErrorsTest {
    /** A stand-in command that throws what --throw names, from call() or (--while-parsing) from a converter. */
    @Command(name = "boom")
    static final class Boom implements Callable<Integer> {
        @Option(names = "--throw") String what = "none";

        @Option(names = "--while-parsing", converter = ThrowingConverter.class) String parsed;

        @Override public Integer call() {
            switch (what) {
                case "stack-overflow" -> throw new StackOverflowError();
                case "internal" -> throw new InternalError("a fault occurred in an unsafe memory access operation\nmcdrop: forged line");
                case "npe" -> throw new NullPointerException();
                case "index" -> throw new ArrayIndexOutOfBoundsException("Index 7 out of bounds for length 2");
                case "assertion" -> throw new AssertionError("\u001b[31mred");
                default -> throw new IllegalStateException("the command's own message");
            }
        }
    }

    static final class ThrowingConverter implements ITypeConverter<String> {
        @Override public String convert(String value) { throw new InternalError("converter broke:\n" + value); }
    }

    /** picocli refuses this class when it builds the command (one option name twice): the setup itself throws. */
    @Command(name = "broken")
    static final class Broken implements Callable<Integer> {
        @Option(names = "--x") int a;
        @Option(names = "--x") int b;

        @Override public Integer call() { return 0; }
    }

    private static CliTest.Run run(Object command, String... args) {
        return CliTest.capture(() -> Main.run(command, args));
    }

    @Test
    void errorsFromTheCommandAreOneLine() {
        assertOneLine(run(new Boom(), "--throw", "stack-overflow"), 1, "mcdrop: internal error: StackOverflowError", "MCDROP_DEBUG");
        String internal = assertOneLine(run(new Boom(), "--throw", "internal"), 1, "internal error: InternalError: a fault occurred");
        assertFalse(internal.contains("\nmcdrop: forged"));
        assertOneLine(run(new Boom(), "--throw", "npe"), 1, "internal error: NullPointerException");
        assertOneLine(run(new Boom(), "--throw", "index"), 1, "internal error: ArrayIndexOutOfBoundsException: Index 7 out of bounds");
        assertOneLine(run(new Boom(), "--throw", "assertion"), 1, "internal error: AssertionError");
        assertOneLine(run(new Boom(), "--throw", "plain"), 1, "mcdrop: the command's own message");
    }

    @Test
    void anErrorWhileParsingIsOneLine() {
        assertOneLine(run(new Boom(), "--while-parsing", "x"), 1, "converter broke");
    }

    @Test
    void aFailureOfTheCommandLineSetupIsOneLine() {
        assertOneLine(run(new Broken(), "--x", "1"), 1, "--x");
    }
}
