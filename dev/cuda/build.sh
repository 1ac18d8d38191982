#!/usr/bin/env bash
# build.sh — compiles the dev/cuda workbenches into dev/cuda/build/ with nvcc (here; the GPU host
# needs no toolkit: cudart is linked statically, cuBLAS is dlopen'ed at run time). SASS for
# Ampere and Hopper plus compute_90 PTX for newer GPUs.
# Usage: dev/cuda/build.sh            (NVCC=/path/to/nvcc, BUILD_DIR=elsewhere to override)
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
NVCC="${NVCC:-$(command -v nvcc || echo /usr/local/cuda/bin/nvcc)}"
out="${BUILD_DIR:-$here/build}"
mkdir -p "$out"
for cu in "$here"/*.cu; do
    name="$(basename "$cu" .cu)"
    echo "nvcc $name.cu -> $out/$name"
    "$NVCC" -O3 -std=c++17 -lineinfo \
        -gencode arch=compute_80,code=sm_80 -gencode arch=compute_90,code=sm_90 -gencode arch=compute_90,code=compute_90 \
        -o "$out/$name" "$cu" -ldl
done
