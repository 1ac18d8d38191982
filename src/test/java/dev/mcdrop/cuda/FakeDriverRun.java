package dev.mcdrop.cuda;

import static jcuda.driver.JCudaDriver.cuCtxSynchronize;
import static jcuda.driver.JCudaDriver.cuMemAllocHost;
import static jcuda.driver.JCudaDriver.cuMemFreeHost;
import static jcuda.driver.JCudaDriver.cuMemcpyDtoH;
import static jcuda.driver.JCudaDriver.cuMemcpyDtoHAsync;
import static jcuda.driver.JCudaDriver.cuMemcpyHtoDAsync;
import static jcuda.driver.JCudaDriver.cuMemsetD32Async;
import static jcuda.driver.JCudaDriver.cuStreamCreate;
import static jcuda.driver.JCudaDriver.cuStreamDestroy;
import static jcuda.driver.JCudaDriver.cuStreamSynchronize;

import dev.mcdrop.backend.Backend;
import dev.mcdrop.backend.Buffer;
import dev.mcdrop.cpu.CpuBackend;
import dev.mcdrop.data.Idx;
import dev.mcdrop.data.LabeledImages;
import dev.mcdrop.model.Weights;
import dev.mcdrop.model.WeightsFile;
import dev.mcdrop.predict.ImagePrediction;
import dev.mcdrop.predict.MaskKeying;
import dev.mcdrop.predict.McOptions;
import dev.mcdrop.predict.McPredictor;
import java.io.PrintWriter;
import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.SymbolLookup;
import java.lang.foreign.ValueLayout;
import java.lang.invoke.MethodHandle;
import java.nio.ByteOrder;
import java.nio.FloatBuffer;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import jcuda.Pointer;
import jcuda.driver.CUresult;
import org.junit.platform.engine.TestExecutionResult;
import org.junit.platform.engine.discovery.DiscoverySelectors;
import org.junit.platform.launcher.Launcher;
import org.junit.platform.launcher.LauncherDiscoveryRequest;
import org.junit.platform.launcher.TestExecutionListener;
import org.junit.platform.launcher.TestIdentifier;
import org.junit.platform.launcher.core.LauncherDiscoveryRequestBuilder;
import org.junit.platform.launcher.core.LauncherFactory;
import org.junit.platform.launcher.listeners.SummaryGeneratingListener;
import org.junit.platform.launcher.listeners.TestExecutionSummary;

/**
 * The child JVM of {@link FakeDriverTest}: started with the fake libcuda.so.1 first on
 * LD_LIBRARY_PATH and {@code -Dmcdrop.cublas=<fake libcublas>} (src/test/c/fake_cuda/), it
 * <ol>
 *   <li>checks that the CUDA backend really opened the fake (device name, cuBLAS path), and that
 *       the fake is honest: bad launch geometry, a pointer argument outside device memory, an async
 *       copy from pageable memory and an unimplemented driver call all fail; device memory is not
 *       zeroed; queued work does not run before something waits for it;</li>
 *   <li>runs {@link CudaBackendTest}, {@link CudaGraphOpsTest} and {@link CudaGraphPlanTest} through the JUnit Platform launcher;</li>
 *   <li>predicts a few bundled MNIST test images with lenet-all (T = 4, several batches and
 *       chunks) on the CUDA backend, with cuBLAS and with the built-in GEMM kernel, and on the CPU
 *       backend, and requires the same mean and standard probabilities within 1e-5;</li>
 *   <li>runs those predictions again with the fake's blocks and threads in reverse order and requires
 *       the same bits: an output that depends on the order of a block's threads between barriers, or
 *       of the blocks, is a race;</li>
 *   <li>makes the fake a CUDA 12.0 driver (which JIT-compiles PTX up to ISA 8.0 and on which the
 *       fake cuBLAS 13 refuses to start): the backend must load its PTX, fall back from cuBLAS 13 to
 *       the cuBLAS 12 beside it and predict as before; as a CUDA 11.8 driver it must refuse with one
 *       clear line;</li>
 *   <li>requires that the fake reported no failed check while doing all that.</li>
 * </ol>
 * Prints "FAKE-DRIVER junit ..." (the counts FakeDriverTest checks) and, when everything passed,
 * "FAKE-DRIVER ok"; exits non-zero on any failure, skip or abort.
 */
public final class FakeDriverRun {
    private static final String DEVICE = "mcdrop fakecuda (CPU emulation)";
    private static final double TOLERANCE = 1e-5;
    private static final List<String> problems = new ArrayList<>();

    private FakeDriverRun() {}

    public static void main(String[] args) throws Throwable {
        long start = System.nanoTime();
        Fake fake = Fake.find();
        selfChecks(fake);
        int errorsBefore = fake.errors();
        long selfChecked = System.nanoTime();
        runCudaBackendTest();
        long tested = System.nanoTime();
        comparePredictions();
        long predicted = System.nanoTime();
        System.out.printf(Locale.ROOT, "FAKE-DRIVER seconds: self-checks %.1f, CudaBackendTest %.1f, predictions %.1f%n",
                (selfChecked - start) / 1e9, (tested - selfChecked) / 1e9, (predicted - tested) / 1e9);
        int newErrors = fake.errors() - errorsBefore;
        if (newErrors != 0) problems.add("the fake driver reported " + newErrors + " failed check(s): see the fakecuda: lines above");
        FakeDriverScenarios.sixteenBitConvolutions();
        FakeDriverScenarios.scheduleInvariance(fake);
        FakeDriverScenarios.olderDrivers(fake); // provokes and counts its own failure
        FakeDriverScenarios.unusableCublasPath();
        FakeDriverScenarios.outOfDeviceMemory(fake);
        System.out.printf(Locale.ROOT, "FAKE-DRIVER stats kernels=%d liveDeviceBytes=%d%n", fake.kernelsRun(), fake.liveDeviceBytes());
        if (fake.kernelsRun() == 0) problems.add("no kernel ran on the fake driver");
        // The fake is a compute 9.0 device: every module is first offered as sm_90 machine code, which
        // the fake refuses like a driver for another GPU, so each load also proves the fallback to PTX.
        check(fake.cubinsRefused() > 0, "sm_90 cubins were offered and refused " + fake.cubinsRefused() + " times; the PTX fallback ran");
        if (problems.isEmpty()) {
            System.out.println("FAKE-DRIVER ok");
            System.exit(0);
        }
        problems.forEach(p -> System.out.println("FAKE-DRIVER problem: " + p));
        System.exit(1);
    }

    /** The fake's own counters (FFM: libcuda.so.1 is already loaded by JCuda; this finds the same library). */
    record Fake(MethodHandle errorsHandle, MethodHandle kernelsHandle, MethodHandle liveHandle, MethodHandle cubinsHandle,
                        MethodHandle driverVersionHandle, MethodHandle reverseHandle, MethodHandle totalBytesHandle) {
        @SuppressWarnings("restricted")
        static Fake find() {
            SymbolLookup lib = SymbolLookup.libraryLookup("libcuda.so.1", Arena.global());
            Linker linker = Linker.nativeLinker();
            java.util.function.Function<String, MethodHandle> bind = name -> linker.downcallHandle(
                    lib.find(name).orElseThrow(() -> new IllegalStateException("libcuda.so.1 on this JVM's path is not the fake driver (no " + name + ")")),
                    FunctionDescriptor.of(name.equals("fakecuda_errors") || name.equals("fakecuda_cubins_refused")
                            ? ValueLayout.JAVA_INT : ValueLayout.JAVA_LONG));
            MethodHandle setVersion = linker.downcallHandle(lib.find("fakecuda_set_driver_version").orElseThrow(),
                    FunctionDescriptor.ofVoid(ValueLayout.JAVA_INT));
            return new Fake(bind.apply("fakecuda_errors"), bind.apply("fakecuda_kernels_run"), bind.apply("fakecuda_live_device_bytes"),
                    bind.apply("fakecuda_cubins_refused"), setVersion,
                    linker.downcallHandle(lib.find("fakecuda_set_reverse_schedule").orElseThrow(), FunctionDescriptor.ofVoid(ValueLayout.JAVA_INT)),
                    linker.downcallHandle(lib.find("fakecuda_set_total_bytes").orElseThrow(), FunctionDescriptor.ofVoid(ValueLayout.JAVA_LONG)));
        }

        /** Blocks and threads last to first (true) or first to last. */
        void setReverseSchedule(boolean on) throws Throwable { reverseHandle.invokeExact(on ? 1 : 0); }

        /** What cuDriverGetVersion says from now on (and so the newest PTX the fake loads). */
        void setDriverVersion(int version) throws Throwable { driverVersionHandle.invokeExact(version); }

        /** The fake device's memory from now on (8 GiB at load). */
        void setTotalBytes(long bytes) throws Throwable { totalBytesHandle.invokeExact(bytes); }

        int cubinsRefused() throws Throwable { return (int) cubinsHandle.invokeExact(); }

        int errors() throws Throwable { return (int) errorsHandle.invokeExact(); }

        long kernelsRun() throws Throwable { return (long) kernelsHandle.invokeExact(); }

        long liveDeviceBytes() throws Throwable { return (long) liveHandle.invokeExact(); }
    }

    static void check(boolean ok, String what) {
        System.out.println((ok ? "  ok   " : "  FAIL ") + what);
        if (!ok) problems.add(what);
    }

    private static void expectFailure(String what, Runnable call) {
        try {
            call.run();
            check(false, what + " must fail");
        } catch (CudaOpException e) {
            check(true, what + " fails: " + e.getMessage());
        }
    }

    private static void selfChecks(Fake fake) throws Throwable {
        System.out.println("FAKE-DRIVER self-checks (the 7 \"fakecuda:\" lines here are provoked on purpose)");
        int before = fake.errors();
        int expectedErrors = 0;
        try (CudaBackend cuda = CudaBackend.open(CudaOptions.defaults())) {
            String describe = cuda.describe();
            System.out.println("  " + describe);
            check(describe.contains(DEVICE), "the backend runs on the fake driver");
            check(describe.contains("kernels: PTX, JIT-compiled by the driver"), "the backend says it fell back to PTX: " + describe);
            String cublas = System.getProperty("mcdrop.cublas");
            check(cublas != null && cuda.usesCublas() && describe.contains("(" + cublas + ")"), "cuBLAS is the fake at -Dmcdrop.cublas=" + cublas);

            Cuda.Stream stream = new Cuda.Stream();
            Cuda.check(cuStreamCreate(stream, 0), "create stream");
            PtxModules modules = new PtxModules(9, 0);
            DriverLauncher launcher = new DriverLauncher(modules, stream);
            Buffer buffer = cuda.allocate(64);
            CudaBuffer b = (CudaBuffer) buffer;
            long address = b.address(0);
            KernelArgs flatten = KernelSignatures.args("im2col/flatten").set("in", address).set("out", address).set("channels", 1)
                    .set("columns", 1).set("plane", 8);
            launcher.launch("im2col/flatten", 1, 1, 32, 1, flatten, "a valid launch");
            expectFailure("a block of 1025 threads", () -> launcher.launch("im2col/flatten", 1, 1, 1025, 1, flatten, "flatten"));
            expectFailure("a grid of 0 blocks", () -> launcher.launch("im2col/flatten", 0, 1, 32, 1, flatten, "flatten"));
            expectFailure("a grid 65536 blocks high", () -> launcher.launch("im2col/flatten", 1, 65536, 32, 1, flatten, "flatten"));
            KernelArgs gemm = KernelSignatures.args("gemm/sgemm_nn").set("m", 1).set("n", 1).set("k", 1).set("A", address)
                    .set("B", address).set("beta", 0f).set("C", address);
            expectFailure("a 512-thread block for a kernel with .maxntid 256", () -> launcher.launch("gemm/sgemm_nn", 1, 1, 32, 16, gemm, "sgemm"));
            flatten.set("out", 4096L);
            expectFailure("a pointer argument outside device memory", () -> launcher.launch("im2col/flatten", 1, 1, 32, 1, flatten, "flatten"));
            expectedErrors += 5;

            int r = cuCtxSynchronize();
            check(r != CUresult.CUDA_SUCCESS, "an unimplemented driver call (cuCtxSynchronize) fails: " + CUresult.stringFor(r));
            r = cuMemcpyHtoDAsync(b.pointer, Pointer.to(new float[4]), 16, stream);
            check(r != CUresult.CUDA_SUCCESS, "an async copy from pageable memory fails: " + CUresult.stringFor(r));
            expectedErrors += 2;

            float[] fresh = new float[64];
            Buffer other = cuda.allocate(64);
            Cuda.check(cuMemcpyDtoH(Pointer.to(fresh), ((CudaBuffer) other).pointer, 256), "read fresh memory");
            check(Float.floatToRawIntBits(fresh[0]) == -1 && Float.floatToRawIntBits(fresh[63]) == -1, "fresh device memory is not zeroed");
            other.close();

            Pointer host = new Pointer();
            Cuda.check(cuMemAllocHost(host, 256), "pinned block");
            FloatBuffer pinned = host.getByteBuffer(0, 256).order(ByteOrder.nativeOrder()).asFloatBuffer();
            Cuda.check(cuMemsetD32Async(b.pointer, 0, 64, stream), "memset");
            Cuda.check(cuMemcpyDtoHAsync(host, b.pointer, 256, stream), "async download");
            boolean lazy = Float.floatToRawIntBits(pinned.get(0)) == -1;
            Cuda.check(cuStreamSynchronize(stream), "synchronize");
            check(lazy && pinned.get(0) == 0f && pinned.get(63) == 0f, "queued work runs only when the host waits for it");
            Cuda.check(cuMemFreeHost(host), "free pinned block");

            buffer.close();
            modules.close();
            Cuda.check(cuStreamDestroy(stream), "destroy stream");
        }
        int got = fake.errors() - before;
        check(got == expectedErrors, "the fake counted exactly the " + expectedErrors + " provoked failures (got " + got + ")");
    }

    /** The backend's test classes the child runs; FakeDriverTest requires every test of each to run and pass. */
    static final List<Class<?>> BACKEND_TESTS = List.of(CudaBackendTest.class, CudaGraphOpsTest.class, CudaGraphPlanTest.class);

    private static void runCudaBackendTest() {
        System.out.println("FAKE-DRIVER CudaBackendTest");
        LauncherDiscoveryRequest request = LauncherDiscoveryRequestBuilder.request()
                .selectors(BACKEND_TESTS.stream().map(DiscoverySelectors::selectClass).toList()).build();
        Launcher launcher = LauncherFactory.create();
        SummaryGeneratingListener summary = new SummaryGeneratingListener();
        TestExecutionListener printer = new TestExecutionListener() {
            @Override
            public void executionSkipped(TestIdentifier id, String reason) {
                System.out.println("  SKIPPED " + id.getDisplayName() + ": " + reason);
            }

            @Override
            public void executionFinished(TestIdentifier id, TestExecutionResult result) {
                if (!id.isTest() && result.getStatus() == TestExecutionResult.Status.SUCCESSFUL) return;
                System.out.println("  " + result.getStatus() + " " + id.getDisplayName()
                        + result.getThrowable().map(t -> ": " + t).orElse(""));
            }
        };
        long start = System.nanoTime();
        launcher.execute(request, summary, printer);
        TestExecutionSummary s = summary.getSummary();
        s.printFailuresTo(new PrintWriter(System.out, true), 20);
        System.out.printf(Locale.ROOT, "FAKE-DRIVER junit found=%d started=%d succeeded=%d failed=%d aborted=%d skipped=%d containersFailed=%d seconds=%.1f%n",
                s.getTestsFoundCount(), s.getTestsStartedCount(), s.getTestsSucceededCount(), s.getTestsFailedCount(),
                s.getTestsAbortedCount(), s.getTestsSkippedCount(), s.getContainersFailedCount(), (System.nanoTime() - start) / 1e9);
        boolean allPassed = s.getTestsFoundCount() > 0 && s.getTestsSucceededCount() == s.getTestsFoundCount()
                && s.getTestsFailedCount() == 0 && s.getTestsAbortedCount() == 0 && s.getTestsSkippedCount() == 0
                && s.getContainersFailedCount() == 0;
        if (!allPassed) problems.add("CudaBackendTest / CudaGraphOpsTest / CudaGraphPlanTest did not pass completely on the fake driver");
    }

    private static void comparePredictions() throws Exception {
        System.out.println("FAKE-DRIVER prediction");
        Weights weights = lenetAll();
        LabeledImages images = firstImages(7);
        // T = 4; batches of 3 (two in flight, a short last one); a budget that splits the 12 pairs of a batch into chunks
        McOptions options = McOptions.defaults().withSamples(4).withBatch(3).withMemory(2_000_000);
        ImagePrediction[] cpu = onCpu(weights, images, options);
        for (boolean cublas : new boolean[]{true, false}) {
            try (CudaBackend backend = CudaBackend.open(CudaOptions.defaults().withCublas(cublas))) {
                ImagePrediction[] gpu = predict(backend, weights, images, options);
                compare(cublas ? "cuda (fake cuBLAS)" : "cuda (built-in GEMM)", gpu, cpu);
            }
        }
        try (CudaBackend backend = CudaBackend.open(CudaOptions.defaults().withConv(ConvAlgorithm.IMPLICIT))) {
            compare("cuda (implicit-GEMM convolutions)", predict(backend, weights, images, options), cpu);
        }
        // the other mask keyings (the default is content keys): the device reads the same key table
        for (MaskKeying keying : new MaskKeying[]{MaskKeying.POSITION, MaskKeying.SHARED}) {
            McOptions keyed = options.withMaskKey(keying);
            try (CudaBackend backend = CudaBackend.open(CudaOptions.defaults())) {
                compare("cuda with --mask-key " + keying.option(), predict(backend, weights, images, keyed), onCpu(weights, images, keyed));
            }
        }
        // FP16 tensor-core convolutions (and FP16 dense GEMMs): rounding to 11-bit significands moves probabilities by ~1e-3
        try (CudaBackend backend = CudaBackend.open(CudaOptions.defaults().withConv(ConvAlgorithm.IMPLICIT)
                .withGemmPrecision(GemmPrecision.FP16))) {
            compare("cuda (implicit FP16 tensor-core convolutions)", predict(backend, weights, images, options), cpu, 1e-2);
        }
        // Every pass's probabilities, copied out chunk by chunk (predict --samples-out)
        float[][] cpuSamples, gpuSamples;
        try (Backend backend = new CpuBackend(2)) {
            cpuSamples = samples(backend, weights, images, options);
        }
        try (CudaBackend backend = CudaBackend.open(CudaOptions.defaults())) {
            gpuSamples = samples(backend, weights, images, options);
        }
        double worstSample = 0;
        for (int r = 0; r < cpuSamples.length; r++) worstSample = Math.max(worstSample, maxDifference(gpuSamples[r], cpuSamples[r]));
        check(worstSample <= TOLERANCE, String.format(Locale.ROOT,
                "cuda per-sample probabilities match the CPU's: largest difference %.2e over %d passes", worstSample, cpuSamples.length));
        // A convergence run: T = 1..4 snapshots per batch, two batches in flight = 10 downloads outstanding,
        // more than the 6 pinned blocks PinnedStaging starts with. Every prefix must equal the CPU's.
        int[] ts = {1, 2, 3, 4};
        ImagePrediction[][] cpuPrefixes, gpuPrefixes;
        try (Backend backend = new CpuBackend(2); McPredictor p = new McPredictor(backend, weights, options)) {
            cpuPrefixes = p.predictPrefixes(images, ts, null);
        }
        try (CudaBackend backend = CudaBackend.open(CudaOptions.defaults());
             McPredictor p = new McPredictor(backend, weights, options)) {
            gpuPrefixes = p.predictPrefixes(images, ts, null);
        }
        for (int k = 0; k < ts.length; k++) compare("cuda prefixes, T=" + ts[k], gpuPrefixes[k], cpuPrefixes[k]);
    }

    /** The bundled lenet-all. */
    static Weights lenetAll() throws java.io.IOException {
        return WeightsFile.load(Path.of("models/lenet-all.safetensors"));
    }

    /** The first {@code n} bundled MNIST test images. */
    static LabeledImages firstImages(int n) throws java.io.IOException {
        return Idx.read(Path.of("test-data/mnist/t10k-images-first1000-idx3-ubyte.gz"),
                Path.of("test-data/mnist/t10k-labels-first1000-idx1-ubyte.gz")).slice(0, n);
    }

    /** The CPU backend's predictions, the answers every CUDA configuration is held to. */
    static ImagePrediction[] onCpu(Weights weights, LabeledImages images, McOptions options) {
        try (Backend backend = new CpuBackend(2)) {
            return predict(backend, weights, images, options);
        }
    }

    /** [t·N + i][k]: every pass's class probabilities through a SampleSink. */
    static float[][] samples(Backend backend, Weights weights, LabeledImages images, McOptions options) {
        int n = images.count();
        float[][] out = new float[options.samples() * n][];
        try (McPredictor predictor = new McPredictor(backend, weights, options)) {
            predictor.predict(images, null, (pairs, columns, classes, probs) -> {
                for (int c = 0; c < columns; c++) {
                    float[] row = new float[classes];
                    for (int k = 0; k < classes; k++) row[k] = probs[k * columns + c];
                    out[(int) (pairs.sampleOf(c) * n + pairs.imageOf(c))] = row;
                }
            });
        }
        return out;
    }

    static ImagePrediction[] predict(Backend backend, Weights weights, LabeledImages images, McOptions options) {
        long start = System.nanoTime();
        try (McPredictor predictor = new McPredictor(backend, weights, options)) {
            ImagePrediction[] out = predictor.predict(images, null);
            System.out.printf(Locale.ROOT, "  %s: batches of %d images, chunks of %d columns, %.1f s%n",
                    backend.name(), predictor.batchImages(), predictor.chunkColumns(), (System.nanoTime() - start) / 1e9);
            return out;
        }
    }

    static void compare(String what, ImagePrediction[] gpu, ImagePrediction[] cpu) {
        compare(what, gpu, cpu, TOLERANCE);
    }

    static void compare(String what, ImagePrediction[] gpu, ImagePrediction[] cpu, double tolerance) {
        double worst = 0;
        boolean sameClasses = true;
        for (int i = 0; i < cpu.length; i++) {
            worst = Math.max(worst, maxDifference(gpu[i].meanProbs(), cpu[i].meanProbs()));
            worst = Math.max(worst, maxDifference(gpu[i].standardProbs(), cpu[i].standardProbs()));
            worst = Math.max(worst, maxDifference(new float[]{(float) gpu[i].predictedStd()}, new float[]{(float) cpu[i].predictedStd()}));
            sameClasses &= gpu[i].predicted() == cpu[i].predicted() && gpu[i].standardPredicted() == cpu[i].standardPredicted();
        }
        check(worst <= tolerance && sameClasses, String.format(Locale.ROOT,
                "%s matches the CPU on %d images: largest probability or std difference %.2e (limit %.0e), same classes %b",
                what, cpu.length, worst, tolerance, sameClasses));
    }

    /** Largest |a - b|; infinite when a value is NaN or the lengths differ. */
    private static double maxDifference(float[] a, float[] b) {
        if (a.length != b.length) return Double.POSITIVE_INFINITY;
        double worst = 0;
        for (int i = 0; i < a.length; i++) {
            double d = Math.abs(a[i] - b[i]);
            worst = Double.isNaN(d) ? Double.POSITIVE_INFINITY : Math.max(worst, d);
        }
        return worst;
    }
}
