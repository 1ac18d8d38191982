// window.cuh — where a sliding window (dev.mcdrop.backend.Window) reads its input, shared by the
// convolution (im2col.cu, conv2d.cu) and pooling (pool.cu) kernels: output row oy, tap ky reads input
// row oy*sh - padTop + ky*dh (columns alike). The bottom and right pads only shape OH and OW, which
// the launchers compute (Window.outHeight / outWidth) and pass in.
// Rule: headers do not include other headers (the PTX staleness hash follows direct includes).
#pragma once

struct ConvWindow {
    int sh, sw, padTop, padLeft, dh, dw;
};

// The taps of one axis of a window starting at input index start (= o*s - pad, may be negative) with
// k taps dilated by d over an input of n: [*lo, *hi) are the taps inside the input, *withPad the taps
// inside the input and the explicit padding after it (n + padEnd); taps before the input are always
// explicit padding, as start >= -padBegin. An empty range has *lo >= *hi.
__device__ __forceinline__ void window_taps(int start, int k, int d, int n, int padEnd, int* lo, int* hi, int* withPad) {
    *lo = start >= 0 ? 0 : (-start + d - 1) / d;
    const int last = n - 1 - start, lastPad = n + padEnd - 1 - start;  // largest offsets still inside
    *hi = last < 0 ? 0 : (last / d + 1 < k ? last / d + 1 : k);
    *withPad = lastPad < 0 ? 0 : (lastPad / d + 1 < k ? lastPad / d + 1 : k);
}
