package dev.mcdrop.cli;

import static dev.mcdrop.cli.CliTest.run;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.mcdrop.cli.CliTest.Run;
import dev.mcdrop.io.NamedTensor;
import dev.mcdrop.io.SafeTensorsWriter;
import dev.mcdrop.model.ParamSpec;
import dev.mcdrop.model.Weights;
import dev.mcdrop.model.WeightsFile;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * PyTorch {@code nn.Sequential} state_dicts (tensors named by module position: "0.weight", …)
 * load with {@code --arch} and give PyTorch's answers. The fixture under test-data/pytorch/ was
 * written by PyTorch itself (scripts/fixtures/make-pytorch-fixture.py), with its eval-mode
 * probabilities.
 */
class PyTorchImportTest {
    private static final Path FIXTURE = Path.of("test-data/pytorch");

    @TempDir Path dir;

    private static List<JsonNode> lines(String jsonl) throws Exception {
        ObjectMapper json = new ObjectMapper();
        List<JsonNode> out = new ArrayList<>();
        for (String line : jsonl.strip().split("\n")) out.add(json.readTree(line));
        return out;
    }

    @Test
    void pytorchSequentialFixtureGivesTorchsEvalProbabilities() throws Exception {
        JsonNode expected = new ObjectMapper().readTree(FIXTURE.resolve("tiny-sequential-expected.json").toFile());
        assertEquals("0.weight", expected.get("state_dict").get(0).asText()); // the fixture really has Sequential names
        Path out = dir.resolve("p.jsonl");
        Run r = run("predict", "--model", FIXTURE.resolve("tiny-sequential.safetensors").toString(),
                "--arch", FIXTURE.resolve("tiny-sequential.json").toString(), "--input", expected.get("images").asText(),
                "--samples", "2", "--backend", "cpu", "--out", out.toString());
        assertEquals(0, r.exit(), r.err());
        List<JsonNode> got = lines(Files.readString(out));
        JsonNode torch = expected.get("eval_probs");
        assertEquals(expected.get("count").asInt(), torch.size());
        double worst = 0, spread = 0;
        for (int i = 0; i < torch.size(); i++) {
            JsonNode mine = got.get(i).get("standard_probs");
            assertEquals(torch.get(i).size(), mine.size());
            for (int k = 0; k < mine.size(); k++) {
                worst = Math.max(worst, Math.abs(mine.get(k).asDouble() - torch.get(i).get(k).asDouble()));
                spread = Math.max(spread, Math.abs(torch.get(i).get(k).asDouble() - torch.get(0).get(k).asDouble()));
            }
        }
        assertTrue(worst <= 1e-5, "largest difference from PyTorch's eval output: " + worst);
        assertTrue(spread > 0.1, "the fixture's images should get different answers: " + spread);
    }

    @Test
    void bundledLenetAsASequentialStateDictLoadsWithThePreset() throws Exception {
        // lenet-all as nn.Sequential(conv, drop, pool, conv, drop, pool, flatten, linear, relu, drop, linear) names it
        Map<String, String> position = Map.of("conv1", "0", "conv2", "3", "ip1", "7", "ip2", "10");
        Weights bundled = WeightsFile.load(Path.of("models/lenet-all.safetensors"));
        List<NamedTensor> tensors = new ArrayList<>();
        for (ParamSpec p : bundled.network().params()) {
            String[] layerAndKind = p.tensorName().split("\\.");
            tensors.add(new NamedTensor(position.get(layerAndKind[0]) + "." + layerAndKind[1], p.shape(), bundled.tensor(p.tensorName())));
        }
        Path stateDict = dir.resolve("lenet-sequential.safetensors");
        SafeTensorsWriter.write(stateDict, Map.of(), tensors);

        String input = "test-data/fashion-mnist/t10k-images-first200-idx3-ubyte.gz";
        Run viaArch = run("predict", "--model", stateDict.toString(), "--arch", "lenet-all", "--input", input,
                "--samples", "5", "--backend", "cpu");
        assertEquals(0, viaArch.exit(), viaArch.err());
        Run original = run("predict", "--model", "lenet-all", "--input", input, "--samples", "5", "--backend", "cpu");
        assertEquals(0, original.exit(), original.err());
        assertEquals(original.out(), viaArch.out());
        assertEquals(200, lines(viaArch.out()).size());
    }

    @Test
    void unmatchedStateDictNamesAreOneLineListingBoth() throws Exception {
        Run r = run("info", "--model", FIXTURE.resolve("tiny-sequential.safetensors").toString(), "--arch", "lenet-all");
        assertEquals(1, r.exit());
        assertEquals(1, r.err().strip().lines().count(), r.err());
        for (String name : List.of("mcdrop: ", "tiny-sequential.safetensors", "'conv1.weight'", "'10.bias'", "found", "'11.weight'")) {
            assertTrue(r.err().contains(name), name + " not in: " + r.err());
        }
    }
}
