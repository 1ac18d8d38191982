package dev.mcdrop.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;
import picocli.CommandLine.Model.OptionSpec;

/**
 * One meaning, one name, in every command and subcommand (walked from picocli's model): the
 * test-time mask seed is {@code --seed}, the training seed {@code --train-seed}, the number of MC
 * samples {@code -T/--samples}, the CPU threads {@code --threads}; and each of those names means
 * only that. An option's meaning is read from its description, which must therefore say "mask
 * seed", "training seed", "MC samples T" or "CPU threads". The old names still parse (hidden)
 * with one warning line.
 */
class OptionNamesTest {
    record Meaning(String what, Pattern description, Set<String> names) {}

    private static final List<Meaning> MEANINGS = List.of(
            new Meaning("mask seed", Pattern.compile("\\bmask seed\\b", Pattern.CASE_INSENSITIVE), Set.of("--seed")),
            new Meaning("training seed", Pattern.compile("\\btraining seed\\b", Pattern.CASE_INSENSITIVE), Set.of("--train-seed")),
            new Meaning("MC samples", Pattern.compile("^MC samples T\\b"), Set.of("-T", "--samples")),
            new Meaning("CPU threads", Pattern.compile("^CPU threads\\b"), Set.of("--threads")));

    private static void walk(CommandLine cl, List<CommandLine> into) {
        into.add(cl);
        cl.getSubcommands().forEach((name, sub) -> {
            if (sub.getCommandName().equals(name)) walk(sub, into);
        });
    }

    @Test
    void eachMeaningHasOneNameAndEachNameOneMeaning() {
        List<CommandLine> commands = new ArrayList<>();
        walk(new CommandLine(new Main()), commands);
        List<String> problems = new ArrayList<>();
        int seen = 0;
        for (CommandLine cl : commands) {
            for (OptionSpec o : cl.getCommandSpec().options()) {
                if (o.hidden()) continue;
                String description = String.join(" ", o.description());
                Set<String> names = new TreeSet<>(List.of(o.names()));
                for (Meaning m : MEANINGS) {
                    boolean means = m.description().matcher(description).find();
                    boolean named = names.stream().anyMatch(m.names()::contains);
                    if (means) seen++;
                    if (means && !names.equals(new TreeSet<>(m.names())) || named && !means) {
                        problems.add(cl.getCommandSpec().qualifiedName() + " " + names + ": '" + description
                                + "' (the " + m.what() + " is " + m.names() + " and nothing else)");
                    }
                }
            }
        }
        assertTrue(seen >= 12, "found only " + seen + " seed/sample/thread options: has a description changed?");
        assertEquals(List.of(), problems);
    }

    @Test
    void oldNamesStillWorkWithOneWarning() {
        var rotation = new Object[1];
        CliTest.Run r = CliTest.capture(() -> {
            rotation[0] = parse("experiment", "rotation", "--mc-seed", "7").subcommand().subcommand().commandSpec().userObject();
            return 0;
        });
        assertEquals("mcdrop: warning: --mc-seed is now --seed" + System.lineSeparator(), r.err());
        assertEquals(7, ((ExperimentRotationCommand) rotation[0]).maskSeed.seed());
        var train = new Object[1];
        r = CliTest.capture(() -> {
            train[0] = parse("train", "--seed", "3", "--out", "x.safetensors").subcommand().commandSpec().userObject();
            return 0;
        });
        assertEquals("mcdrop: warning: --seed is now --train-seed" + System.lineSeparator(), r.err());
        assertEquals(3, ((TrainCommand) train[0]).trainSeed());
    }

    @Test
    void trainingExperimentsSayWhatTheirSeedNowMeans() {
        // --seed was the training seed of placement/subsets/cifar before 2026-12-03: an old command line must not change meaning silently
        for (String experiment : new String[]{"placement", "subsets", "cifar"}) {
            CliTest.Run r = CliTest.run("experiment", experiment, "--seed", "7", "--data", "/nonexistent/mcdrop-data");
            assertTrue(r.err().contains("--seed is the mask seed") && r.err().contains("--train-seed"), experiment + ": " + r.err());
            CliTest.Run plain = CliTest.run("experiment", experiment, "--data", "/nonexistent/mcdrop-data");
            assertTrue(!plain.err().contains("--seed is the mask seed"), experiment + ": " + plain.err());
        }
    }

    private static CommandLine.ParseResult parse(String... args) {
        return new CommandLine(new Main()).parseArgs(args);
    }
}
