package dev.mcdrop.experiment;

import java.io.IOException;
import java.nio.file.Path;
import java.time.Instant;
import java.util.Locale;

/**
 * The {@code summary.md} of an experiment: title, what was done, the tables, the plots, then how
 * to reproduce it (command), where (machine, backend) and how long (wall time of this
 * invocation, compute time of the units it ran, units reused from an earlier interrupted run).
 */
public final class Summary {
    private final StringBuilder md = new StringBuilder();

    public Summary(String title, String description) {
        md.append("# ").append(title).append("\n\n").append(description).append("\n\n");
    }

    public Summary section(String heading, String text) {
        md.append("## ").append(heading).append("\n\n").append(text).append("\n\n");
        return this;
    }

    public Summary table(String heading, Table table) {
        return section(heading, table.toMarkdown());
    }

    public Summary image(String alt, String file) {
        md.append("![").append(alt).append("](").append(file).append(")\n\n");
        return this;
    }

    /** Appends the run section and writes {@code out/summary.md}. */
    public void write(ExperimentRun run) throws IOException {
        UnitStore u = run.units();
        md.append("## Run\n\n")
                .append("- command: `").append(run.command()).append("`\n")
                .append("- machine: ").append(Machine.describe()).append('\n')
                .append("- backend: ").append(run.backendDescription()).append(", training threads: ").append(run.threads()).append('\n')
                .append(String.format(Locale.ROOT, "- wall time of this invocation: %.1f s%n", run.elapsedSeconds()))
                .append(String.format(Locale.ROOT, "- units computed now: %d (%.1f s); reused from an earlier run: %d (see progress.csv)%n",
                        u.computed(), u.computeSeconds(), u.reused()))
                .append("- written: ").append(Instant.now()).append('\n');
        Table.writeAtomically(run.out().resolve("summary.md"), md.toString());
    }
}
