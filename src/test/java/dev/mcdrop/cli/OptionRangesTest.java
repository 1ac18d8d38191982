package dev.mcdrop.cli;

import static dev.mcdrop.cli.OneLine.assertOneLine;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import picocli.CommandLine;
import picocli.CommandLine.Model.OptionSpec;

/**
 * Issue 13, class 12: every numeric option of every command has a range, checked while the
 * command line is parsed: out of range, overflowing or not a number is a usage error (exit 2)
 * on one line that names the option and what it accepts — never "all cores" for a negative
 * thread count, a default for a negative image count, or a wrapped-around memory budget.
 */
class OptionRangesTest {
    @TempDir Path dir;

    /** Fast arguments, so that a value wrongly accepted makes a short run rather than a long one. */
    private static final String[] QUICK_PREDICT = {"--input", "test-data/images/digit-7.png", "--samples", "1", "--backend", "cpu"};
    private static final String[] QUICK_BENCH = {"--repeat", "1", "--warmup", "0", "--samples", "1", "--backend", "cpu"};

    /** {@code command} (words), the quick arguments but the tested option's, then {@code option value}. */
    static String[] args(String command, String[] quick, String option, String value) {
        List<String> args = new ArrayList<>(List.of(command.split(" ")));
        for (int i = 0; i < quick.length; i += 2) if (!quick[i].equals(option)) args.addAll(List.of(quick[i], quick[i + 1]));
        args.addAll(List.of(option, value));
        return args.toArray(String[]::new);
    }

    @ParameterizedTest(name = "{0} {1} {2}")
    @CsvSource(delimiter = '|', value = {
            "predict | --threads | 100000 | 1,024",
            "predict | --threads | -1 | 0 to 1,024",
            "predict | --memory | 9000000000000 | 16,777,216",
            "predict | --memory | 17592186044416 | 16,777,216",
            "predict | --memory | 9e12 | not a whole number",
            "predict | --seed | 99999999999999999999 | not a whole number",
            "predict | --batch | -7 | from 1",
            "eval | --samples | -5 | from 1",
            "bench | --images | -3 | from 0",
            "bench | --repeat | 0 | from 1",
            "bench | --warmup | -1 | from 0",
            "bench | --threads | 1025 | 1,024",
    })
    void predictEvalBenchRefuseOutOfRangeNumbers(String command, String option, String value, String range) {
        String[] args = args(command, command.equals("bench") ? QUICK_BENCH : QUICK_PREDICT, option, value);
        assertOneLine(CliTest.run(args), 2, "option '" + option + "'", value, range, "mcdrop " + command + " --help");
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', value = {
            "train --iterations 1 --subset 0 | --subset",
            "train --iterations 1 --subset NaN | --subset",
            "train --iterations 1 --subset 1.5 | --subset",
            "train --iterations -1 | --iterations",
            "train --iterations 1 --checkpoint-every -5 | --checkpoint-every",
            "train --iterations 1 --threads -2 | --threads",
            "train --iterations 1 --batch 0 | --batch",
            "experiment convergence --test-images 10 --seeds 0 | --seeds",
            "experiment convergence --test-images 10 --samples-list 1,0,3 | --samples-list",
            "experiment subsets --iterations 1 --test-images 10 --divisors 4,-1 | --divisors",
            "experiment placement --iterations 1 --test-images 10 --eval-every 0 | --eval-every",
            "experiment placement --iterations 1 --samples 1 --test-images -1 | --test-images",
            "experiment placement --test-images 10 --samples 1 --iterations 0 | --iterations",
            "experiment uncertainty --samples 1 --test-images -2 | --test-images",
            "experiment uncertainty --seed x | --seed",
            "experiment cifar --data . --samples 0 | --samples",
            "experiment rotation --digit -1 | --digit",
    })
    void trainingAndExperimentsRefuseOutOfRangeNumbers(String commandLine, String option) {
        List<String> args = new ArrayList<>(List.of(commandLine.split(" ")));
        // each row's other options make a value wrongly accepted a short run; it writes into the temporary folder
        if (args.getFirst().equals("train")) args.addAll(List.of("--out", dir.resolve("t.safetensors").toString()));
        else args.addAll(List.of("--out", dir.resolve("e").toString()));
        assertOneLine(CliTest.run(args.toArray(String[]::new)), 2, "option '" + option + "'", "give a ");
    }

    @Test
    void autoAndZeroMeanAllCores() {
        for (String t : new String[]{"auto", "AUTO", "0", "2"}) {
            CliTest.Run r = CliTest.run(args("predict", QUICK_PREDICT, "--threads", t));
            assertEquals(0, r.exit(), t + ": " + r.err());
        }
    }

    /** Each numeric option of each command names a converter of {@link OptionValues}: none is left to picocli's unbounded default. */
    @Test
    void everyNumericOptionOfEveryCommandHasARange() {
        Set<Class<?>> numeric = Set.of(int.class, long.class, double.class, float.class, short.class, Integer.class, Long.class,
                Double.class, Float.class, Short.class);
        List<String> unchecked = new ArrayList<>();
        int checked = 0;
        List<CommandLine> commands = new ArrayList<>(List.of(new CommandLine(new Main())));
        for (int i = 0; i < commands.size(); i++) {
            CommandLine cl = commands.get(i);
            commands.addAll(cl.getSubcommands().values());
            for (OptionSpec o : cl.getCommandSpec().options()) {
                Class<?> type = o.isMultiValue() ? o.auxiliaryTypes()[0] : o.type();
                if (!numeric.contains(type)) continue;
                CommandLine.ITypeConverter<?>[] converters = o.converters();
                boolean ranged = converters.length > 0 && converters[0].getClass().getEnclosingClass() == OptionValues.class;
                if (ranged) checked++;
                else unchecked.add(cl.getCommandSpec().qualifiedName() + " " + o.longestName());
            }
        }
        assertEquals(List.of(), unchecked, "numeric options without a range from OptionValues");
        assertTrue(checked >= 60, "found only " + checked + " numeric options: is the walk over the commands broken?");
    }

}
