// half.cuh — float -> 16-bit storage, rounded to nearest, ties to even, in integer operations only,
// so the CPU emulations (g++, cuda_host_shim.h) run exactly the code the GPU runs:
//   bits_f16:  IEEE 754 binary16 (overflow -> ±Inf from 65520 on; subnormals kept; NaN -> quiet NaN)
//   bits_bf16: bfloat16, the top half of the float rounded (NaN -> quiet NaN, sign kept)
// Used where a reduced --gemm-precision lets 16-bit copies feed cuBLAS (im2col.cu): the values
// equal what cuBLAS's FAST_16F / FAST_16BF modes would round the FP32 inputs to.
#pragma once

__device__ __forceinline__ unsigned short bits_bf16(float f) {
    unsigned int u = __float_as_uint(f);
    if ((u & 0x7fffffffu) > 0x7f800000u) return (unsigned short)((u >> 16) | 0x0040u);
    return (unsigned short)((u + 0x7fffu + ((u >> 16) & 1u)) >> 16);
}

__device__ __forceinline__ unsigned short bits_f16(float f) {
    unsigned int u = __float_as_uint(f);
    unsigned int sign = (u >> 16) & 0x8000u, a = u & 0x7fffffffu;
    if (a > 0x7f800000u) return (unsigned short)(sign | 0x7e00u | ((a >> 13) & 0x3ffu));  // NaN
    if (a >= 0x477ff000u) return (unsigned short)(sign | 0x7c00u);  // >= 65520 rounds to Inf; Inf
    if (a >= 0x38800000u) {  // normal: rebias the exponent (127 -> 15), round away 13 mantissa bits
        unsigned int r = a - 0x38000000u;
        return (unsigned short)(sign | ((r + 0x0fffu + ((r >> 13) & 1u)) >> 13));
    }
    if (a < 0x33000000u) return (unsigned short)sign;  // below 2^-25 (half the smallest subnormal): ±0
    // subnormal: value / 2^-24, with the implicit bit, shifted by 126 - exponent (14..24)
    unsigned int shift = 126u - (a >> 23), m = (a & 0x7fffffu) | 0x800000u;
    unsigned int q = m >> shift, rest = m & ((1u << shift) - 1u), halfway = 1u << (shift - 1u);
    q += (rest > halfway || (rest == halfway && (q & 1u))) ? 1u : 0u;
    return (unsigned short)(sign | q);
}
