package dev.mcdrop.cuda;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.mcdrop.backend.Backend;
import dev.mcdrop.cpu.CpuBackend;
import dev.mcdrop.graph.GraphModel;
import dev.mcdrop.graph.GraphPresets;
import dev.mcdrop.graph.InputTransform;
import dev.mcdrop.model.Shape;
import dev.mcdrop.onnx.OnnxModels;
import dev.mcdrop.predict.ImagePrediction;
import dev.mcdrop.predict.ImageSource;
import dev.mcdrop.predict.McOptions;
import dev.mcdrop.predict.McPredictor;
import java.nio.file.Path;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * Whole compiled graphs on {@link CudaBackend} against the CPU backend: the PyTorch fixture (folded
 * BatchNorm, a residual Add fused into a convolution's epilogue, 1×1 conv, global pooling, two
 * dropouts) and ResNet-20 with dropout in every block, MC over several samples. The masks are the
 * same bits on both (Philox keyed alike), so every per-sample probability agrees to float rounding.
 * Runs where a GPU is and, in every build, on the fake driver (FakeDriverRun lists it); skipped with
 * the reason elsewhere.
 */
class CudaGraphPlanTest {
    private static ImageSource random(Shape shape, int count, long seed) {
        Random r = new Random(seed);
        float[] px = new float[(int) (shape.elements() * count)];
        for (int i = 0; i < px.length; i++) px[i] = r.nextInt(256);
        return new ImageSource() {
            @Override public int count() { return count; }

            @Override public Shape imageShape() { return shape; }

            @Override public void copyCnhw(int from, int n, float scale, float[] dst, int dstOffset) {
                int plane = shape.plane();
                for (int c = 0; c < shape.channels(); c++)
                    for (int i = 0; i < n; i++)
                        for (int j = 0; j < plane; j++) {
                            dst[dstOffset + (c * n + i) * plane + j] = px[(int) ((from + i) * shape.elements() + c * plane + j)] * scale;
                        }
            }
        };
    }

    private static ImagePrediction[] predict(Backend backend, GraphModel model, ImageSource images, McOptions o) {
        try (McPredictor p = new McPredictor(backend, model, o)) {
            return p.predict(images);
        }
    }

    private static void agree(GraphModel model, int images, int samples) {
        CudaBackend cuda;
        try {
            cuda = CudaBackend.open(CudaOptions.defaults());
        } catch (BackendUnavailableException e) {
            assumeTrue(false, "CUDA backend unavailable: " + e.getMessage());
            return;
        }
        ImageSource source = random(model.input(), images, 11);
        McOptions o = new McOptions(samples, 5, 3, 0);
        ImagePrediction[] gpu, cpu;
        try (cuda; CpuBackend c = new CpuBackend(2)) {
            gpu = predict(cuda, model, source, o);
            cpu = predict(c, model, source, o);
        }
        for (int i = 0; i < images; i++) {
            for (int k = 0; k < model.classes(); k++) {
                assertEquals(cpu[i].meanProbs()[k], gpu[i].meanProbs()[k], 2e-5, model.name() + " image " + i + " class " + k + ": MC mean");
                assertEquals(cpu[i].standardProbs()[k], gpu[i].standardProbs()[k], 2e-5, model.name() + " image " + i + " class " + k + ": standard");
            }
            assertEquals(cpu[i].variationRatio(), gpu[i].variationRatio(), 1e-9, model.name() + " image " + i + ": votes (the same masks)");
        }
    }

    @Test
    void thePyTorchFixtureRunsAlikeOnCudaAndCpu() throws Exception {
        GraphModel m = OnnxModels.load(Path.of("test-data/pytorch/resnet-mc.onnx")).withTransform(InputTransform.scale(1f / 255));
        agree(m, 5, 6);
    }

    @Test
    void resnet20WithDropoutRunsAlikeOnCudaAndCpu() {
        agree(GraphPresets.random("cifar-resnet20-mc", 2), 2, 3);
    }
}
