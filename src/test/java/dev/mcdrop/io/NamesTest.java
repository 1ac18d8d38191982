package dev.mcdrop.io;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** {@link Names}: text from files shown escaped, quoted and shortened (issue 13, class 15). */
class NamesTest {
    private static void assertClean(String s) {
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            assertTrue(c >= 0x20 && c != 0x7f && !(c >= 0x80 && c < 0xa0) && !Character.isSurrogate(c) || isPair(s, i),
                    "control character " + (int) c + " at " + i + " in " + s);
        }
    }

    private static boolean isPair(String s, int i) {
        return Character.isHighSurrogate(s.charAt(i)) ? i + 1 < s.length() && Character.isLowSurrogate(s.charAt(i + 1))
                : Character.isLowSurrogate(s.charAt(i)) && i > 0 && Character.isHighSurrogate(s.charAt(i - 1));
    }

    @Test
    void plainNamesAreQuotedAsBefore() {
        assertEquals("'conv1.weight'", Names.quote("conv1.weight"));
        assertEquals("'Ünïcødé 名前 😀'", Names.quote("Ünïcødé 名前 😀"));
    }

    @Test
    void controlCharactersAreEscaped() {
        assertEquals("'a\\nmcdrop: forged'", Names.quote("a\nmcdrop: forged"));
        assertEquals("'\\u001b[31mred\\r\\t'", Names.quote("\u001b[31mred\r\t"));
        assertEquals("'\\u007f\\u009b\\u202e\\u200b'", Names.quote("\u007f\u009b\u202e\u200b"));
        assertEquals("'lone \\ud800 surrogate'", Names.quote("lone \ud800 surrogate"));
        assertEquals("'it\\'s a \\\\ b'", Names.quote("it's a \\ b"));
        assertEquals("a\\nb 'c'", Names.oneLine("a\nb 'c'"), "oneLine escapes controls only");
    }

    @Test
    void longNamesKeepHeadAndTail() {
        String name = "head-" + "x".repeat(1 << 20) + "-tail";
        String q = Names.quote(name);
        assertTrue(q.length() < Names.MAX_NAME + 30, q.length() + ": " + q);
        assertTrue(q.startsWith("'head-xxx") && q.contains("…") && q.endsWith("x-tail (1,048,586 chars)'"), q);
        String escapes = "\u001b".repeat(10_000);
        String e = Names.quote(escapes);
        assertClean(e);
        assertTrue(e.length() < Names.MAX_NAME + 30 && e.contains("\\u001b…\\u001b"), e);
        String pairs = "😀".repeat(1000);
        assertClean(Names.quote(pairs)); // never cut inside a surrogate pair
        assertEquals(Names.MAX_NAME, Names.quote("y".repeat(Names.MAX_NAME)).length() - 2, "a name of the limit is whole");
    }

    @Test
    void longListsSayHowManyMore() {
        List<String> names = new ArrayList<>();
        for (int i = 0; i < 200_000; i++) names.add("extra." + i + "\n");
        String l = Names.list(names);
        assertTrue(l.startsWith("['extra.0\\n', 'extra.1\\n'") && l.endsWith(", … and 199,990 more]"), l);
        assertTrue(l.length() < 300, l);
        assertEquals("[]", Names.list(List.of()));
    }

    @Test
    void oneLineIsBounded() {
        String m = Names.oneLine("x\n".repeat(1 << 20));
        assertTrue(m.length() <= Names.MAX_LINE + 30, "" + m.length());
        assertClean(m);
    }
}
