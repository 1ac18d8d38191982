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
}
