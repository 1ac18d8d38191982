package dev.mcdrop.graph;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertSame;

import dev.mcdrop.model.Architecture;
import dev.mcdrop.model.ArchitectureJson;
import dev.mcdrop.model.Layer;
import dev.mcdrop.model.Network;
import dev.mcdrop.model.ParamSpec;
import dev.mcdrop.model.Presets;
import dev.mcdrop.model.Weights;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * {@link Graph#fromChain}: one node per layer (plus the Flatten the chain leaves implicit), the
 * chain's weights shared, each Dropout keeping its layer's index as its mask index, the prefix-once
 * split where the chain puts it. Values are compared with the chain engine in
 * dev.mcdrop.predict.GraphChainAgreementTest.
 */
class ChainGraphsTest {
    static Weights zeroWeights(Architecture a) {
        Network n = a.compile();
        Map<String, float[]> t = new LinkedHashMap<>();
        for (ParamSpec p : n.params()) t.put(p.tensorName(), new float[p.elements()]);
        return new Weights(n, t, Map.of());
    }

    @Test
    void everyPresetBecomesAGraphWithTheChainsMaskIndicesAndPrefix() {
        for (String name : Presets.names()) {
            Weights w = zeroWeights(Presets.get(name));
            Network net = w.network();
            Graph g = Graph.fromChain(w);
            assertEquals(net.stages().size(), g.nodes().size(), name + ": one node per layer");
            assertEquals(TensorShape.features(net.classes()), g.shape(g.outputs().getFirst()), name);
            McPartition p = McPartition.of(g);
            for (int i = 0; i < net.stages().size(); i++) {
                Network.Stage s = net.stages().get(i);
                Node n = g.nodes().get(i);
                assertEquals(s.out().elements(), g.shape(n.output()).elements(), name + " " + n.describe());
                if (s.layer() instanceof Layer.Dropout) assertEquals(s.index(), g.maskIndex(n), name + " " + n.describe());
                boolean prefix = !net.hasDropout() || i < net.firstDropout();
                assertEquals(!prefix, p.reachedByDropout(n), name + " " + n.describe());
                if (s.layer() instanceof Layer.Conv2d c) {
                    assertEquals(c.name(), n.name());
                    assertSame(w.tensor(c.name() + ".weight"), ((Initializer.Floats) g.initializer(n.input(1)).values()).data(), "shared, not copied");
                }
            }
        }
    }

    @Test
    void implicitFlattensAndCollidingNamesAreHandled() {
        // a conv whose output is 1x1 feeding a dense layer directly; a layer named like another layer's weight tensor
        Architecture a = ArchitectureJson.parse("""
                {"name": "odd", "input": {"channels": 1, "height": 3, "width": 3, "scale": 1},
                 "layers": [
                   {"type": "conv2d", "name": "d.weight", "filters": 4, "kernel": 3},
                   {"type": "dropout", "p": 0.5},
                   {"type": "dense", "name": "d", "units": 3}]}""", "odd");
        Graph g = Graph.fromChain(zeroWeights(a));
        assertEquals(List.of("d.weight", "dropout1", "flatten_2", "d"), g.nodes().stream().map(Node::name).toList());
        assertEquals("d.weight_out", g.node("d.weight").output());
        assertInstanceOf(Op.Flatten.class, g.nodes().get(2).op());
        assertEquals(1, g.maskIndex(g.node("dropout1")));
        assertEquals(TensorShape.features(3), g.shape(g.outputs().getFirst()));
    }
}
