package dev.mcdrop.cuda;

import static org.junit.jupiter.api.Assertions.*;
import static org.junit.jupiter.api.Assumptions.assumeFalse;

import java.lang.foreign.Arena;
import java.lang.foreign.SymbolLookup;
import org.junit.jupiter.api.Test;

/**
 * On a machine without the NVIDIA driver, {@link CudaBackend#open} fails cleanly with a one-line
 * reason instead of crashing in JCuda's native loader. Skipped where libcuda.so.1 exists.
 */
class CudaUnavailableTest {

    @SuppressWarnings("restricted")
    private static boolean driverPresent() {
        try (Arena arena = Arena.ofConfined()) {
            SymbolLookup.libraryLookup("libcuda.so.1", arena);
            return true;
        } catch (IllegalArgumentException e) {
            return false;
        }
    }

    @Test
    void openWithoutDriverGivesAReason() {
        assumeFalse(driverPresent(), "libcuda.so.1 is present: this test is for machines without a driver");
        BackendUnavailableException e = assertThrows(BackendUnavailableException.class,
                () -> CudaBackend.open(CudaOptions.defaults()));
        assertEquals("no NVIDIA driver (libcuda.so.1 not found)", e.getMessage());
    }

    @Test
    void optionsValidate() {
        CudaOptions o = CudaOptions.defaults();
        assertEquals(0, o.device());
        assertEquals(GemmPrecision.FP32, o.gemmPrecision());
        assertTrue(o.useCublas());
        assertThrows(IllegalArgumentException.class, () -> new CudaOptions(-1, GemmPrecision.FP32, null, true));
        assertThrows(NullPointerException.class, () -> new CudaOptions(0, null, null, true));
        assertEquals(GemmPrecision.BF16, GemmPrecision.parse(" Bf16"));
        assertEquals("tf32", GemmPrecision.TF32.toString());
        IllegalArgumentException bad = assertThrows(IllegalArgumentException.class, () -> GemmPrecision.parse("fp8"));
        assertEquals("unknown GEMM precision 'fp8' (fp32, tf32, fp16, bf16)", bad.getMessage());
        assertEquals("/x/libcublas.so", CublasGemm.candidates("/x/libcublas.so").getFirst());
    }
}
