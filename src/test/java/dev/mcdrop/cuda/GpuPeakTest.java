package dev.mcdrop.cuda;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

/** The peak table picks the right card variant from cuDeviceGetName strings and never guesses. */
class GpuPeakTest {
    @Test
    void knownCardsByTheirDriverNames() {
        assertEquals(67e12, GpuPeak.flopsPerSecond("NVIDIA H100 80GB HBM3", GemmPrecision.FP32).orElseThrow(), 1);
        assertEquals(494.7e12, GpuPeak.flopsPerSecond("NVIDIA H100 80GB HBM3", GemmPrecision.TF32).orElseThrow(), 1);
        assertEquals(756e12, GpuPeak.flopsPerSecond("NVIDIA H100 PCIe", GemmPrecision.BF16).orElseThrow(), 1);
        assertEquals(835.5e12, GpuPeak.flopsPerSecond("NVIDIA H100 NVL", GemmPrecision.FP16).orElseThrow(), 1);
        assertEquals("H200 SXM", GpuPeak.label("NVIDIA H200"));
        assertEquals("H200 NVL", GpuPeak.label("NVIDIA H200 NVL"));
        assertEquals(19.5e12, GpuPeak.flopsPerSecond("NVIDIA A100-SXM4-80GB", GemmPrecision.FP32).orElseThrow(), 1);
    }

    @Test
    void unknownCardsGiveNoNumber() {
        assertTrue(GpuPeak.flopsPerSecond("NVIDIA GeForce RTX 4090", GemmPrecision.FP32).isEmpty());
        assertEquals(null, GpuPeak.label("Tesla T4"));
    }
}
