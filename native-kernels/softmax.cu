// softmax.cu — column-wise softmax of in[classes][columns] -> out[classes][columns]:
// max-subtracted, expf (accurate, no fast math), sum in class order; one thread per column.

extern "C" __global__ void softmax_columns(const float* in, float* out, int classes, long long columns) {
    for (long long n = blockIdx.x * (long long)blockDim.x + threadIdx.x; n < columns;
         n += (long long)gridDim.x * blockDim.x) {
        float max = -INFINITY;
        for (int k = 0; k < classes; k++) max = fmaxf(max, in[k * columns + n]);
        float sum = 0.f;
        for (int k = 0; k < classes; k++) sum += expf(in[k * columns + n] - max);
        for (int k = 0; k < classes; k++) out[k * columns + n] = expf(in[k * columns + n] - max) / sum;
    }
}
