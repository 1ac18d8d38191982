// mc_reduce.cu — the MC reduction (Backend.mcAccumulate). logits[classes][columns], column n is
// pair firstPair + n of image b = (firstPair + n) % B; acc[B][3K+1] = [Σp | Σp² | votes | Σentropy]
// (McAccumulators). One thread per image row b walks its columns n ≡ b − firstPair (mod B) in
// increasing order, so each float sum has the same order as the CPU's loop: deterministic and
// independent of chunking. Products/sums use __fmul_rn/__fadd_rn so nvcc cannot contract them
// into FMAs (Java does not). p = exp(x − max) / Σexp, computed twice (no per-thread array).

extern "C" __global__ void mc_accumulate(const float* logits, float* acc, int classes, long long columns,
                                         unsigned long long firstPair, unsigned int batchImages) {
    int width = 3 * classes + 1;
    for (long long b = blockIdx.x * (long long)blockDim.x + threadIdx.x; b < batchImages;
         b += (long long)gridDim.x * blockDim.x) {
        float* row = acc + b * width;
        long long first = ((long long)b - (long long)(firstPair % batchImages) + batchImages) % batchImages;
        for (long long n = first; n < columns; n += batchImages) {
            float max = -INFINITY;
            for (int k = 0; k < classes; k++) max = fmaxf(max, logits[k * columns + n]);
            float sum = 0.f;
            for (int k = 0; k < classes; k++) sum = __fadd_rn(sum, expf(logits[k * columns + n] - max));
            int best = 0;
            float bestP = 0.f, entropy = 0.f;
            for (int k = 0; k < classes; k++) {
                float p = expf(logits[k * columns + n] - max) / sum;
                row[k] = __fadd_rn(row[k], p);
                row[classes + k] = __fadd_rn(row[classes + k], __fmul_rn(p, p));
                if (k == 0 || p > bestP) { best = k; bestP = p; }
                if (p > 0.f) entropy = __fsub_rn(entropy, __fmul_rn(p, logf(p)));
            }
            row[2 * classes + best] += 1.f;
            row[3 * classes] = __fadd_rn(row[3 * classes], entropy);
        }
    }
}
