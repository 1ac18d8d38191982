#!/usr/bin/env bash
# device-check.sh — one prepared run on a GPU host that has no JDK and no network (issue 3):
# uses only what travels with the repository (the dist/ bundle from scripts/make-dist.sh, the full
# MNIST test set in data/mnist), checks the CUDA backend op by op and against the CPU, times mcdrop
# and PyTorch on the same job, and writes a Markdown table under $OUT (default ./gpu-out).
# Builds nothing. Never run on a GPU so far; scripts/gpu/rehearse.sh runs it here on the fake driver.
#   usage (repository root): scripts/gpu/device-check.sh
#
# What to carry (dist/ itself is ~140 MB unpacked, over the device tool's 64 MiB carry limit, and
# data/ is git-ignored): the release tarball dist/mcdrop-*-linux-x86_64.tar.gz, dist/gpu-test.tar.gz
# (JUnit console + CudaBackendTest, optional) and data/mnist/t10k-{images-idx3,labels-idx1}-ubyte.
# The tarballs are unpacked into dist/ here when dist/mcdrop is missing.
#
# Time: every step runs under `timeout`, capped by what is left of BUDGET_S (default 420 s) so the
# whole script ends inside one device call; steps that no longer fit are skipped and say so. Steps run
# in the order issue 3 needs them: CUDA op tests, GPU-vs-CPU agreement, fp32 speed, PyTorch, reduced
# precisions (FP16 tensor-core convolutions among them), then the optional extras (FP32 implicit convolution,
# PyTorch forward check, workbenches, profiles).
# Files back: the device tool returns at most 8 files from $OUT, so raw outputs are packed into
# $OUT/raw.tar.gz; $OUT/table.md (also printed) summarises them.
# Knobs (defaults are issue 3's job; scripts/gpu/rehearse.sh turns them down to run this script on the
# fake driver): IMAGES (10000) per bench repetition, SAMPLES (100) = T, DATA_DIR (data/mnist) holding
# t10k-{images-idx3,labels-idx1}-ubyte, CUBLAS (a libcublas path; searched for when unset), PYTHON
# (python3) and TORCH_DEVICE (cuda) for the PyTorch steps.
set -uo pipefail
OUT="${OUT:-gpu-out}"; mkdir -p "$OUT"
RAW="$(mktemp -d)"
BUDGET_S="${BUDGET_S:-420}"
START=$SECONDS
MC=dist/mcdrop
IMAGES="${IMAGES:-10000}"; SAMPLES="${SAMPLES:-100}"; DATA_DIR="${DATA_DIR:-data/mnist}"
PROFILE_IMAGES=$(( IMAGES < 2000 ? IMAGES : 2000 )); PROFILE_BATCH=$(( IMAGES < 1000 ? IMAGES : 1000 ))

if [ ! -x "$MC" ]; then
  tgz="$(ls dist/mcdrop-*-linux-x86_64.tar.gz 2>/dev/null | head -n1)"
  [ -n "$tgz" ] || { echo "device-check: neither dist/mcdrop nor dist/mcdrop-*-linux-x86_64.tar.gz: run scripts/make-dist.sh and carry the tarball" >&2; exit 1; }
  tar xzf "$tgz" -C dist --strip-components=1 || { echo "device-check: cannot unpack $tgz" >&2; exit 1; }
fi
[ -x "$MC" ] || { echo "device-check: dist/mcdrop missing after unpacking" >&2; exit 1; }
[ -d dist/gpu-test ] || { [ -f dist/gpu-test.tar.gz ] && tar xzf dist/gpu-test.tar.gz -C dist; }

# cuBLAS: prefer CUDA 13's, then 12's; only where libraries live (a find over / can take minutes).
CUBLAS="${CUBLAS:-}"
for pat in 'libcublas.so.13*' 'libcublas.so.12*'; do
  [ -n "$CUBLAS" ] && break
  CUBLAS="$(timeout 60 find /usr/local /usr/lib /usr/lib64 /opt \( -type f -o -type l \) -name "$pat" 2>/dev/null | sort | head -n1)"
done
# elsewhere (a pip install under a home directory, say): one bounded search of the whole disk
[ -n "$CUBLAS" ] || CUBLAS="$(timeout 60 find / -xdev -name 'libcublas.so.1[23]*' 2>/dev/null | sort | head -n1)"
CUBLAS_ARG=(); CUBLAS_PROP=(); [ -n "$CUBLAS" ] && { CUBLAS_ARG=(--cublas "$CUBLAS"); CUBLAS_PROP=("-Dmcdrop.cublas=$CUBLAS"); }
export LD_LIBRARY_PATH="/usr/local/nvidia/lib64:/usr/local/nvidia/lib:${LD_LIBRARY_PATH:-}"
# cuBLAS's own directory too (its libcublasLt lies beside it; mcdrop loads that sibling itself, the workbenches do not)
[ -n "$CUBLAS" ] && export LD_LIBRARY_PATH="$(dirname "$CUBLAS"):$LD_LIBRARY_PATH"
export MCDROP_DEBUG=1   # one shot on the device: a failing mcdrop step leaves its stack trace in NAME.err
DATA="$DATA_DIR/t10k-images-idx3-ubyte"
HAVE_DATA=1; [ -f "$DATA" ] && [ -f "$DATA_DIR/t10k-labels-idx1-ubyte" ] || HAVE_DATA=0
{
  nvidia-smi --query-gpu=name,driver_version,memory.total --format=csv,noheader
  echo "cuBLAS: ${CUBLAS:-not found (built-in GEMM kernel)}"
  echo "job: $IMAGES images x T=$SAMPLES per bench repetition"
  [ "$HAVE_DATA" = 1 ] || echo "$DATA_DIR t10k files missing (not carried?): eval and PyTorch steps skipped"
} > "$OUT/device.txt" 2>&1

TORCH=("${PYTHON:-python3}" scripts/gpu/torch_mc_lenet.py --device "${TORCH_DEVICE:-cuda}" --images "$DATA" --labels "$DATA_DIR/t10k-labels-idx1-ubyte" --samples "$SAMPLES")
STEPS="$RAW/steps.md"
echo "| step | exit | seconds |" > "$STEPS"; echo "|---|---|---|" >> "$STEPS"
# step NAME CAP_SECONDS CMD...: stdout to $RAW/NAME.out, stderr to $RAW/NAME.err, one row in steps.md
step() {
  local name="$1" cap="$2"; shift 2
  local left=$(( BUDGET_S - (SECONDS - START) ))
  (( left < cap )) && cap=$left
  if (( cap < 15 )); then echo "| $name | skipped (time budget spent) | |" >> "$STEPS"; return 0; fi
  local t0=$SECONDS rc
  timeout "$cap" "$@" > "$RAW/$name.out" 2> "$RAW/$name.err"
  rc=$?
  echo "| $name | $rc$( [ "$rc" = 124 ] && echo " (timed out after ${cap} s)") | $(( SECONDS - t0 )) |" >> "$STEPS"
}

# 1. every CUDA op against the float64 reference (CudaBackendTest), when the test bundle came along
if [ -f dist/gpu-test/junit-console.jar ]; then
  step junit-cuda 120 dist/runtime/bin/java --add-modules jdk.incubator.vector --enable-native-access=ALL-UNNAMED "${CUBLAS_PROP[@]}" \
    -jar dist/gpu-test/junit-console.jar execute --class-path "dist/app/$(cd dist/app && ls *.jar | head -n1):dist/gpu-test/classes" \
    --select-class dev.mcdrop.cuda.CudaBackendTest --details=tree --disable-banner --disable-ansi-colors
fi
# 2. correctness: the same eval on GPU and CPU (same seed); fp32 first, it is the reference mode
if [ "$HAVE_DATA" = 1 ]; then
  step eval-cuda-fp32 90 "$MC" eval --backend cuda "${CUBLAS_ARG[@]}" --gemm-precision fp32 --input "$DATA" --samples "$SAMPLES" --json
  step eval-cpu 150 "$MC" eval --backend cpu --input "$DATA" --samples "$SAMPLES" --json
  # chunk invariance on the GPU: a 64 MB budget cuts each batch into many chunks; the JSON must equal eval-cuda-fp32's
  step eval-cuda-fp32-small-chunks 90 "$MC" eval --backend cuda "${CUBLAS_ARG[@]}" --gemm-precision fp32 --input "$DATA" \
    --samples "$SAMPLES" --memory 64 --json
fi
# 3. speed: 10,000 images x T=100 (1,000,000 passes) per repetition, chunk sizes from free memory
step bench-cuda-fp32 90 "$MC" bench --backend cuda "${CUBLAS_ARG[@]}" --gemm-precision fp32 --samples "$SAMPLES" --batch "$IMAGES" \
  --images "$IMAGES" --repeat 3 --warmup 1 --compare-cpu
# 4. PyTorch on the same job
if [ "$HAVE_DATA" = 1 ]; then
  step torch-fp32 60 "${TORCH[@]}" --precision fp32
  step torch-fp32-b1000 60 "${TORCH[@]}" --precision fp32 --batch 1000
fi
# 5. reduced GEMM precisions: the MC test error must stay within 0.05 points of fp32's to count as "fastest mode"
for prec in tf32 fp16 bf16; do
  [ "$HAVE_DATA" = 1 ] && step "eval-cuda-$prec" 60 "$MC" eval --backend cuda "${CUBLAS_ARG[@]}" --gemm-precision $prec --input "$DATA" --samples "$SAMPLES" --json
  step "bench-cuda-$prec" 60 "$MC" bench --backend cuda "${CUBLAS_ARG[@]}" --gemm-precision $prec --samples "$SAMPLES" --batch "$IMAGES" \
    --images "$IMAGES" --repeat 3 --warmup 1
done
# FP16 tensor-core convolutions (conv2d_implicit_f16: no im2col matrix), a fastest-mode candidate like the others
[ "$HAVE_DATA" = 1 ] && step eval-cuda-fp16-implicit 60 "$MC" eval --backend cuda "${CUBLAS_ARG[@]}" --conv implicit \
  --gemm-precision fp16 --input "$DATA" --samples "$SAMPLES" --json
step bench-cuda-fp16-implicit 60 "$MC" bench --backend cuda "${CUBLAS_ARG[@]}" --conv implicit --gemm-precision fp16 \
  --samples "$SAMPLES" --batch "$IMAGES" --images "$IMAGES" --repeat 3 --warmup 1
if [ "$HAVE_DATA" = 1 ]; then
  for prec in tf32 bf16; do step "torch-$prec" 60 "${TORCH[@]}" --precision "$prec"; done
fi
# 6. the implicit-GEMM convolution kernel (--conv implicit: no im2col matrix in device memory), same job
step bench-cuda-fp32-implicit 60 "$MC" bench --backend cuda "${CUBLAS_ARG[@]}" --conv implicit --samples "$SAMPLES" --batch "$IMAGES" \
  --images "$IMAGES" --repeat 3 --warmup 1 --compare-cpu
[ "$HAVE_DATA" = 1 ] && step eval-cuda-fp32-implicit 60 "$MC" eval --backend cuda "${CUBLAS_ARG[@]}" --conv implicit \
  --input "$DATA" --samples "$SAMPLES" --json
# 7. an independent forward: PyTorch with dropout off (fp32) must give mcdrop's standard probabilities
if [ "$HAVE_DATA" = 1 ]; then
  step predict-standard 60 "$MC" predict --backend cpu --samples 1 --input "$DATA" --out "$RAW/standard.jsonl"
  step torch-vs-mcdrop 60 "${TORCH[@]}" --compare-standard "$RAW/standard.jsonl"
fi
# 8. kernel workbenches (dev/cuda, built by make-dist.sh into gpu-test.tar.gz): conv2 alone in its four
# versions (im2col + cuBLAS FP32 / TF32 / BF16, implicit FP32), and the first dropout with and without fused pooling
if [ -x dist/gpu-test/bench/conv2d ]; then
  step workbench-conv2d 40 env CUBLAS="$CUBLAS" dist/gpu-test/bench/conv2d 0 20000
  step workbench-expand-pool 30 dist/gpu-test/bench/expand_pool 0 100000
fi
# 9. where the time goes, and chunks small enough for L2
step bench-cuda-profile 60 "$MC" bench --backend cuda "${CUBLAS_ARG[@]}" --samples "$SAMPLES" --batch "$PROFILE_BATCH" --images "$PROFILE_IMAGES" --profile
step bench-cuda-profile-implicit 40 "$MC" bench --backend cuda "${CUBLAS_ARG[@]}" --conv implicit --samples "$SAMPLES" --batch "$PROFILE_BATCH" \
  --images "$PROFILE_IMAGES" --profile
# small chunks whose im2col matrix (128 KB per pass) fits in a 50 MB L2: more launches, less DRAM traffic
step bench-cuda-fp32-l2-chunks 40 "$MC" bench --backend cuda "${CUBLAS_ARG[@]}" --samples "$SAMPLES" --batch "$PROFILE_BATCH" --images "$IMAGES" \
  --memory 190 --repeat 2 --warmup 1
# a batch whose once-per-image conv1 output (46 KB per image) stays in L2 while its T samples read it again
# (500 images = 23 MB), on the path with the least other traffic: FP16 tensor-core convolutions.
# summarize.py counts a bench-cuda-MODE-bN run as another measurement of MODE (the batch changes no result).
L2_BATCH=500
(( L2_BATCH < IMAGES )) && step "bench-cuda-fp16-implicit-b$L2_BATCH" 40 "$MC" bench --backend cuda "${CUBLAS_ARG[@]}" --conv implicit --gemm-precision fp16 \
  --samples "$SAMPLES" --batch "$L2_BATCH" --images "$IMAGES" --repeat 2 --warmup 1
step bench-cuda-profile-fp16-implicit 40 "$MC" bench --backend cuda "${CUBLAS_ARG[@]}" --conv implicit --gemm-precision fp16 \
  --samples "$SAMPLES" --batch "$PROFILE_BATCH" --images "$PROFILE_IMAGES" --profile

# what a failed step said: mcdrop's one-line message and the top of its stack trace, else the last lines
failure_lines() {
  if grep -q '^mcdrop: ' "$1"; then
    grep -m 3 '^mcdrop: ' "$1"; grep -m 1 -A 8 -E '^[a-zA-Z0-9_.$]+(Exception|Error)|^Caused by: ' "$1"
  else
    tail -n 5 "$1"
  fi
}
{
  cat "$STEPS"; echo
  if [ -f "$RAW/junit-cuda.out" ]; then
    echo '```'; grep -E '^cuda: |^warning: |✘|tests (successful|failed|aborted|skipped)|Assumption failed' "$RAW/junit-cuda.out" | head -n 40; echo '```'; echo
  fi
  echo "| run | result |"; echo "|---|---|"
  for f in "$RAW"/eval-*.out "$RAW"/torch-*.out; do [ -f "$f" ] && echo "| $(basename "$f" .out) | $(tr '\n' ' ' < "$f") |"; done
  for f in "$RAW"/bench-*.out; do [ -f "$f" ] && echo "| $(basename "$f" .out) | $(grep -E 'backend|median|compare' "$f" | tr '\n' ' ') |"; done
  for f in "$RAW"/workbench-*.out; do [ -s "$f" ] && { echo; echo '```'; cat "$f"; echo '```'; }; done
  # where the time goes, per op, for each profiled path
  for f in "$RAW"/bench-cuda-profile*.out; do
    grep -q 'time per op' "$f" 2>/dev/null && { echo; echo "$(basename "$f" .out):"; echo '```'; sed -n '/time per op/,$p' "$f"; echo '```'; }
  done
  if [ -f "$RAW/eval-cuda-fp32.out" ] && [ -f "$RAW/eval-cuda-fp32-small-chunks.out" ]; then
    strip() { sed 's/,"seconds":[0-9.]*//' "$1"; }   # everything but the wall time must match
    if [ -s "$RAW/eval-cuda-fp32.out" ] && cmp -s <(strip "$RAW/eval-cuda-fp32.out") <(strip "$RAW/eval-cuda-fp32-small-chunks.out"); then echo; echo "chunk invariance: identical"
    else echo; echo "chunk invariance: DIFFERENT (see eval-cuda-fp32*)"; fi
  fi
  echo; echo "stderr tails of failed steps:"
  for f in "$RAW"/*.err; do
    name="$(basename "$f" .err)"
    grep -q "^| $name | 0 |" "$STEPS" || { [ -s "$f" ] && { echo "--- $name"; failure_lines "$f"; }; }
  done
} > "$OUT/table.md"
# issue 3's verdicts (ratios, the 0.05-point rule, the 3x goal) computed from the raw outputs
{ echo; "${PYTHON:-python3}" scripts/gpu/summarize.py "$RAW" 2>&1 || echo "(summarize.py failed: read the raw outputs)"; } >> "$OUT/table.md"
tar czf "$OUT/raw.tar.gz" -C "$RAW" .
rm -rf "$RAW"
cat "$OUT/device.txt" "$OUT/table.md"
