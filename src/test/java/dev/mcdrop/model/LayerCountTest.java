package dev.mcdrop.model;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Issue 13, class 11: the layer count is capped ({@value ArchitectureLimits#MAX_LAYERS}) with a message that
 * names the file, and everything up to the cap compiles in linear time. Before the fix there was
 * no cap, and compiling was quadratic in the parameterised layers (each name was checked against
 * a list of all earlier ones; each parameter looked up by a scan), 100,000 layers taking 31 s.
 */
class LayerCountTest {
    /** {@code dense} layers of 4 units (each with its own name), then 2 classes: 2 + dense layers in all. */
    private static String deep(int denseLayers) {
        StringBuilder sb = new StringBuilder("""
                {"name": "deep", "input": {"channels": 1, "height": 2, "width": 2}, "layers": [{"type": "flatten"}""");
        for (int i = 0; i < denseLayers; i++) sb.append(", {\"type\": \"dense\", \"name\": \"d").append(i).append("\", \"units\": 4}");
        return sb.append(", {\"type\": \"dense\", \"name\": \"out\", \"units\": 2}]}").toString();
    }

    @Test
    void moreLayersThanTheCapAreRefusedNamingTheFile() {
        var e = assertThrows(ArchitectureException.class, () -> ArchitectureJson.parse(deep(ArchitectureLimits.MAX_LAYERS - 1), "deep.json"));
        assertTrue(e.getMessage().startsWith("deep.json") && e.getMessage().contains((ArchitectureLimits.MAX_LAYERS + 1) + " layers")
                && e.getMessage().contains("at most " + ArchitectureLimits.MAX_LAYERS), e.getMessage());

        List<Layer> layers = new ArrayList<>(List.of(new Layer.Flatten()));
        for (int i = 0; i < ArchitectureLimits.MAX_LAYERS; i++) layers.add(new Layer.Relu());
        layers.add(new Layer.Dense("out", 2));
        var coded = assertThrows(ArchitectureException.class, () -> new Architecture("coded", new Shape(1, 2, 2), 1f, layers).compile());
        assertTrue(coded.getMessage().contains("architecture 'coded'") && coded.getMessage().contains("at most " + ArchitectureLimits.MAX_LAYERS),
                coded.getMessage());
    }

    /**
     * At the cap, a network of named layers parses, compiles, finds every parameter and
     * round-trips; the timeout is a hang guard only (linear work here takes well under a second).
     */
    @Test
    @Timeout(value = 60, unit = TimeUnit.SECONDS)
    void aNetworkAtTheCapCompilesAndFindsEveryParameter() {
        Architecture a = ArchitectureJson.parse(deep(ArchitectureLimits.MAX_LAYERS - 2), "deep.json");
        Network n = a.compile();
        assertEquals(ArchitectureLimits.MAX_LAYERS, n.stages().size());
        assertEquals(2 * (ArchitectureLimits.MAX_LAYERS - 1), n.params().size());
        for (ParamSpec p : n.params()) assertEquals(p, n.param(p.tensorName()));
        assertEquals(a, ArchitectureJson.parse(ArchitectureJson.toJson(a), "again.json"));
        var duplicate = assertThrows(ArchitectureException.class, () -> ArchitectureJson.parse(
                deep(ArchitectureLimits.MAX_LAYERS - 2).replace("\"name\": \"d9990\"", "\"name\": \"d17\""), "dup.json"));
        assertTrue(duplicate.getMessage().contains("name 'd17' used twice"), duplicate.getMessage());
    }
}
