package dev.mcdrop.predict;

import java.util.Objects;

/**
 * How to run MC-dropout prediction.
 *
 * @param samples      T, stochastic forward passes per image (≥ 1)
 * @param seed         Philox key; the same seed gives the same numbers on every backend
 * @param batchImages  B, images whose deterministic prefix is computed together
 * @param memoryBytes  working-memory budget for one batch; 0 = the backend's suggestion
 * @param maskKey      what keys an image's masks: its pixels (default), its position, or nothing (shared)
 */
public record McOptions(int samples, long seed, int batchImages, long memoryBytes, MaskKeying maskKey) {
    public static final int DEFAULT_SAMPLES = 100;
    public static final long DEFAULT_SEED = 42;
    public static final int DEFAULT_BATCH = 1000;

    public McOptions {
        if (samples < 1) throw new IllegalArgumentException("samples must be >= 1, got " + samples);
        if (batchImages < 1) throw new IllegalArgumentException("batch must be >= 1, got " + batchImages);
        if (memoryBytes < 0) throw new IllegalArgumentException("memory budget must be >= 0, got " + memoryBytes);
        Objects.requireNonNull(maskKey, "maskKey");
        if ((long) samples * batchImages > Integer.MAX_VALUE) {
            throw new IllegalArgumentException("samples × batch = " + (long) samples * batchImages + " exceeds " + Integer.MAX_VALUE);
        }
    }

    /** Content-keyed masks. */
    public McOptions(int samples, long seed, int batchImages, long memoryBytes) {
        this(samples, seed, batchImages, memoryBytes, MaskKeying.CONTENT);
    }

    public static McOptions defaults() { return new McOptions(DEFAULT_SAMPLES, DEFAULT_SEED, DEFAULT_BATCH, 0); }

    public McOptions withSamples(int t) { return new McOptions(t, seed, batchImages, memoryBytes, maskKey); }

    public McOptions withSeed(long s) { return new McOptions(samples, s, batchImages, memoryBytes, maskKey); }

    public McOptions withBatch(int b) { return new McOptions(samples, seed, b, memoryBytes, maskKey); }

    public McOptions withMemory(long bytes) { return new McOptions(samples, seed, batchImages, bytes, maskKey); }

    public McOptions withMaskKey(MaskKeying k) { return new McOptions(samples, seed, batchImages, memoryBytes, k); }
}
