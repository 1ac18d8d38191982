package dev.mcdrop.experiment;

import dev.mcdrop.io.AtomicFile;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;

/**
 * A small table of strings with a header: what every experiment writes as CSV and as Markdown,
 * and what a finished unit's result is stored as. Cells never contain commas or quotes (they
 * are numbers and identifiers), so the CSV is plain; {@link #write} is atomic ({@link AtomicFile}: temp file,
 * then rename) so an interruption never leaves half a file that a rerun would trust.
 */
public final class Table {
    private final List<String> header;
    private final List<List<String>> rows = new ArrayList<>();

    public Table(String... header) { this(List.of(header)); }

    public Table(List<String> header) {
        if (header.isEmpty()) throw new IllegalArgumentException("a table needs at least one column");
        this.header = List.copyOf(header);
    }

    public List<String> header() { return header; }

    public List<List<String>> rows() { return rows; }

    public int size() { return rows.size(); }

    /** Appends a row; numbers are formatted with {@link #number}, everything else with toString. */
    public Table add(Object... cells) {
        if (cells.length != header.size()) {
            throw new IllegalArgumentException("row of " + cells.length + " cells for " + header.size() + " columns " + header);
        }
        List<String> row = new ArrayList<>(cells.length);
        for (Object c : cells) {
            String s = c instanceof Double d ? number(d) : c instanceof Float f ? Float.toString(f) : String.valueOf(c);
            if (s.contains(",") || s.contains("\n")) throw new IllegalArgumentException("cell contains a comma or newline: " + s);
            row.add(s);
        }
        rows.add(row);
        return this;
    }

    public int column(String name) {
        int i = header.indexOf(name);
        if (i < 0) throw new IllegalArgumentException("no column '" + name + "' in " + header);
        return i;
    }

    public String get(int row, String column) { return rows.get(row).get(column(column)); }

    public double getDouble(int row, String column) { return Double.parseDouble(get(row, column)); }

    /** Exact round trip: the shortest decimal that parses back to the same double. */
    public static String number(double d) { return Double.toString(d); }

    /** A number for people: fixed decimals. */
    public static String fixed(double d, int decimals) {
        return Double.isNaN(d) ? "–" : String.format(Locale.ROOT, "%." + decimals + "f", d);
    }

    public String toCsv() {
        StringBuilder sb = new StringBuilder(String.join(",", header)).append('\n');
        for (List<String> r : rows) sb.append(String.join(",", r)).append('\n');
        return sb.toString();
    }

    /** A Markdown table of the same cells. */
    public String toMarkdown() {
        StringBuilder sb = new StringBuilder("| ").append(String.join(" | ", header)).append(" |\n|");
        sb.append("---|".repeat(header.size())).append('\n');
        for (List<String> r : rows) sb.append("| ").append(String.join(" | ", r)).append(" |\n");
        return sb.toString();
    }

    public void write(Path file) throws IOException { writeAtomically(file, toCsv()); }

    public static Table read(Path file) throws IOException {
        List<String> lines = Files.readAllLines(file);
        if (lines.isEmpty()) throw new IOException(file + ": empty CSV");
        Table t = new Table(Arrays.asList(lines.getFirst().split(",", -1)));
        for (int i = 1; i < lines.size(); i++) {
            if (lines.get(i).isEmpty()) continue;
            String[] cells = lines.get(i).split(",", -1);
            if (cells.length != t.header.size()) throw new IOException(file + ":" + (i + 1) + ": " + cells.length + " cells, expected " + t.header.size());
            t.rows.add(List.of(cells));
        }
        return t;
    }

    static void writeAtomically(Path file, String text) throws IOException {
        Files.createDirectories(file.toAbsolutePath().getParent());
        AtomicFile.writeString(file, text);
    }
}
