#!/usr/bin/env bash
# rehearse.sh — runs scripts/gpu/device-check.sh here, without a GPU, on the fake CUDA driver
# (src/test/c/fake_cuda: libcuda.so.1 that runs the real kernel sources on the CPU, and a fake
# libcublas.so.13), scaled down to IMAGES images x T=SAMPLES so it ends in a few minutes.
#
# Why: device time is 15 minutes per task and the device-check run is prepared blind. This runs the
# same script with the same bundle (dist/ from scripts/make-dist.sh, its jlinked runtime, the JUnit
# console and test classes from dist/gpu-test.tar.gz), so argument mistakes, missing files, wrong
# class paths and table parsing show up here, not on the device. The PyTorch steps run on the CPU
# where a python with torch is found (their mcdrop-vs-PyTorch forward check is then real). What it
# cannot show: speed, real cuBLAS and the JIT, the CUDA workbenches (their CUDA runtime refuses the
# fake driver: those two steps fail here), and the full-size job.
#
# Needs: the fake driver built by FakeDriverTest (target/fake-cuda/; built here if missing), the
# bundle in dist/ (scripts/make-dist.sh), and the first-1000 MNIST slice in test-data/.
# Usage (repository root): scripts/gpu/rehearse.sh          IMAGES=40 SAMPLES=4 by default
#   the table is printed and left in target/rehearsal/out/table.md
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/../.."
export JAVA_HOME="${JAVA_HOME:-/usr/lib/jvm/temurin-25-jdk-amd64}"
IMAGES="${IMAGES:-40}"; SAMPLES="${SAMPLES:-4}"
fake=target/fake-cuda
if [ ! -f "$fake/lib/libcuda.so.1" ] || [ ! -f "$fake/cublas/libcublas.so.13" ]; then
    ./mvnw -q -o -B test -Dtest=FakeDriverTest -Dsurefire.failIfNoSpecifiedTests=false
fi
[ -x dist/mcdrop ] && [ -f dist/gpu-test.tar.gz ] || { echo "rehearse: no dist/ bundle: run scripts/make-dist.sh" >&2; exit 1; }

work="$PWD/target/rehearsal"
rm -rf "$work"; mkdir -p "$work/mnist" "$work/bin" "$work/out"
# the first IMAGES test images and labels as plain IDX files (the names device-check expects)
be32() { printf "\\x$(printf %02x $(( ($1 >> 24) & 255 )))\\x$(printf %02x $(( ($1 >> 16) & 255 )))\\x$(printf %02x $(( ($1 >> 8) & 255 )))\\x$(printf %02x $(( $1 & 255 )))"; }
gzip -dc test-data/mnist/t10k-images-first1000-idx3-ubyte.gz > "$work/images.raw"
gzip -dc test-data/mnist/t10k-labels-first1000-idx1-ubyte.gz > "$work/labels.raw"
{ printf '\x00\x00\x08\x03'; be32 "$IMAGES"; be32 28; be32 28
  head -c $(( 16 + IMAGES * 784 )) "$work/images.raw" | tail -c $(( IMAGES * 784 )); } > "$work/mnist/t10k-images-idx3-ubyte"
{ printf '\x00\x00\x08\x01'; be32 "$IMAGES"
  head -c $(( 8 + IMAGES )) "$work/labels.raw" | tail -c "$IMAGES"; } > "$work/mnist/t10k-labels-idx1-ubyte"
# nvidia-smi as the fake would answer
printf '#!/bin/sh\necho "mcdrop fakecuda (CPU emulation), fake driver (CUDA 13.0), 8192 MiB"\n' > "$work/bin/nvidia-smi"
chmod +x "$work/bin/nvidia-smi"

rm -rf dist/gpu-test   # device-check unpacks it, as on the device
# PyTorch on the CPU where a python with torch is found (Debian: apt-get install python3-torch)
python=""
for p in ${PYTHON:-} python3 /usr/bin/python3; do
    if command -v "$p" >/dev/null && "$p" -c 'import torch, numpy' 2>/dev/null; then python="$p"; break; fi
done
[ -n "$python" ] || echo "rehearse: no python with torch and numpy: the PyTorch steps will fail" >&2
PYTHON="${python:-python3}" TORCH_DEVICE=cpu \
PATH="$work/bin:$PATH" LD_LIBRARY_PATH="$PWD/$fake/lib" CUBLAS="$PWD/$fake/cublas/libcublas.so.13" \
    IMAGES="$IMAGES" SAMPLES="$SAMPLES" DATA_DIR="$work/mnist" BUDGET_S="${BUDGET_S:-900}" OUT="$work/out" \
    scripts/gpu/device-check.sh
