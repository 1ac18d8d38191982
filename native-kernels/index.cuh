// index.cuh — choice of index width. Kernels do their index arithmetic in unsigned 32-bit when
// every index of the launch fits in 31 bits (64-bit integer division is a slow multi-instruction
// sequence on GPUs) and in 64-bit otherwise; the test is uniform over the grid, so no divergence.
// KernelEmulationTest also builds the kernels with MCDROP_FORCE_INDEX64 to run the 64-bit paths.
#pragma once

#ifdef MCDROP_FORCE_INDEX64
#define MCDROP_FITS32(count) false
#else
#define MCDROP_FITS32(count) ((long long)(count) < 0x80000000LL)
#endif
