package dev.mcdrop.fuzz;

import com.code_intelligence.jazzer.junit.FuzzTest;
import dev.mcdrop.io.WeightsFormatException;
import dev.mcdrop.model.Architecture;
import dev.mcdrop.model.ArchitectureJson;
import dev.mcdrop.model.Layer;
import dev.mcdrop.model.ParamSpec;
import dev.mcdrop.model.Shape;
import dev.mcdrop.model.Weights;
import dev.mcdrop.model.WeightsFile;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Timeout;

/**
 * Coverage-guided fuzzing of model/WeightsFile: loading a network from a safetensors file, both
 * with the architecture from its __metadata__ and with a caller-supplied one (the PyTorch
 * state_dict path, tensors matched by name or nn.Sequential position). The input is the whole
 * file. Contract: a load either returns weights whose every tensor has its parameter's size and
 * finite values, or throws {@link WeightsFormatException} with a clean message naming the file;
 * any other throwable, a hang or an OutOfMemoryError is a finding. Seeds: WeightsFileFuzzTestInputs/.
 */
@Timeout(value = 30, unit = TimeUnit.SECONDS)
class WeightsFileFuzzTest {

    /** conv2d "conv" 2×1×2×2 on a 1×3×3 input, flatten, dense "fc" 2×8, softmax: both tensor kinds, tiny. */
    static final Architecture TINY = new Architecture("tiny", new Shape(1, 3, 3), 1f / 256, List.of(
            new Layer.Conv2d("conv", 2, 2, 1, 0), new Layer.Relu(), new Layer.Flatten(),
            new Layer.Dense("fc", 2), new Layer.Softmax()));

    @FuzzTest(maxDuration = "2m")
    void load(byte[] input) throws IOException {
        Path file = FuzzSupport.write("fuzz.safetensors", input);
        loadAndCheck(file, null);
        loadAndCheck(file, TINY);
    }

    private static void loadAndCheck(Path file, Architecture given) throws IOException {
        Weights w;
        try {
            w = WeightsFile.load(file, given);
        } catch (WeightsFormatException e) {
            FuzzSupport.assertCleanMessage(e, file.toString());
            return;
        }
        for (ParamSpec p : w.network().params()) {
            float[] t = w.tensor(p.tensorName());
            if (t.length != p.elements()) throw new AssertionError(p.tensorName() + ": " + t.length + " values, expected " + p.elements());
            for (float v : t) {
                if (!Float.isFinite(v)) throw new AssertionError(p.tensorName() + ": non-finite value " + v + " accepted");
            }
        }
        String arch = w.metadata().get(WeightsFile.ARCHITECTURE_KEY);
        if (!ArchitectureJson.toJson(w.network().architecture()).equals(arch)) {
            throw new AssertionError("metadata architecture is not the loaded network's: " + FuzzSupport.escape(String.valueOf(arch)));
        }
    }
}
