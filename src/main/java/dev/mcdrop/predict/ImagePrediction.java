package dev.mcdrop.predict;

/**
 * What MC dropout says about one image, beside the standard-dropout answer.
 *
 * @param meanProbs          p̄ = (1/T) Σₜ softmax(f(x; ω̂ₜ)), the MC predictive distribution
 * @param predicted          argmax p̄ (lowest index on ties)
 * @param entropy            predictive entropy H[p̄] = −Σ p̄ ln p̄ (nats)
 * @param mutualInformation  BALD: H[p̄] − (1/T) Σₜ H[pₜ] (nats, ≥ 0 up to rounding, clamped)
 * @param variationRatio     1 − (votes for the modal class)/T
 * @param predictedStd       population standard deviation over t of pₜ[predicted]
 * @param standardProbs      softmax of the network with dropout as the identity (no sampling)
 * @param standardPredicted  argmax of standardProbs
 */
public record ImagePrediction(float[] meanProbs, int predicted, double entropy, double mutualInformation,
                              double variationRatio, double predictedStd,
                              float[] standardProbs, int standardPredicted) {}
