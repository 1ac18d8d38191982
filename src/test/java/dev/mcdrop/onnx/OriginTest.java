package dev.mcdrop.onnx;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.mcdrop.io.Names;
import java.nio.file.Path;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/** Places in a file as messages show them, and the quoting shortcut against {@link Names#quote}. */
class OriginTest {

    @Test
    void stepsJoinAsMessagesShowThem() {
        Origin root = Origin.root(Path.of("net.onnx"));
        Origin attr = root.child("graph").child(".node[12] 'conv1' (Conv)").child("attribute 'pads'");
        assertEquals("graph.node[12] 'conv1' (Conv): attribute 'pads'", attr.where());
        assertEquals("net.onnx: graph.node[12] 'conv1' (Conv): attribute 'pads': is INT", attr.error("is INT").getMessage());
        assertEquals("opset_import[1]", root.element("opset_import", 1, null).where());
        assertEquals("net.onnx: no graph", root.error("no graph").getMessage());
        assertEquals("net.onnx", root.toString());
    }

    @Test
    void quoteShortcutAgreesWithNamesQuote() {
        SplittableRandom rnd = new SplittableRandom(7);
        String alphabet = "abcXYZ019_.:/-'\\\"\n\t\u001b\u00e9\u202e\ud83d\ude00 ";
        for (int i = 0; i < 20_000; i++) {
            StringBuilder sb = new StringBuilder();
            int n = rnd.nextInt(i % 10 == 0 ? 200 : 12);
            for (int k = 0; k < n; k++) sb.append(alphabet.charAt(rnd.nextInt(alphabet.length())));
            String name = sb.toString();
            assertEquals(Names.quote(name), Origin.quote(name), name);
        }
        assertEquals(Names.quote("x".repeat(80)), Origin.quote("x".repeat(80)));
        assertEquals(Names.quote("x".repeat(81)), Origin.quote("x".repeat(81)));
    }
}
