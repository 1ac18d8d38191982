#!/usr/bin/env bash
# build-ptx.sh — compiles native-kernels/<op>.cu to src/main/resources/dev/mcdrop/cuda/<op>.ptx
# with nvcc, only where the source changed. Each .ptx starts with one comment line
#   // mcdrop-ptx sha256=<hex> isa=<X.Y> flags=<nvcc flags>
# where <hex> = SHA-256 of: "flags=<flags>\n", "isa=<X.Y>\n", then the .cu, then every .cuh it
# #includes directly ("name.cuh"), sorted by name. PtxFreshnessTest recomputes it (no GPU, no nvcc
# needed). Cubins get the same line, without isa=, in a .sha256 sidecar.
# Usage: native-kernels/build-ptx.sh [--force]   (NVCC=/path/to/nvcc to override)
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
out="$here/../src/main/resources/dev/mcdrop/cuda"
NVCC="${NVCC:-$(command -v nvcc || echo /usr/local/cuda/bin/nvcc)}"
# Lowest target Turing (compute_75, CUDA 13's minimum); the driver JITs the PTX for newer GPUs.
# No --use_fast_math: expf/logf must be accurate and masks bit-identical.
FLAGS="-ptx -arch=compute_75 -O3"
# The PTX ISA version the shipped PTX declares. nvcc 13 writes ".version 9.0", which only a CUDA 13
# driver (R580+) will JIT; the instructions it emits for compute_75 are all older than that, so the
# line is rewritten to ISA 7.8 (CUDA 11.8) and ptxas then checks every instruction against it (it
# fails naming the feature if one needs a newer ISA): CUDA 12 drivers (R525+) load the kernels too.
# Keep in step with PtxModules.PTX_ISA. scripts/check-ptx-old-ptxas.sh assembles the result with
# CUDA 11.8's own ptxas as a second opinion.
PTX_ISA="7.8"
PTXAS="${PTXAS:-$(dirname "$NVCC")/ptxas}"
# SASS shipped beside the PTX (Hopper: H100, H200); other GPUs JIT-compile the PTX.
SASS_ARCHS="${SASS_ARCHS:-90}"
force="${1:-}"
mkdir -p "$out"

source_hash() {  # $1 = .cu file
    local cu="$1" includes
    includes=$(grep -oE '^[[:space:]]*#include[[:space:]]+"[^"]+\.cuh"' "$cu" | sed -E 's/.*"(.*)"/\1/' | sort -u || true)
    {
        printf 'flags=%s\n' "$FLAGS"
        [ -n "${ISA:-}" ] && printf 'isa=%s\n' "$ISA"
        cat "$cu"
        for h in $includes; do cat "$here/$h"; done
    } | sha256sum | cut -d' ' -f1
}

for cu in "$here"/*.cu; do
    op="$(basename "$cu" .cu)"
    ptx="$out/$op.ptx"
    hash="$(ISA="$PTX_ISA" source_hash "$cu")"
    header="// mcdrop-ptx sha256=$hash isa=$PTX_ISA flags=$FLAGS"
    if [[ "$force" != "--force" && -f "$ptx" ]] && [[ "$(head -n1 "$ptx")" == "$header" ]]; then
        continue
    fi
    echo "nvcc $op.cu -> $op.ptx"
    tmp="$(mktemp)"
    (cd "$here" && "$NVCC" $FLAGS "$op.cu" -o "$tmp")
    if [ "$(grep -cE '^\.version [0-9]+\.[0-9]+$' "$tmp")" != 1 ]; then
        echo "build-ptx: nvcc's $op.ptx has no single .version line" >&2; rm -f "$tmp"; exit 1
    fi
    sed -i -E "s/^\.version [0-9]+\.[0-9]+$/.version $PTX_ISA/" "$tmp"
    if ! check="$("$PTXAS" -arch=sm_75 "$tmp" -o /dev/null 2>&1)"; then
        echo "build-ptx: $op.ptx is not valid PTX ISA $PTX_ISA for sm_75 (ptxas: $PTXAS):" >&2
        echo "$check" >&2
        echo "build-ptx: raise PTX_ISA here and PtxModules.PTX_ISA / MIN_DRIVER_VERSION, or avoid the feature" >&2
        rm -f "$tmp"; exit 1
    fi
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
