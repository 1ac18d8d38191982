package dev.mcdrop.model;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;

/** Presets match the paper and the slides; JSON round-trips; bad shapes are rejected with the layer named. */
class ArchitectureTest {

    @Test
    void lenetShapesAndParameters() {
        Network n = Presets.get("lenet-all").compile();
        // conv1 20·1·25+20, conv2 50·20·25+50, ip1 500·800+500, ip2 10·500+10
        assertEquals(520 + 25050 + 400500 + 5010, n.parameterCount());
        assertEquals(10, n.classes());
        assertEquals(1, n.firstDropout());
        assertEquals(new Shape(800, 1, 1), n.stages().get(6).out());
        assertEquals(3, Presets.get("lenet-all").dropoutCount());
        assertEquals(1, Presets.get("lenet-ip").dropoutCount());
        assertEquals(0, Presets.get("lenet-none").dropoutCount());
        assertEquals(-1, Presets.get("lenet-none").compile().firstDropout());
        assertEquals(1f / 256f, Presets.get("lenet-ip").inputScale());
    }

    @Test
    void kerasCnnHas121930Parameters() {
        Network n = Presets.get("keras-cnn").compile();
        assertEquals(121_930, n.parameterCount());
        assertEquals(121_930, Presets.get("keras-cnn-mc").compile().parameterCount());
        assertEquals(3, Presets.get("keras-cnn-mc").dropoutCount());
        assertEquals(new Shape(1600, 1, 1), n.stages().get(6).out());
    }

    @Test
    void cifarLenetShapes() {
        Network n = Presets.get("cifar-lenet-all").compile();
        // 32 -conv5-> 28 -pool-> 14 -conv5 pad2-> 14 -pool-> 7; 192·7·7 = 9408 features
        assertEquals(new Shape(192, 7, 7), n.stages().get(5).out());
        assertEquals(new Shape(9408, 1, 1), n.stages().get(6).out());
    }

    @Test
    void jsonRoundTrip() {
        for (String name : Presets.names()) {
            Architecture a = Presets.get(name);
            Architecture b = ArchitectureJson.parse(ArchitectureJson.toJson(a), "test");
            assertEquals(a, b, name);
        }
    }

    @Test
    void pytorchStyleDefaultNames() {
        Architecture a = ArchitectureJson.parse("""
                {"name": "seq", "input": {"channels": 1, "height": 8, "width": 8},
                 "layers": [{"type": "conv2d", "filters": 4, "kernel": 3}, {"type": "relu"},
                            {"type": "flatten"}, {"type": "dense", "units": 3}]}""", "t");
        List<String> names = a.compile().params().stream().map(ParamSpec::tensorName).toList();
        assertEquals(List.of("0.weight", "0.bias", "3.weight", "3.bias"), names);
        assertEquals(1f, a.inputScale());
    }

    @Test
    void shapesThatDoNotChainNameTheLayer() {
        var e = assertThrows(ArchitectureException.class, () -> ArchitectureJson.parse("""
                {"name": "bad", "input": {"channels": 1, "height": 6, "width": 6},
                 "layers": [{"type": "conv2d", "name": "c1", "filters": 4, "kernel": 5},
                            {"type": "conv2d", "name": "c2", "filters": 4, "kernel": 5},
                            {"type": "flatten"}, {"type": "dense", "units": 3}]}""", "bad.json").compile());
        assertTrue(e.getMessage().contains("layer 1 (conv2d 'c2')"), e.getMessage());
        var dense = assertThrows(ArchitectureException.class, () -> ArchitectureJson.parse("""
                {"name": "bad", "input": {"channels": 1, "height": 6, "width": 6},
                 "layers": [{"type": "dense", "name": "d", "units": 3}]}""", "bad.json").compile());
        assertTrue(dense.getMessage().contains("flatten"), dense.getMessage());
    }

    @Test
    void jsonErrorsNameTheField() {
        var unknown = assertThrows(ArchitectureException.class, () -> ArchitectureJson.parse("""
                {"name": "x", "input": {"channels": 1, "height": 6, "width": 6},
                 "layers": [{"type": "conv2d", "filter": 4, "kernel": 5}]}""", "f.json"));
        assertTrue(unknown.getMessage().contains("f.json layer 0") && unknown.getMessage().contains("'filter'"), unknown.getMessage());
        var type = assertThrows(ArchitectureException.class, () -> ArchitectureJson.parse("""
                {"name": "x", "input": {"channels": 1, "height": 6, "width": 6}, "layers": [{"type": "lstm"}]}""", "f.json"));
        assertTrue(type.getMessage().contains("lstm"), type.getMessage());
        assertThrows(ArchitectureException.class, () -> ArchitectureJson.parse("{not json", "f.json"));
        var p = assertThrows(ArchitectureException.class, () -> ArchitectureJson.parse("""
                {"name": "x", "input": {"channels": 1, "height": 6, "width": 6},
                 "layers": [{"type": "dropout", "p": 1.0}, {"type": "flatten"}, {"type": "dense", "units": 2}]}""", "f.json").compile());
        assertTrue(p.getMessage().contains("dropout p"), p.getMessage());
    }

    /** Sizes that would overflow an int (or a float[]) are refused with the layer named, never wrapped around. */
    @Test
    void hostileSizesNameTheLayerInsteadOfOverflowing() {
        String huge = """
                {"name": "x", "input": {"channels": 1, "height": 65536, "width": 65536},
                 "layers": [{"type": "flatten"}, {"type": "dense", "units": 3}]}""";
        var input = assertThrows(ArchitectureException.class, () -> ArchitectureJson.parse(huge, "h.json").compile());
        assertTrue(input.getMessage().contains("input has 4294967296 values"), input.getMessage());
        // padding 2^16 (the largest accepted): an output of 4 x 196604 x 131168 values per image (int arithmetic wrapped it)
        String wide = """
                {"name": "x", "input": {"channels": 1, "height": 65536, "width": 100},
                 "layers": [{"type": "conv2d", "name": "c", "filters": 4, "kernel": 5, "padding": 65536},
                            {"type": "flatten"}, {"type": "dense", "units": 3}]}""";
        var conv = assertThrows(ArchitectureException.class, () -> ArchitectureJson.parse(wide, "h.json").compile());
        assertTrue(conv.getMessage().contains("layer 0 (conv2d 'c')") && conv.getMessage().contains(": output has "), conv.getMessage());
        String unfolded = """
                {"name": "x", "input": {"channels": 64, "height": 512, "width": 512},
                 "layers": [{"type": "conv2d", "name": "c", "filters": 1, "kernel": 11},
                            {"type": "flatten"}, {"type": "dense", "units": 3}]}""";
        var im2col = assertThrows(ArchitectureException.class, () -> ArchitectureJson.parse(unfolded, "h.json").compile());
        assertTrue(im2col.getMessage().contains("unfolded input (im2col) has"), im2col.getMessage());
    }
}
