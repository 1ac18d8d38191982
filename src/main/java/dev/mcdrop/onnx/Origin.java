package dev.mcdrop.onnx;

import dev.mcdrop.io.Names;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.Deque;

/**
 * Where something was read: the file and the path inside it, as a chain of steps from the root
 * ("graph", ".node[12] 'conv1' (Conv)", "attribute 'pads'"). Every record of this package keeps
 * its origin, so an error found later (a typed getter, the graph importer refusing an operator)
 * names the same place a parse error would: {@code node.origin().error("unsupported operator")}
 * gives {@code net.onnx: graph.node[12] 'conv1' (Conv): unsupported operator}.
 *
 * <p>Steps are joined with ": ", except a step starting with '.' or '[' which continues the
 * previous one. Names from the file are quoted with {@link Names#quote} by the factory methods
 * here; a raw step must not contain text from the file.
 *
 * @param file   the file read (shown as given)
 * @param parent the enclosing place, null at the file's root
 * @param step   this place, relative to the parent; null at the root
 */
public record Origin(Path file, Origin parent, String step) {

    /** The top of {@code file}. */
    public static Origin root(Path file) {
        return new Origin(file, null, null);
    }

    /** A place inside this one; {@code step} must be safe text (quote names from the file). */
    public Origin child(String step) {
        return new Origin(file, this, step);
    }

    /** {@code .field[index] 'name'}: an element of a repeated field, named if it has a name. */
    public Origin element(String field, int index, String name) {
        return child("." + field + "[" + index + "]" + (name == null || name.isEmpty() ? "" : " " + quote(name)));
    }

    /**
     * {@link Names#quote}, with a shortcut for the usual name (printable ASCII without quotes or
     * backslashes, at most {@link Names#MAX_NAME} characters), which it would return unchanged
     * in quotes: every node and attribute gets a place, so this is on the reading path.
     */
    static String quote(String name) {
        int n = name.length();
        if (n > Names.MAX_NAME) return Names.quote(name);
        for (int i = 0; i < n; i++) {
            char c = name.charAt(i);
            if (c < 0x20 || c > 0x7e || c == '\'' || c == '\\') return Names.quote(name);
        }
        return "'" + name + "'";
    }

    /** The path inside the file ("graph.node[12] 'conv1' (Conv): attribute 'pads'"); empty at the root. */
    public String where() {
        Deque<String> steps = new ArrayDeque<>();
        for (Origin o = this; o != null && o.step != null; o = o.parent) steps.push(o.step);
        StringBuilder sb = new StringBuilder();
        for (String s : steps) {
            if (sb.isEmpty()) sb.append(s.startsWith(".") ? s.substring(1) : s);
            else if (s.startsWith(".") || s.startsWith("[")) sb.append(s);
            else sb.append(": ").append(s);
        }
        return sb.toString();
    }

    /** An exception {@code file: where: detail}; {@code detail} must be safe text. */
    public OnnxFormatException error(String detail) {
        return new OnnxFormatException(prefix() + detail);
    }

    /** {@link #error(String)} with a cause. */
    public OnnxFormatException error(String detail, Throwable cause) {
        return new OnnxFormatException(prefix() + detail, cause);
    }

    private String prefix() {
        String where = where();
        return file + ": " + (where.isEmpty() ? "" : where + ": ");
    }

    @Override
    public String toString() {
        String where = where();
        return where.isEmpty() ? String.valueOf(file) : file + ": " + where;
    }
}
