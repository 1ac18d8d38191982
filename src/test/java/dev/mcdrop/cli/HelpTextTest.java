package dev.mcdrop.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

/**
 * Every command's {@code --help} (found by walking picocli's command tree, so a new command is
 * covered without being listed) prints without picocli's format warnings (an unescaped '%'), and
 * the one-line summary each command shows in its parent's command list is one whole sentence
 * (picocli shows the header, else the first description line: a line cut mid-sentence used to
 * leave "predict" and "train" reading "..., predictive entropy,").
 */
class HelpTextTest {
    private static final Pattern SENTENCE_INSIDE = Pattern.compile("[.!?]\\s+\\p{Lu}");

    /** Every command below {@code cl}, each as the words that reach it ("experiment", "rotation"). */
    private static void walk(CommandLine cl, List<String> path, List<List<String>> into) {
        into.add(path);
        cl.getSubcommands().forEach((name, sub) -> {
            if (!sub.getCommandName().equals(name)) return;   // an alias of a command already walked
            List<String> p = new ArrayList<>(path);
            p.add(name);
            walk(sub, p, into);
        });
    }

    private static List<List<String>> allCommands() {
        List<List<String>> paths = new ArrayList<>();
        walk(new CommandLine(new Main()), List.of(), paths);
        return paths;
    }

    /** The summary a parent's command list shows for {@code spec}. */
    static String summary(CommandLine.Model.CommandSpec spec) {
        String[] header = spec.usageMessage().header();
        String[] description = spec.usageMessage().description();
        String line = header.length > 0 ? header[0] : description.length > 0 ? description[0] : "";
        return line.replace("%%", "%").strip();
    }

    private static String collapse(String s) {
        return s.replaceAll("\\s+", " ");
    }

    @Test
    void everyHelpPrintsWithoutPicocliWarnings() {
        List<List<String>> paths = allCommands();
        assertTrue(paths.size() >= 13, "walked only " + paths);
        for (List<String> path : paths) {
            List<String> args = new ArrayList<>(path);
            args.add("--help");
            CliTest.Run r = CliTest.run(args.toArray(String[]::new));
            assertEquals(0, r.exit(), path + ": " + r.err());
            assertTrue(r.out().contains("Usage: "), path + ": " + r.out());
            assertFalse(r.err().contains("[picocli WARN]"), path + ": " + r.err());
            assertFalse(r.out().contains("%n") || r.out().contains("%%"), path + " shows a raw format sequence:\n" + r.out());
        }
    }

    @Test
    void everyCommandListShowsWholeSentences() {
        CommandLine root = new CommandLine(new Main());
        for (List<String> path : allCommands()) {
            if (path.isEmpty()) continue;
            CommandLine cl = root;
            for (String name : path) cl = cl.getSubcommands().get(name);
            String summary = summary(cl.getCommandSpec());
            assertTrue(summary.endsWith("."), path + ": summary is cut: '" + summary + "'");
            assertTrue(Character.isUpperCase(summary.charAt(0)), path + ": '" + summary + "'");
            assertFalse(SENTENCE_INSIDE.matcher(summary).find(), path + ": summary is more than one sentence: '" + summary + "'");
            List<String> parentArgs = new ArrayList<>(path.subList(0, path.size() - 1));
            parentArgs.add("--help");
            String parentHelp = CliTest.run(parentArgs.toArray(String[]::new)).out();
            assertTrue(collapse(parentHelp).contains(collapse(summary)), path + ": '" + summary + "' not in\n" + parentHelp);
        }
    }
}
