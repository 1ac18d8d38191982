#!/usr/bin/env bash
# cuda-check.sh — the GPU verification of the CUDA backend, for a machine with an NVIDIA GPU and a
# CUDA 12.0+ driver: prints the device, then runs the dev.mcdrop.cuda tests (CudaBackendTest compares
# every op with ReferenceBackend, masks bit for bit, with cuBLAS and with the built-in GEMM).
# Prints a skip reason instead if no GPU is usable. Usage: scripts/cuda-check.sh [extra mvn args]
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
export JAVA_HOME="${JAVA_HOME:-/usr/lib/jvm/temurin-25-jdk-amd64}" PATH="${JAVA_HOME}/bin:$PATH"
command -v nvidia-smi >/dev/null && nvidia-smi --query-gpu=name,driver_version,memory.total --format=csv,noheader || true
./mvnw -q -B -o test -Dtest='dev.mcdrop.cuda.*Test' -Dsurefire.failIfNoSpecifiedTests=false "$@"
grep -h -E 'cuda: |CudaBackendTest skipped' target/surefire-reports/dev.mcdrop.cuda.CudaBackendTest-output.txt 2>/dev/null || true
for f in target/surefire-reports/dev.mcdrop.cuda.*.txt; do grep -h "Tests run" "$f" | sed "s|^|$(basename "$f" .txt): |"; done
