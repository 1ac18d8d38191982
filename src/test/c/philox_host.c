/* philox_host.c — host harness for PhiloxCudaSourceTest: compiles native-kernels/philox.cuh with
 * gcc (MCDROP_HOST_TEST drops the CUDA qualifiers) and prints, for each input line
 *   seed firstPair batchImages imageBase layer column key threshold
 * the mask word and keep bit the device code computes, so Java can compare them with
 * dev.mcdrop.rng.DropoutMask. Keys of one line are looked up through a shared MaskCache in
 * increasing order through one cache. */
#define MCDROP_HOST_TEST
#include <stdio.h>
#include <inttypes.h>
#include "philox.cuh"

int main(void) {
    unsigned long long seed, firstPair, imageBase, key;
    unsigned int column;
    unsigned int batchImages, layer, threshold;
    while (scanf("%llu %llu %u %llu %u %u %llu %u", &seed, &firstPair, &batchImages, &imageBase, &layer,
                 &column, &key, &threshold) == 8) {
        u64 sample, image;
        column_pair(firstPair, batchImages, imageBase, column, &sample, &image);
        MaskCache mc;
        mask_cache_init(&mc);
        for (int j = 0; j < 4; j++) { /* 4 consecutive keys through one cache */
            u32 w = cached_word(&mc, key + j, seed, sample, image, layer);
            printf("%u %d%c", w, mask_keep(w, threshold), j == 3 ? '\n' : ' ');
        }
    }
    return 0;
}
