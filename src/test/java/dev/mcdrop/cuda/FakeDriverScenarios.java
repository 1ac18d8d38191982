package dev.mcdrop.cuda;

import static dev.mcdrop.cuda.FakeDriverRun.check;
import static dev.mcdrop.cuda.FakeDriverRun.compare;
import static dev.mcdrop.cuda.FakeDriverRun.predict;
import static dev.mcdrop.cuda.FakeDriverRun.samples;

import dev.mcdrop.backend.Buffer;
import dev.mcdrop.data.LabeledImages;
import dev.mcdrop.model.Weights;
import dev.mcdrop.predict.ImagePrediction;
import dev.mcdrop.predict.McOptions;
import java.nio.file.Path;
import java.util.Locale;
import jcuda.driver.CUresult;

/**
 * Scenarios {@link FakeDriverRun} plays on the fake driver beyond CudaBackendTest: the 16-bit
 * convolution inputs against cuBLAS's own rounding, race detection by running blocks and threads in
 * reverse order, drivers older than CUDA 13 (the fake's version knob) and a cuBLAS path that does not
 * load. Each prints "ok"/"FAIL" lines through {@link FakeDriverRun#check}.
 */
final class FakeDriverScenarios {
    private FakeDriverScenarios() {}

    /**
     * The 16-bit im2col path (to_half + im2col_half + cublasGemmEx with 16-bit inputs) must give
     * the bits of the FP32-input path (im2col + cublasGemmEx FAST_16F / FAST_16BF), where the fake
     * cuBLAS rounds the inputs itself: so the kernels round exactly as cuBLAS's reduced modes are
     * documented to (nearest, ties to even), and the 16-bit operands are laid out as cuBLAS reads them.
     */
    static void sixteenBitConvolutions() throws Exception {
        System.out.println("FAKE-DRIVER 16-bit convolution inputs");
        java.util.Random rnd = new java.util.Random(7);
        dev.mcdrop.backend.ConvGeometry g = new dev.mcdrop.backend.ConvGeometry(20, 12, 12, 50, 5, 5, 1, 0);
        int columns = 5;
        long n = (long) columns * g.outPlane(), k = g.patchSize();
        float[] in = new float[(int) (g.inChannels() * columns * g.inPlane())], w = new float[(int) (g.outChannels() * k)];
        for (int i = 0; i < in.length; i++) in[i] = (float) rnd.nextGaussian() * (i % 7 == 0 ? 1e-5f : 1f);
        for (int i = 0; i < w.length; i++) w[i] = (float) rnd.nextGaussian() * 0.1f;
        for (GemmPrecision precision : new GemmPrecision[] {GemmPrecision.FP16, GemmPrecision.BF16}) {
            try (CudaBackend cuda = CudaBackend.open(CudaOptions.defaults().withGemmPrecision(precision));
                 Buffer bin = cuda.allocate(in.length); Buffer bw = cuda.allocate(w.length);
                 Buffer scratch = cuda.allocate(k * n); Buffer out16 = cuda.allocate(g.outChannels() * n);
                 Buffer out32 = cuda.allocate(g.outChannels() * n)) {
                cuda.upload(in, 0, bin, 0, in.length);
                cuda.upload(w, 0, bw, 0, w.length);
                cuda.conv2d(bin, 0, g, columns, bw, scratch, out16, 0);                     // 16-bit storage
                cuda.im2col(bin, 0, g, columns, scratch, 0);                                // FP32 storage,
                cuda.gemm(false, false, g.outChannels(), (int) n, (int) k, bw, 0, scratch, 0, 0f, out32, 0); // cuBLAS rounds
                float[] a = new float[(int) (g.outChannels() * n)], b = new float[a.length];
                cuda.download(out16, 0, a, 0, a.length);
                cuda.download(out32, 0, b, 0, b.length);
                int differ = 0;
                for (int i = 0; i < a.length; i++) differ += Float.floatToRawIntBits(a[i]) != Float.floatToRawIntBits(b[i]) ? 1 : 0;
                check(differ == 0 && cuda.describe().contains("im2col stored as " + precision), String.format(Locale.ROOT,
                        "%s: 16-bit im2col + 16-bit GEMM inputs give the FP32-input %s GEMM's bits (%d of %d differ)",
                        precision, precision, differ, a.length));
            }
        }
    }

    /**
     * A GPU runs a block's threads, and the blocks, in no fixed order; the fake runs them first to
     * last, or last to first. A kernel that reads what another thread writes between the same two
     * barriers (or another block's output) gives different bits in the two orders. Every kernel of
     * the prediction path runs here: the default (im2col + cuBLAS, fused pooling), the built-in GEMM
     * and the implicit-GEMM convolution in FP32 and on FP16 tensor cores, each pass's probabilities,
     * the MC means and the standard pass.
     */
    static void scheduleInvariance(FakeDriverRun.Fake fake) throws Throwable {
        System.out.println("FAKE-DRIVER schedule invariance");
        Weights weights = FakeDriverRun.lenetAll();
        LabeledImages images = FakeDriverRun.firstImages(5);
        McOptions options = McOptions.defaults().withSamples(3).withBatch(3).withMemory(2_000_000);
        CudaOptions[] configs = {CudaOptions.defaults(), CudaOptions.defaults().withCublas(false),
                CudaOptions.defaults().withConv(ConvAlgorithm.IMPLICIT),
                CudaOptions.defaults().withConv(ConvAlgorithm.IMPLICIT).withGemmPrecision(GemmPrecision.FP16)};
        String[] names = {"im2col + cuBLAS", "built-in GEMM", "implicit-GEMM convolutions", "implicit FP16 tensor-core convolutions"};
        for (int c = 0; c < configs.length; c++) {
            int[][] bits = new int[2][];
            for (int order = 0; order < 2; order++) {
                fake.setReverseSchedule(order == 1);
                try (CudaBackend backend = CudaBackend.open(configs[c])) {
                    ImagePrediction[] predictions = predict(backend, weights, images, options);
                    float[][] passes = samples(backend, weights, images, options);
                    bits[order] = rawBits(predictions, passes);
                } finally {
                    fake.setReverseSchedule(false);
                }
            }
            int differ = 0;
            for (int i = 0; i < bits[0].length; i++) differ += bits[0][i] != bits[1][i] ? 1 : 0;
            check(bits[0].length == bits[1].length && differ == 0, String.format(Locale.ROOT,
                    "%s: the same bits in all %d outputs with blocks and threads in reverse order (%d differ)",
                    names[c], bits[0].length, differ));
        }
    }

    /** Every mean, standard and per-pass probability, as raw float bits. */
    private static int[] rawBits(ImagePrediction[] predictions, float[][] passes) {
        java.util.stream.IntStream.Builder out = java.util.stream.IntStream.builder();
        for (ImagePrediction p : predictions) {
            for (float v : p.meanProbs()) out.add(Float.floatToRawIntBits(v));
            for (float v : p.standardProbs()) out.add(Float.floatToRawIntBits(v));
        }
        for (float[] row : passes) for (float v : row) out.add(Float.floatToRawIntBits(v));
        return out.build().toArray();
    }

    /**
     * The kernels' PTX declares ISA 7.8, so a CUDA 12.0 driver loads it (the fake refuses PTX newer than
     * its driver version knows, as the real JIT does); below CUDA 12 the backend refuses up front.
     */
    static void olderDrivers(FakeDriverRun.Fake fake) throws Throwable {
        System.out.println("FAKE-DRIVER older drivers");
        int before = fake.errors();
        try {
            fake.setDriverVersion(11080);
            try (CudaBackend ignored = CudaBackend.open(CudaOptions.defaults())) {
                check(false, "a CUDA 11.8 driver must be refused");
            } catch (BackendUnavailableException e) {
                check(e.getMessage().contains("CUDA 11.8") && e.getMessage().contains("CUDA 12.0 or newer"),
                        "a CUDA 11.8 driver is refused: " + e.getMessage());
            }
            fake.setDriverVersion(12000);
            Weights weights = FakeDriverRun.lenetAll();
            LabeledImages images = FakeDriverRun.firstImages(3);
            McOptions options = McOptions.defaults().withSamples(3).withBatch(3);
            ImagePrediction[] cpu = FakeDriverRun.onCpu(weights, images, options);
            try (CudaBackend cuda = CudaBackend.open(CudaOptions.defaults())) {
                String describe = cuda.describe();
                System.out.println("  " + describe);
                check(describe.contains("CUDA 12.0") && describe.contains("kernels: PTX"), "the backend runs its PTX on a CUDA 12.0 driver");
                check(cuda.usesCublas() && describe.contains("(libcublas.so.12)"),
                        "cuBLAS 13 (-Dmcdrop.cublas) refuses a CUDA 12 driver; libcublas.so.12 takes over");
                compare("cuda on a CUDA 12.0 driver", predict(cuda, weights, images, options), cpu);
                // the fake's JIT really has a ceiling: ISA 9.0 (what nvcc 13 writes) is refused
                byte[] ptx90 = ".version 9.0\n.target sm_75\n.address_size 64\n.visible .entry k() { ret; }\n\0"
                        .getBytes(java.nio.charset.StandardCharsets.US_ASCII);
                jcuda.driver.CUmodule module = new jcuda.driver.CUmodule();
                int r = jcuda.driver.JCudaDriver.cuModuleLoadData(module, ptx90);
                check(r == CUresult.CUDA_ERROR_UNSUPPORTED_PTX_VERSION,
                        "a CUDA 12.0 driver refuses PTX ISA 9.0: " + CUresult.stringFor(r));
            }
        } finally {
            fake.setDriverVersion(13000);
        }
        int got = fake.errors() - before;
        check(got == 1, "the fake counted exactly the one provoked failure (PTX 9.0) (got " + got + ")");
    }

    /**
     * A cuBLAS named by path that does not load is passed over for the next candidate (here the fake at
     * -Dmcdrop.cublas), and the backend's warning says which and why; with nothing passed over there is
     * no warning.
     */
    static void unusableCublasPath() throws Exception {
        System.out.println("FAKE-DRIVER unusable cuBLAS path");
        // --backend auto with a working (fake) GPU: the CUDA backend, said in one line
        var log = new dev.mcdrop.RecordingLogger();
        try (var auto = dev.mcdrop.Backends.open("auto", 0, CudaOptions.defaults(), log)) {
            var said = log.messages();
            check(auto instanceof CudaBackend && said.size() == 1 && said.get(0).startsWith("backend cuda (cuda: mcdrop fakecuda"),
                    "--backend auto picks the working GPU and says so: " + said);
        }
        Path broken = Path.of("target/fake-cuda/broken/libcublas.so.13");
        java.nio.file.Files.createDirectories(broken.getParent());
        java.nio.file.Files.writeString(broken, "not a shared library");
        String property = System.getProperty("mcdrop.cublas");
        try (CudaBackend cuda = CudaBackend.open(CudaOptions.defaults().withCublasPath(broken.toString()))) {
            String warning = cuda.warning().orElse("");
            System.out.println("  warning: " + warning);
            check(cuda.usesCublas() && cuda.describe().contains("(" + property + ")"), "the next candidate serves: " + cuda.describe());
            check(warning.contains("the cuBLAS asked for is unusable") && warning.contains(broken + " (exists but does not load"),
                    "the warning names the unusable path and why");
        }
        try (CudaBackend cuda = CudaBackend.open(CudaOptions.defaults())) {
            check(cuda.warning().isEmpty(), "no warning when the cuBLAS asked for serves: " + cuda.warning());
        }
    }

    /**
     * Running out of device memory half-way through building a predictor gives one clear message,
     * frees what was allocated before the failure (the fake counts live device bytes), and leaves the
     * backend usable: a predictor sized from the free memory then gives the CPU's answers.
     */
    static void outOfDeviceMemory(FakeDriverRun.Fake fake) throws Throwable {
        System.out.println("FAKE-DRIVER out of device memory");
        Weights weights = FakeDriverRun.lenetAll();
        LabeledImages images = FakeDriverRun.firstImages(3);
        McOptions small = McOptions.defaults().withSamples(3).withBatch(3);
        ImagePrediction[] cpu = FakeDriverRun.onCpu(weights, images, small);
        try {
            fake.setTotalBytes(96L << 20); // a 96 MB GPU; B = 1000 images' once-per-image buffers alone need ~150 MB
            try (CudaBackend cuda = CudaBackend.open(CudaOptions.defaults())) {
                long before = fake.liveDeviceBytes();
                try (var ignored = new dev.mcdrop.predict.McPredictor(cuda, weights, McOptions.defaults().withMemory(512L << 20))) {
                    check(false, "a 512 MB workspace on a 96 MB GPU must fail");
                } catch (CudaOpException e) {
                    check(e.getMessage().contains("out of device memory") && e.getMessage().contains("MiB free")
                                    && e.getMessage().contains("--memory"),
                            "one clear message: " + e.getMessage());
                }
                long after = fake.liveDeviceBytes();
                check(after == before, "the failed predictor freed its device memory (" + before + " bytes live before, " + after + " after)");
                compare("cuda after running out of memory", predict(cuda, weights, images, small), cpu);
            }
        } finally {
            fake.setTotalBytes(8L << 30);
        }
    }
}
