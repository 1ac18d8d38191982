package dev.mcdrop.cli;

import static dev.mcdrop.cli.CliTest.run;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.mcdrop.cli.CliTest.Run;
import dev.mcdrop.graph.GraphJson;
import dev.mcdrop.graph.GraphModel;
import dev.mcdrop.graph.GraphModels;
import dev.mcdrop.graph.GraphPresets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Graph models through the CLI: graph presets with random weights, graph safetensors files,
 * {@code --dropout}, the pre-processing options, and what {@code info} prints about the engine's
 * plan; every misuse is one line with the usage exit code.
 */
class GraphModelsCliTest {
    @TempDir Path dir;

    @Test
    void infoPrintsTheInputTheMcPartitionAndTheFusedPlan() {
        Run r = run("info", "--model", "cifar-resnet20-mc");
        assertEquals(0, r.exit(), r.err());
        assertTrue(r.err().contains("random weights"), r.err());
        assertTrue(r.out().contains("input: pixels 0–255 × 0.003921569, then (x − mean) / std with mean [0.4914, 0.4822, 0.4465]"), r.out());
        assertTrue(r.out().contains("MC dropout: 6 of 82 nodes run once per image"), r.out());
        assertTrue(r.out().contains("conv+bias+residual+relu ['layer1.0.conv2', 'layer1.0.add', 'layer1.0.relu2']"), r.out());
        assertTrue(r.out().contains("expand+dropout ['layer1.0.dropout']"), r.out());
        assertTrue(r.out().contains("global-pool ['avgpool'] -> 64"), r.out());

        Run lenet = run("info");
        assertEquals(0, lenet.exit(), lenet.err());
        assertTrue(lenet.out().contains("conv+bias+dropout+pool ['conv2', 'dropout4', 'maxpool5'] -> 50x16, dropout 0.5 [mask 4]"), lenet.out());
        assertTrue(lenet.out().contains("expand+dropout+pool ['dropout1', 'maxpool2']"), lenet.out());
    }

    @Test
    void graphFilesRunAndInfoJsonIsTheirGraph() throws Exception {
        GraphModel nin = GraphPresets.random("cifar-nin", 3);
        Path file = dir.resolve("nin.safetensors");
        GraphModels.save(nin, file);
        Run json = run("info", "--model", file.toString(), "--json");
        assertEquals(0, json.exit(), json.err());
        GraphJson.Structure s = GraphJson.parse(json.out(), "info --json");
        assertEquals(nin.graph().nodes(), s.nodes());

        Run bench = run("bench", "--model", file.toString(), "--samples", "2", "--images", "2", "--batch", "2", "--warmup", "0", "--repeat", "1");
        assertEquals(0, bench.exit(), bench.err());
        assertTrue(bench.out().contains("median"), bench.out());
    }

    @Test
    void dropoutInsertsMcDropoutAfterNamedNodes() {
        Run none = run("info", "--model", "cifar-nin", "--dropout", "cccp5:0.3");
        assertEquals(0, none.exit(), none.err());
        assertTrue(none.out().contains("cccp5/mc_dropout"), none.out());
        assertTrue(none.out().contains("dropout 0.3"), none.out());

        Run unknown = run("info", "--model", "cifar-nin", "--dropout", "cccp55");
        assertEquals(2, unknown.exit(), unknown.out()); // the option's value is wrong: a usage error
        assertEquals(1, unknown.err().strip().lines().filter(l -> l.startsWith("mcdrop:") && l.contains("--dropout")).count(), unknown.err());
        assertTrue(unknown.err().contains("cccp5"), "names the closest node: " + unknown.err());
    }

    @Test
    void misusedOptionsAreOneLineUsageErrors() {
        for (List<String> args : List.of(
                List.of("info", "--model", "cifar-nin", "--mean", "0.5,0.5"),          // 2 values for 3 channels
                List.of("info", "--model", "cifar-nin", "--std", "1,0,1"),             // a zero std
                List.of("info", "--model", "cifar-nin", "--input-scale", "-1"),
                List.of("experiment", "uncertainty", "--model", "lenet-all", "--mean", "0.1"),
                List.of("experiment", "uncertainty", "--model", "cifar-nin"))) {
            Run r = run(args.toArray(String[]::new));
            assertEquals(2, r.exit(), args + ": " + r.err());
            assertTrue(r.err().lines().anyMatch(l -> l.startsWith("mcdrop:")), args + ": " + r.err());
            assertTrue(!r.err().contains("Exception") && !r.err().contains("\tat "), args + ": " + r.err());
        }
    }

    @Test
    void infoShowsAChainModelWithTheInputOptionsAndItsNodeNames() {
        Run r = run("info", "--model", "lenet-all", "--std", "2");
        assertEquals(0, r.exit(), r.err());
        assertTrue(r.out().contains("layer 1 (dropout p=0.5)"), r.out());
        assertTrue(r.out().contains("input: pixels 0–255 × 0.00390625, then (x − mean) / std with mean 0 and std [2]"), r.out());
        assertTrue(r.out().contains("nodes (names for --dropout): ['conv1', 'dropout1', 'maxpool2'"), r.out());
    }

    @Test
    void meanAndStdChangeWhatTheModelSees() {
        Run plain = run("info", "--model", "cifar-nin");
        Run normalized = run("info", "--model", "cifar-nin", "--input-scale", "1", "--mean", "125,123,114", "--std", "63,62,66.5");
        assertEquals(0, plain.exit(), plain.err());
        assertEquals(0, normalized.exit(), normalized.err());
        assertTrue(plain.out().contains("input: pixels 0–255 × 0.003921569\n"), plain.out());
        assertTrue(normalized.out().contains("input: pixels 0–255, then (x − mean) / std with mean [125, 123, 114] and std [63, 62, 66.5]"),
                normalized.out());
    }

}
