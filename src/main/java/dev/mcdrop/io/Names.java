package dev.mcdrop.io;

import java.util.Collection;
import java.util.Locale;

/**
 * Text that comes from files (tensor, layer and architecture names, metadata, picture file names)
 * made safe for a message or a listing. Such text is anything a file's author chose: a newline
 * in it would forge an extra {@code mcdrop:} line, an ESC sequence would reach the terminal, a
 * megabyte name would become a megabyte line. So before it is shown:
 * <ul>
 *   <li>control characters (C0, DEL, C1), line and paragraph separators, invisible format
 *       characters (bidi overrides, zero-width marks) and unpaired surrogates are escaped as
 *       {@code \n}, {@code \r}, {@code \t} or {@code \}{@code u001b};</li>
 *   <li>a long name is shortened to its head and tail around "…" with its length, and a long list
 *       to its first names and "… and 199,990 more".</li>
 * </ul>
 * {@link #oneLine} is the last guard on every error line the CLI prints, whatever built it.
 */
public final class Names {
    /** A name longer than this (after escaping) is shown as head…tail. */
    public static final int MAX_NAME = 80;
    /** Names of a list shown before "… and N more". */
    public static final int MAX_LISTED = 10;
    /** Characters of one message line at most. */
    public static final int MAX_LINE = 4000;

    private Names() {}

    /** {@code 'name'}: escaped, quotes and backslashes inside escaped too, at most about {@link #MAX_NAME} characters. */
    public static String quote(String name) {
        return "'" + shorten(name, MAX_NAME, true) + "'";
    }

    /** {@code name} escaped and shortened to about {@code max} characters, without quotes (for listings). */
    public static String display(String text, int max) {
        return shorten(text, max, false);
    }

    /** {@code ['a', 'b', … and 199,990 more]}: each name {@link #quote quoted}, at most {@code max} of them. */
    public static String list(Collection<String> names, int max) {
        StringBuilder sb = new StringBuilder("[");
        int i = 0;
        for (String n : names) {
            if (i == max) {
                sb.append(", … and ").append(String.format(Locale.ROOT, "%,d", names.size() - max)).append(" more");
                break;
            }
            if (i++ > 0) sb.append(", ");
            sb.append(quote(n));
        }
        return sb.append(']').toString();
    }

    /** {@link #list(Collection, int)} with {@link #MAX_LISTED}. */
    public static String list(Collection<String> names) {
        return list(names, MAX_LISTED);
    }

    /** A message as one line: every control character escaped, at most {@link #MAX_LINE} characters. */
    public static String oneLine(String message) {
        return shorten(message == null ? "" : message, MAX_LINE, false);
    }

    /** Whether {@code c} (a char of a string, surrogates judged by the caller) would be escaped. */
    static boolean unsafe(int codePoint) {
        if (Character.isISOControl(codePoint)) return true;
        int type = Character.getType(codePoint);
        return type == Character.LINE_SEPARATOR || type == Character.PARAGRAPH_SEPARATOR || type == Character.FORMAT
                || type == Character.SURROGATE;
    }

    /**
     * {@code text} escaped; when the escaped form is longer than {@code max}, its head and tail
     * (escaped whole, never cut inside an escape or a surrogate pair) around "…" and the length.
     */
    private static String shorten(String text, int max, boolean escapeQuotes) {
        int n = text.length();
        StringBuilder all = new StringBuilder(Math.min(n, max) + 16);
        int i = 0;
        while (i < n && all.length() <= max) i = append(all, text, i, escapeQuotes);
        if (i >= n && all.length() <= max) return all.toString();
        // too long: keep about 60 % for the head, 40 % for the tail
        int headBudget = max * 3 / 5, tailBudget = max - headBudget;
        StringBuilder head = new StringBuilder(headBudget + 8);
        int h = 0;
        while (h < n) {
            int before = head.length();
            int next = append(head, text, h, escapeQuotes);
            if (head.length() > headBudget) {
                head.setLength(before);
                break;
            }
            h = next;
        }
        StringBuilder tail = new StringBuilder(tailBudget + 8);
        int t = n;
        while (t > h) {
            int start = Character.isLowSurrogate(text.charAt(t - 1)) && t - 2 >= h && Character.isHighSurrogate(text.charAt(t - 2))
                    ? t - 2 : t - 1;
            StringBuilder piece = new StringBuilder(8);
            append(piece, text, start, escapeQuotes);
            if (tail.length() + piece.length() > tailBudget) break;
            tail.insert(0, piece);
            t = start;
        }
        return head + "…" + tail + String.format(Locale.ROOT, " (%,d chars)", n);
    }

    /** Appends the character (or surrogate pair) at {@code i}, escaped where needed; returns the next index. */
    private static int append(StringBuilder sb, String text, int i, boolean escapeQuotes) {
        char c = text.charAt(i);
        if (Character.isHighSurrogate(c) && i + 1 < text.length() && Character.isLowSurrogate(text.charAt(i + 1))) {
            int cp = Character.toCodePoint(c, text.charAt(i + 1));
            if (unsafe(cp)) sb.append(String.format(Locale.ROOT, "\\u{%x}", cp));
            else sb.append(c).append(text.charAt(i + 1));
            return i + 2;
        }
        switch (c) {
            case '\n' -> sb.append("\\n");
            case '\r' -> sb.append("\\r");
            case '\t' -> sb.append("\\t");
            case '\'', '\\' -> {
                if (escapeQuotes) sb.append('\\');
                sb.append(c);
            }
            default -> {
                if (unsafe(c)) sb.append(String.format(Locale.ROOT, "\\u%04x", (int) c));
                else sb.append(c);
            }
        }
        return i + 1;
    }
}
