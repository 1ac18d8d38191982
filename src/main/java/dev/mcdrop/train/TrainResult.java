package dev.mcdrop.train;

import java.util.Map;

/**
 * What a finished run returns.
 *
 * @param params      final weights, keyed by tensor name (PyTorch layout), fresh copies
 * @param iterations  SGD steps done
 * @param finalLoss   mean training loss over the last {@link Trainer#LOSS_WINDOW} steps (NaN if none)
 * @param wallSeconds wall-clock time of the loop (checkpoint writes included)
 */
public record TrainResult(Map<String, float[]> params, int iterations, double finalLoss, double wallSeconds) {}
