package dev.mcdrop.predict;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.mcdrop.backend.Backend;
import dev.mcdrop.backend.ReferenceBackend;
import dev.mcdrop.cpu.CpuBackend;
import dev.mcdrop.model.Architecture;
import dev.mcdrop.model.ArchitectureJson;
import dev.mcdrop.model.Weights;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Proxy;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

/**
 * Issue 13, class 9: every plan honours the memory budget or refuses, with and without dropout.
 * Before the fix a network without dropout sized nothing from the budget: a 1 MiB budget gave a
 * plan of one image whose activations alone took 16 MiB (a 648-byte model took 7 GB with
 * {@code --memory 1}). Checked by what the plan allocates on the backend, not by timing.
 */
class MemoryBudgetTest {
    private static final long MIB = 1 << 20;

    /** 1×512×512 → conv 8 (8 MiB of activations per image) → avgpool 64 → 8×8×8 → dense 2; with or without a dropout. */
    private static Architecture wide(boolean dropout) {
        return ArchitectureJson.parse("""
                {"name": "wide", "input": {"channels": 1, "height": 512, "width": 512, "scale": 0.00390625},
                 "layers": [{"type": "conv2d", "name": "c", "filters": 8, "kernel": 3, "padding": 1}, {"type": "relu"},
                            %s{"type": "avgpool", "kernel": 64}, {"type": "flatten"},
                            {"type": "dense", "name": "out", "units": 2}]}""".formatted(dropout ? "{\"type\": \"dropout\", \"p\": 0.5}, " : ""),
                "wide.json");
    }

    /** A backend that counts the elements every allocate() asks for. */
    private static Backend counting(Backend inner, AtomicLong elements) {
        return (Backend) Proxy.newProxyInstance(Backend.class.getClassLoader(), new Class<?>[]{Backend.class}, (proxy, m, args) -> {
            if (m.getName().equals("allocate")) elements.addAndGet((Long) args[0]);
            try {
                return m.invoke(inner, args);
            } catch (InvocationTargetException e) {
                throw e.getCause();
            }
        });
    }

    @Test
    void aBudgetTooSmallForTheSmallestPlanIsRefusedWithWhatItNeeds() {
        for (boolean dropout : new boolean[]{false, true}) {
            Weights w = TestNets.randomWeights(wide(dropout), 1);
            for (Backend backend : new Backend[]{new ReferenceBackend(), new CpuBackend(1)}) {
                try (backend) {
                    var e = assertThrows(IllegalArgumentException.class,
                            () -> new McPredictor(backend, w, new McOptions(4, 1, 10, MIB)).close(),
                            "dropout " + dropout + " on " + backend.name() + ": a 1 MiB budget must be refused");
                    assertTrue(e.getMessage().contains("1.0 MiB") && e.getMessage().contains("smallest plan")
                            && e.getMessage().contains("needs"), e.getMessage());
                }
            }
        }
    }

    @Test
    void everyPlanStaysWithinItsBudget() {
        TestNets.Images images = TestNets.Images.random(wide(false).input(), 5, 3);
        for (boolean dropout : new boolean[]{false, true}) {
            Weights w = TestNets.randomWeights(wide(dropout), 1);
            // not part of a plan: the weights, and the zero bias of the widest layer (GraphPlan)
            long weights = w.network().parameterCount()
                    + w.network().stages().stream().mapToLong(s -> s.out().channels()).max().orElseThrow();
            for (long budget : new long[]{64 * MIB, 160 * MIB}) {
                AtomicLong allocated = new AtomicLong();
                Backend backend = counting(new ReferenceBackend(), allocated);
                try (McPredictor p = new McPredictor(backend, w, new McOptions(4, 1, 10, budget))) {
                    String what = "dropout " + dropout + ", budget " + budget / MIB + " MiB: batch " + p.batchImages()
                            + ", chunk " + p.chunkColumns() + ", workspace " + p.workspaceBytes();
                    assertTrue(p.workspaceBytes() <= budget, what);
                    // what the plan really allocated (beyond the weights and the zero bias) is what it counted
                    long planBytes = 4 * (allocated.get() - weights);
                    assertTrue(planBytes <= p.workspaceBytes(), what + ", allocated " + planBytes);
                    assertTrue(p.batchImages() >= 1 && p.batchImages() < 10, what);
                    assertEquals(5, p.predict(images).length);
                }
            }
            // the CPU backend's convolution keeps per-column index tables: they count as well
            try (CpuBackend cpu = new CpuBackend(1); McPredictor p = new McPredictor(cpu, w, new McOptions(4, 1, 10, 40 * MIB))) {
                assertTrue(p.workspaceBytes() <= 40 * MIB, "cpu workspace " + p.workspaceBytes());
                // per image at least: the input and the convolution's 8 channels, live together, and its index tables
                assertTrue(p.workspaceBytes() >= p.batchImages() * (4L * (1 + 8) * 512 * 512 + 12L * 512 * 512),
                        "cpu workspace " + p.workspaceBytes() + " for a batch of " + p.batchImages());
            }
        }
    }
}
