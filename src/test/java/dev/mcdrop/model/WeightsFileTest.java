package dev.mcdrop.model;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.mcdrop.io.NamedTensor;
import dev.mcdrop.io.SafeTensorsWriter;
import dev.mcdrop.io.WeightsFormatException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Weights ⇄ safetensors: round trip, PyTorch state_dicts, and every way a file can disagree with its network. */
class WeightsFileTest {
    @TempDir Path dir;

    private static Weights random(Architecture a) {
        Network n = a.compile();
        Random r = new Random(1);
        Map<String, float[]> t = new LinkedHashMap<>();
        for (ParamSpec p : n.params()) {
            float[] v = new float[p.elements()];
            for (int i = 0; i < v.length; i++) v[i] = (float) r.nextGaussian();
            t.put(p.tensorName(), v);
        }
        return new Weights(n, t, Map.of("train.seed", "1"));
    }

    /** Writes the weights' tensors as a plain safetensors file, with the given edits. */
    private Path write(String name, Weights w, Map<String, String> meta, java.util.function.Consumer<List<NamedTensor>> edit)
            throws IOException {
        List<NamedTensor> list = new ArrayList<>();
        for (ParamSpec p : w.network().params()) list.add(new NamedTensor(p.tensorName(), p.shape(), w.tensor(p.tensorName()).clone()));
        edit.accept(list);
        Path f = dir.resolve(name);
        SafeTensorsWriter.write(f, meta, list);
        return f;
    }

    @Test
    void roundTripKeepsArchitectureTensorsAndMetadata() throws IOException {
        Weights w = random(Presets.get("lenet-all"));
        Path f = dir.resolve("m.safetensors");
        WeightsFile.save(w, f, Map.of("train.iterations", "10"));
        Weights back = WeightsFile.load(f);
        assertEquals(w.network().architecture(), back.network().architecture());
        for (String k : w.tensors().keySet()) assertArrayEquals(w.tensor(k), back.tensor(k), k);
        assertEquals("10", back.metadata().get("train.iterations"));
        assertEquals("1", back.metadata().get("train.seed"));
    }

    @Test
    void plainStateDictLoadsWithAGivenArchitecture() throws IOException {
        Architecture a = Presets.get("keras-cnn");
        Path f = write("torch.safetensors", random(a), Map.of(), l -> {});
        var missing = assertThrows(WeightsFormatException.class, () -> WeightsFile.load(f));
        assertTrue(missing.getMessage().contains("architecture"), missing.getMessage());
        assertEquals(121_930, WeightsFile.load(f, a).network().parameterCount());
    }

    @Test
    void missingTensorIsNamed() throws IOException {
        Path f = write("missing.safetensors", random(Presets.get("lenet-all")), Map.of(), l -> l.remove(2));
        var e = assertThrows(WeightsFormatException.class, () -> WeightsFile.load(f, Presets.get("lenet-all")));
        assertTrue(e.getMessage().contains("missing.safetensors") && e.getMessage().contains("conv2.weight"), e.getMessage());
    }

    @Test
    void extraTensorIsNamed() throws IOException {
        Path f = write("extra.safetensors", random(Presets.get("lenet-all")), Map.of(),
                l -> l.add(new NamedTensor("ip3.weight", new int[]{2}, new float[2])));
        var e = assertThrows(WeightsFormatException.class, () -> WeightsFile.load(f, Presets.get("lenet-all")));
        assertTrue(e.getMessage().contains("ip3.weight"), e.getMessage());
    }

    @Test
    void wrongShapeIsNamed() throws IOException {
        Path f = write("shape.safetensors", random(Presets.get("lenet-all")), Map.of(),
                l -> l.set(0, new NamedTensor("conv1.weight", new int[]{20, 25}, new float[500])));
        var e = assertThrows(WeightsFormatException.class, () -> WeightsFile.load(f, Presets.get("lenet-all")));
        assertTrue(e.getMessage().contains("conv1.weight") && e.getMessage().contains("shape.safetensors"), e.getMessage());
    }

    @Test
    void nanWeightIsNamed() throws IOException {
        Path f = write("nan.safetensors", random(Presets.get("lenet-all")), Map.of(), l -> l.get(5).data()[17] = Float.NaN);
        var e = assertThrows(WeightsFormatException.class, () -> WeightsFile.load(f, Presets.get("lenet-all")));
        assertTrue(e.getMessage().contains("ip1.bias") && e.getMessage().contains("17") && e.getMessage().contains("NaN"), e.getMessage());
    }

    @Test
    void badArchitectureMetadataIsNamed() throws IOException {
        Path f = write("arch.safetensors", random(Presets.get("lenet-all")), Map.of("architecture", "{\"layers\": 3}"), l -> {});
        var e = assertThrows(WeightsFormatException.class, () -> WeightsFile.load(f));
        assertTrue(e.getMessage().contains("arch.safetensors") && e.getMessage().contains("architecture"), e.getMessage());
    }

    @Test
    void truncatedFileIsAFormatError() throws IOException {
        Path good = dir.resolve("good.safetensors");
        WeightsFile.save(random(Presets.get("lenet-all")), good, Map.of());
        byte[] bytes = Files.readAllBytes(good);
        Path cut = dir.resolve("cut.safetensors");
        Files.write(cut, java.util.Arrays.copyOf(bytes, bytes.length - 1000));
        var e = assertThrows(WeightsFormatException.class, () -> WeightsFile.load(cut));
        assertTrue(e.getMessage().contains("cut.safetensors"), e.getMessage());
    }

    /** lenet-all's tensors as an {@code nn.Sequential} state_dict names them: modules 0, 3, 7, 10. */
    private static final Map<String, String> LENET_SEQUENTIAL = Map.of("conv1", "0", "conv2", "3", "ip1", "7", "ip2", "10");

    private static List<NamedTensor> renamed(List<NamedTensor> list, java.util.function.UnaryOperator<String> layerName) {
        List<NamedTensor> out = new ArrayList<>();
        for (NamedTensor t : list) {
            int dot = t.name().lastIndexOf('.');
            out.add(new NamedTensor(layerName.apply(t.name().substring(0, dot)) + t.name().substring(dot), t.shape(), t.data()));
        }
        return out;
    }

    @Test
    void sequentialStateDictLoadsWithAPresetByModulePosition() throws IOException {
        Weights w = random(Presets.get("lenet-all"));
        for (String prefix : List.of("", "module.", "net.")) {
            Path f = write("seq.safetensors", w, Map.of(), l -> {
                List<NamedTensor> r = renamed(l, n -> prefix + LENET_SEQUENTIAL.get(n));
                l.clear();
                l.addAll(r);
            });
            Weights back = WeightsFile.load(f, Presets.get("lenet-all"));
            assertEquals(w.tensors().keySet(), back.tensors().keySet(), prefix);
            for (String k : w.tensors().keySet()) assertArrayEquals(w.tensor(k), back.tensor(k), prefix + k);
        }
    }

    @Test
    void sequentialPositionsStillCheckShapes() throws IOException {
        // a Sequential whose modules do not line up (no dropout after conv1): 3.weight is not conv2's shape
        Weights w = random(Presets.get("lenet-all"));
        Path f = write("shifted.safetensors", w, Map.of(), l -> {
            List<NamedTensor> r = renamed(l, n -> LENET_SEQUENTIAL.get(n));
            l.clear();
            l.addAll(r);
            l.set(2, new NamedTensor("3.weight", new int[]{50, 20, 3, 3}, new float[50 * 20 * 9]));
        });
        var e = assertThrows(WeightsFormatException.class, () -> WeightsFile.load(f, Presets.get("lenet-all")));
        assertTrue(e.getMessage().contains("'3.weight'") && e.getMessage().contains("conv2.weight")
                && e.getMessage().contains("[50, 20, 5, 5]"), e.getMessage());
    }

    @Test
    void unmatchedNamesListExpectedAndFound() throws IOException {
        Map<String, String> torchvision = Map.of("conv1", "features.0", "conv2", "features.3", "ip1", "classifier.1", "ip2", "classifier.4");
        Path f = write("nested.safetensors", random(Presets.get("lenet-all")), Map.of(), l -> {
            List<NamedTensor> r = renamed(l, torchvision::get);
            l.clear();
            l.addAll(r);
        });
        var e = assertThrows(WeightsFormatException.class, () -> WeightsFile.load(f, Presets.get("lenet-all")));
        String m = e.getMessage();
        assertTrue(m.startsWith(f.toString()), m);
        for (String name : List.of("conv1.weight", "ip2.bias", "0.weight", "10.bias", "features.0.weight", "classifier.4.bias")) {
            assertTrue(m.contains(name), name + " not in: " + m);
        }
        assertTrue(m.contains("expected") && m.contains("found"), m);
    }

    @Test
    void longNameListsAreShortened() throws IOException {
        Path f = write("many.safetensors", random(Presets.get("lenet-all")), Map.of(), l -> {
            l.clear();
            for (int i = 0; i < 500; i++) l.add(new NamedTensor("blocks." + i + ".attention.weight", new int[]{1}, new float[1]));
        });
        var e = assertThrows(WeightsFormatException.class, () -> WeightsFile.load(f, Presets.get("lenet-all")));
        assertTrue(e.getMessage().contains("more") && e.getMessage().length() < 1500, e.getMessage().length() + ": " + e.getMessage());
        assertEquals(1, e.getMessage().lines().count());
    }
}
