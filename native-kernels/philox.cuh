// philox.cuh — Philox4x32-10 and the dropout keep rule, bit-identical to
// dev.mcdrop.rng.Philox4x32 / DropoutMask (Random123's definition).
// Why: a mask bit is a pure function of (seed, sample, image, layer, element), so the GPU,
// the CPU and any chunking draw the same mask. Host-compilable (gcc) for PhiloxCudaSourceTest:
// define MCDROP_HOST_TEST before including to drop the CUDA qualifiers.
// Rule: headers do not include other headers (the PTX staleness hash follows direct includes).
#pragma once

#ifdef MCDROP_HOST_TEST
#include <stdint.h>
#define MCDROP_HD static inline
typedef uint32_t u32;
typedef uint64_t u64;
static inline u32 mcdrop_mulhi(u32 a, u32 b) { return (u32)(((u64)a * (u64)b) >> 32); }
#else
#define MCDROP_HD __device__ __forceinline__
typedef unsigned int u32;
typedef unsigned long long u64;
#define mcdrop_mulhi(a, b) __umulhi((a), (b))
#endif

#define PHILOX_M0 0xD2511F53u
#define PHILOX_M1 0xCD9E8D57u
#define PHILOX_W0 0x9E3779B9u
#define PHILOX_W1 0xBB67AE85u

// One Philox4x32-10 block: counter (c0..c3), key (k0, k1) -> out[0..3].
MCDROP_HD void philox4x32_10(u32 c0, u32 c1, u32 c2, u32 c3, u32 k0, u32 k1, u32 out[4]) {
#ifndef MCDROP_HOST_TEST
#pragma unroll
#endif
    for (int round = 0; round < 10; round++) {
        if (round > 0) { k0 += PHILOX_W0; k1 += PHILOX_W1; }
        u32 hi0 = mcdrop_mulhi(PHILOX_M0, c0), lo0 = PHILOX_M0 * c0;
        u32 hi1 = mcdrop_mulhi(PHILOX_M1, c2), lo1 = PHILOX_M1 * c2;
        u32 n0 = hi1 ^ c1 ^ k0;
        u32 n2 = hi0 ^ c3 ^ k1;
        c0 = n0; c1 = lo1; c2 = n2; c3 = lo0;
    }
    out[0] = c0; out[1] = c1; out[2] = c2; out[3] = c3;
}

// Mask layout (dev.mcdrop.rng.DropoutMask): elements come in groups of 32; element (or
// per-channel key) e takes output word (e >> 3) & 3 of the block with word-0 counter
// 8*(e >> 5) + (e & 7). Block q of an image therefore serves elements 32*(q >> 3) + (q & 7) + 8*j,
// j = 0..3, and its counter is q itself.
MCDROP_HD u64 mask_block_of(u64 key) { return ((key >> 5) << 3) | (key & 7); }
MCDROP_HD u32 mask_word_of(u64 key) { return (u32)((key >> 3) & 3); }
MCDROP_HD u64 mask_first_element(u64 block) { return ((block >> 3) << 5) | (block & 7); }

// The 4 mask words of Philox block `block` for one (image, sample, layer):
// counter = (block, image, sample, layer) truncated to 32 bits as Java's (int) casts do.
MCDROP_HD void mask_words(u64 seed, u64 sample, u64 image, u32 layer, u64 block, u32 out[4]) {
    philox4x32_10((u32)block, (u32)image, (u32)sample, layer, (u32)seed, (u32)(seed >> 32), out);
}

// Keep iff the word (unsigned) >= threshold = floor(p * 2^32).
MCDROP_HD int mask_keep(u32 word, u32 threshold) { return word >= threshold; }

// Mask word of key (the element index, or the channel for per-channel dropout) with a one-block
// cache per thread (keys e, e+8, e+16, e+24 share a block). Start with mask_cache_init.
typedef struct {
    u64 block;
    u32 words[4];
} MaskCache;

// Empty cache: no block matches ~0; words zeroed only to keep compilers quiet.
MCDROP_HD void mask_cache_init(MaskCache* mc) {
    mc->block = ~0ull;
    mc->words[0] = mc->words[1] = mc->words[2] = mc->words[3] = 0;
}

MCDROP_HD u32 cached_word(MaskCache* mc, u64 key, u64 seed, u64 sample, u64 image, u32 layer) {
    u64 q = mask_block_of(key);
    if (q != mc->block) {
        mask_words(seed, sample, image, layer, q, mc->words);
        mc->block = q;
    }
    // Selects instead of words[j]: a dynamic index would put the array in local memory.
    u32 j = mask_word_of(key);
    return j == 0 ? mc->words[0] : j == 1 ? mc->words[1] : j == 2 ? mc->words[2] : mc->words[3];
}

// (sample, image) of column n of a chunk: pair g = firstPair + n, sample = g / B, image = imageBase + g % B.
// Split so kernels do the 64-bit division once per thread: firstPair = s0·B + r0 (r0 < B < 2^31),
// then for n < 2^31, r0 + n < 2^32 and g / B = s0 + (r0 + n) / B in 32-bit arithmetic.
// *b receives the column's image index within the batch (g % B).
MCDROP_HD void column_pair_split(u64 s0, u32 r0, u32 batchImages, u64 imageBase, u32 n,
                                 u64* sample, u64* image, u32* b) {
    u32 rn = r0 + n;
    u32 q = rn / batchImages;
    *b = rn - q * batchImages;
    *sample = s0 + q;
    *image = imageBase + *b;
}

// The image word of a column's mask counter: the launcher's key table entry imageKeys[b] when it
// gives one (content or shared keys, see docs/DESIGN.md "Mask keys"), else the image's position
// imageBase + b as column_pair_split computed it.
MCDROP_HD u64 mask_image(const u32* imageKeys, u64 position, u32 b) {
    return imageKeys ? (u64)imageKeys[b] : position;
}

MCDROP_HD void column_pair(u64 firstPair, u32 batchImages, u64 imageBase, u32 n, u64* sample, u64* image) {
    u32 b;
    column_pair_split(firstPair / batchImages, (u32)(firstPair % batchImages), batchImages, imageBase, n,
                      sample, image, &b);
}
