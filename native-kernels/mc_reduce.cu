// mc_reduce.cu — the MC reduction (Backend.mcAccumulate). logits[classes][columns], column n is
// pair g = firstPair + n: sample t = g / B of image b = g % B. acc[B][4K+1] =
// [Σp | running mean | M2 | votes | Σentropy] (McAccumulators): Σp gives the MC mean, and the
// running mean and M2 are Welford's update for the std (sample count t + 1),
//     delta = p − mean;  mean += delta / (t + 1);  M2 += delta · (p − mean),
// which, unlike Σp² − (Σp)²/T in float, has no cancellation: identical samples give M2 = 0 exactly.
// One thread per image row b walks its columns n ≡ b − firstPair (mod B) in increasing order, so
// each float sum has the same order as the CPU's loop: deterministic and independent of chunking.
// Arithmetic uses __f*_rn so nvcc cannot contract it into FMAs (Java does not), and the Welford
// steps are the same float operations as the CPU's. p = exp(x − max) / Σexp, computed twice (no
// per-thread array).

extern "C" __global__ void mc_accumulate(const float* logits, float* acc, int classes, long long columns,
                                         unsigned long long firstPair, unsigned int batchImages) {
    int width = 4 * classes + 1;
    for (long long b = blockIdx.x * (long long)blockDim.x + threadIdx.x; b < batchImages;
         b += (long long)gridDim.x * blockDim.x) {
        float* row = acc + b * width;
        float* sum = row;
        float* mean = row + classes;
        float* m2 = row + 2 * classes;
        float* votes = row + 3 * classes;
        long long first = ((long long)b - (long long)(firstPair % batchImages) + batchImages) % batchImages;
        unsigned long long t = (firstPair + (unsigned long long)first) / batchImages;  // sample of column `first`
        for (long long n = first; n < columns; n += batchImages, t++) {
            const float count = __ull2float_rn(t + 1);
            float max = -INFINITY;
            for (int k = 0; k < classes; k++) max = fmaxf(max, logits[k * columns + n]);
            float total = 0.f;
            for (int k = 0; k < classes; k++) total = __fadd_rn(total, expf(logits[k * columns + n] - max));
            int best = 0;
            float bestP = 0.f, entropy = 0.f;
            for (int k = 0; k < classes; k++) {
                float p = expf(logits[k * columns + n] - max) / total;
                sum[k] = __fadd_rn(sum[k], p);
                float delta = __fsub_rn(p, mean[k]);
                mean[k] = __fadd_rn(mean[k], __fdiv_rn(delta, count));
                m2[k] = __fadd_rn(m2[k], __fmul_rn(delta, __fsub_rn(p, mean[k])));
                if (k == 0 || p > bestP) { best = k; bestP = p; }
                if (p > 0.f) entropy = __fsub_rn(entropy, __fmul_rn(p, logf(p)));
            }
            votes[best] += 1.f;
            row[4 * classes] = __fadd_rn(row[4 * classes], entropy);
        }
    }
}
