#!/usr/bin/env bash
# build-ptx.sh — compiles native-kernels/<op>.cu to src/main/resources/dev/mcdrop/cuda/<op>.ptx
# with nvcc, only where the source changed. Each .ptx starts with one comment line
#   // mcdrop-ptx sha256=<hex> flags=<nvcc flags>
# where <hex> = SHA-256 of: "flags=<flags>\n", then the .cu, then every .cuh it #includes
# directly ("name.cuh"), sorted by name. PtxFreshnessTest recomputes it (no GPU, no nvcc needed).
# Usage: native-kernels/build-ptx.sh [--force]   (NVCC=/path/to/nvcc to override)
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
out="$here/../src/main/resources/dev/mcdrop/cuda"
NVCC="${NVCC:-$(command -v nvcc || echo /usr/local/cuda/bin/nvcc)}"
# Lowest target Turing (compute_75, CUDA 13's minimum); the driver JITs the PTX for newer GPUs.
# No --use_fast_math: expf/logf must be accurate and masks bit-identical.
FLAGS="-ptx -arch=compute_75 -O3"
# SASS shipped beside the PTX (Hopper: H100, H200); other GPUs JIT-compile the PTX.
SASS_ARCHS="${SASS_ARCHS:-90}"
force="${1:-}"
mkdir -p "$out"

source_hash() {  # $1 = .cu file
    local cu="$1" includes
    includes=$(grep -oE '^[[:space:]]*#include[[:space:]]+"[^"]+\.cuh"' "$cu" | sed -E 's/.*"(.*)"/\1/' | sort -u || true)
    {
        printf 'flags=%s\n' "$FLAGS"
        cat "$cu"
        for h in $includes; do cat "$here/$h"; done
    } | sha256sum | cut -d' ' -f1
}

for cu in "$here"/*.cu; do
    op="$(basename "$cu" .cu)"
    ptx="$out/$op.ptx"
    hash="$(source_hash "$cu")"
    header="// mcdrop-ptx sha256=$hash flags=$FLAGS"
    if [[ "$force" != "--force" && -f "$ptx" ]] && [[ "$(head -n1 "$ptx")" == "$header" ]]; then
        continue
    fi
    echo "nvcc $op.cu -> $op.ptx"
    tmp="$(mktemp)"
    (cd "$here" && "$NVCC" $FLAGS "$op.cu" -o "$tmp")
    { echo "$header"; cat "$tmp"; } > "$ptx"
    rm -f "$tmp"
done

# Machine code for the GPUs the benchmarks target, so they need no JIT compiler: <op>.sm_<arch>.cubin
# with a sidecar <op>.sm_<arch>.cubin.sha256 holding the same kind of header line (a cubin is binary).
# PtxModules loads the cubin matching the device exactly and falls back to the PTX otherwise.
for arch in $SASS_ARCHS; do
    cubin_flags="-cubin -arch=sm_$arch -O3"
    for cu in "$here"/*.cu; do
        op="$(basename "$cu" .cu)"
        cubin="$out/$op.sm_$arch.cubin"
        header="// mcdrop-ptx sha256=$(FLAGS="$cubin_flags" source_hash "$cu") flags=$cubin_flags"
        if [[ "$force" != "--force" && -f "$cubin" && -f "$cubin.sha256" ]] && [[ "$(cat "$cubin.sha256")" == "$header" ]]; then
            continue
        fi
        echo "nvcc $op.cu -> $op.sm_$arch.cubin"
        (cd "$here" && "$NVCC" $cubin_flags "$op.cu" -o "$cubin")
        echo "$header" > "$cubin.sha256"
    done
done
