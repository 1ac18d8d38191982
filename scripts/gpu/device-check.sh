#!/usr/bin/env bash
# device-check.sh — one prepared run on a GPU host that has no JDK and no network (issue 3):
# uses only what travels with the repository (dist/ from scripts/make-dist.sh, the full MNIST test
# set in data/mnist), checks the CUDA backend against the CPU, times mcdrop and PyTorch on the same
# job, and writes a Markdown table under $OUT (default ./gpu-out). Builds nothing.
# Untested so far: no GPU was available in the session that wrote it.
#   usage (repository root): scripts/gpu/device-check.sh
set -uo pipefail
OUT="${OUT:-gpu-out}"; mkdir -p "$OUT"
MC=dist/mcdrop
[ -x "$MC" ] || { echo "device-check: dist/mcdrop missing: run scripts/make-dist.sh before carrying dist/" >&2; exit 1; }
CUBLAS="$(find / -name 'libcublas.so.13*' -o -name 'libcublas.so.12*' 2>/dev/null | grep -v '\.py' | head -n1)"
CUBLAS_ARG=(); [ -n "$CUBLAS" ] && CUBLAS_ARG=(--cublas "$CUBLAS")
export LD_LIBRARY_PATH="/usr/local/nvidia/lib64:/usr/local/nvidia/lib:${LD_LIBRARY_PATH:-}"
DATA=data/mnist/t10k-images-idx3-ubyte
{
  nvidia-smi --query-gpu=name,driver_version,memory.total --format=csv,noheader
  echo "cuBLAS: ${CUBLAS:-not found}"
} > "$OUT/device.txt" 2>&1

# 1. correctness: the same eval on CPU and GPU (same seed), and the bench's CPU comparison
timeout 300 "$MC" eval --backend cpu  --data "$DATA" --samples 100 --json > "$OUT/eval-cpu.json" 2> "$OUT/eval-cpu.err"
# every GEMM precision: the MC test error must stay within 0.05 points of fp32's to count as "fastest mode"
for prec in fp32 tf32 fp16 bf16; do
  timeout 120 "$MC" eval --backend cuda "${CUBLAS_ARG[@]}" --gemm-precision $prec --data "$DATA" --samples 100 --json \
    > "$OUT/eval-cuda-$prec.json" 2> "$OUT/eval-cuda-$prec.err"
done
# 2. speed: 10,000 images x T=100 (1,000,000 passes) per precision, chunk sizes from free memory
for prec in fp32 tf32 fp16 bf16; do
  cmp=(); [ "$prec" = fp32 ] && cmp=(--compare-cpu)
  timeout 120 "$MC" bench --backend cuda "${CUBLAS_ARG[@]}" --gemm-precision $prec --samples 100 --batch 10000 --images 10000 \
    --repeat 3 --warmup 1 "${cmp[@]}" > "$OUT/bench-cuda-$prec.txt" 2>&1
done
timeout 60 "$MC" bench --backend cuda "${CUBLAS_ARG[@]}" --samples 100 --batch 1000 --images 2000 --profile \
  > "$OUT/bench-cuda-profile.txt" 2>&1
# 3. PyTorch on the same job
for prec in fp32 tf32 bf16; do
  timeout 120 python3 scripts/gpu/torch_mc_lenet.py --precision "$prec" > "$OUT/torch-$prec.json" 2> "$OUT/torch-$prec.err"
done
{
  echo "| run | result |"; echo "|---|---|"
  for f in "$OUT"/eval-*.json "$OUT"/torch-*.json; do echo "| $(basename "$f") | $(cat "$f") |"; done
  for f in "$OUT"/bench-*.txt; do echo "| $(basename "$f") | $(grep -E 'median|compare' "$f" | tr '\n' ' ') |"; done
} > "$OUT/table.md"
cat "$OUT/device.txt" "$OUT/table.md"
