package dev.mcdrop.model;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.mcdrop.backend.ConvGeometry;
import dev.mcdrop.backend.PoolGeometry;
import org.junit.jupiter.api.Test;

/**
 * Issue 13, class 5: geometry fields that would overflow the engine's int arithmetic are refused
 * when the architecture is loaded, with the file, the layer and the field named. Before the fix,
 * {@code padding = stride = 2³¹−1} loaded: the shape check (long) said 3×3 while the backend's
 * {@link ConvGeometry} (int) wrapped to 1×1, and predict printed a wrong probability, exit 0.
 */
class GeometryBoundsTest {
    private static final int MAX = Integer.MAX_VALUE;

    private static String conv(String fields) {
        return """
                {"name": "x", "input": {"channels": 1, "height": 28, "width": 28},
                 "layers": [{"type": "conv2d", "name": "c", "filters": 2, %s},
                            {"type": "flatten"}, {"type": "dense", "name": "out", "units": 2}]}""".formatted(fields);
    }

    private static void assertRefused(String json, String... parts) {
        var e = assertThrows(ArchitectureException.class, () -> ArchitectureJson.parse(json, "hostile.json"), json);
        for (String p : parts) assertTrue(e.getMessage().contains(p), "'" + p + "' missing from: " + e.getMessage());
        assertTrue(e.getMessage().startsWith("hostile.json"), e.getMessage());
        assertEquals(1, e.getMessage().lines().count(), e.getMessage());
    }

    @Test
    void overflowingConvolutionFieldsAreRefusedAtLoadNamingFileLayerAndField() {
        assertRefused(conv("\"kernel\": 5, \"stride\": " + MAX + ", \"padding\": " + MAX),
                "layer 0 (conv2d 'c')", "'stride'", "2147483647", "65536");
        assertRefused(conv("\"kernel\": 5, \"padding\": " + MAX), "layer 0 (conv2d 'c')", "'padding'");
        assertRefused(conv("\"kernel\": " + MAX + ", \"padding\": " + (1 << 30)), "layer 0 (conv2d 'c')", "'kernel'");
        assertRefused(conv("\"kernel\": 3, \"stride\": " + (1 << 20)), "'stride'");
        assertRefused("""
                {"name": "x", "input": {"channels": 1, "height": 28, "width": 28},
                 "layers": [{"type": "maxpool", "kernel": 2, "stride": 2147483647},
                            {"type": "flatten"}, {"type": "dense", "name": "out", "units": 2}]}""",
                "layer 0 (maxpool)", "'stride'");
        assertRefused("""
                {"name": "x", "input": {"channels": 1, "height": 28, "width": 28},
                 "layers": [{"type": "conv2d", "name": "wide", "filters": 2147483647, "kernel": 1},
                            {"type": "flatten"}, {"type": "dense", "name": "out", "units": 2}]}""",
                "layer 0 (conv2d 'wide')", "'filters'");
        assertRefused("""
                {"name": "x", "input": {"channels": 1, "height": 2, "width": 2},
                 "layers": [{"type": "flatten"}, {"type": "dense", "name": "big", "units": 2147483647}]}""",
                "layer 1 (dense 'big')", "'units'");
        assertRefused("""
                {"name": "x", "input": {"channels": 1, "height": 2147483647, "width": 1},
                 "layers": [{"type": "flatten"}, {"type": "dense", "name": "out", "units": 2}]}""",
                "input", "'height'");
    }

    /** The same bounds hold for an architecture built in code (not from a file): named by architecture and layer. */
    @Test
    void architecturesBuiltInCodeAreBoundedToo() {
        Architecture a = new Architecture("coded", new Shape(1, 28, 28), 1f, java.util.List.of(
                new Layer.Conv2d("c", 2, 5, MAX, MAX), new Layer.Flatten(), new Layer.Dense("out", 2)));
        var e = assertThrows(ArchitectureException.class, a::compile);
        assertTrue(e.getMessage().contains("architecture 'coded'") && e.getMessage().contains("layer 0 (conv2d 'c')")
                && e.getMessage().contains("'stride'"), e.getMessage());
    }

    /** The largest accepted values still compute the shapes PyTorch would, and the backend's geometry agrees. */
    @Test
    void atTheLimitsShapesAreExactAndTheBackendGeometryAgrees() {
        Network n = ArchitectureJson.parse(conv("\"kernel\": 5, \"stride\": 65536, \"padding\": 65536"), "edge.json").compile();
        // (28 + 2·65536 − 5) / 65536 + 1 = 3
        assertEquals(new Shape(2, 3, 3), n.stages().get(0).out());
        ConvGeometry g = new ConvGeometry(1, 28, 28, 2, 5, 5, 65536, 65536);
        assertEquals(3, g.outHeight());
        assertEquals(3, g.outWidth());
    }

    /** The backend's geometry records refuse what their int fields cannot describe instead of wrapping around. */
    @Test
    void backendGeometryRefusesWhatWouldWrap() {
        assertThrows(IllegalArgumentException.class, () -> new ConvGeometry(1, 28, 28, 2, 5, 5, MAX, MAX));
        assertThrows(IllegalArgumentException.class, () -> new ConvGeometry(1 << 16, 1 << 12, 1 << 12, 1, 3, 3, 1, 1)); // patch·plane fine, input plane·channels > int
        assertThrows(IllegalArgumentException.class, () -> new PoolGeometry(PoolGeometry.PoolKind.MAX, 1 << 16, 1 << 16, 2, 2));
    }
}
