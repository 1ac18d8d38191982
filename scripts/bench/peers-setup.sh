#!/usr/bin/env bash
# peers-setup.sh — installs the PEERS of issue 14's graph-network benchmark, outside mcdrop's build:
#   1. a Python venv ($PEERS_VENV, default /work/venvs/torch) with PyTorch 2.13 CPU, numpy, onnx and
#      onnxruntime (Python, only for export_mc_graph_onnx.py --check), from the machine's local wheel
#      folders when they exist (/opt/wheels, /opt/pypi*/files), else from pip's configured index;
#   2. ONNX Runtime Java (com.microsoft.onnxruntime:onnxruntime:$ORT_VERSION, default 1.29.0) into
#      ~/.m2 with Maven's dependency:get — never a dependency of mcdrop's pom;
#   3. Debian's libtcmalloc-minimal4 (the PyTorch runs' allocator);
#   4. the ONNX files of both networks into $PEERS_ONNX (default target/peers), checked against PyTorch.
# Idempotent: each step is skipped when its result is there. Usage: scripts/bench/peers-setup.sh
set -euo pipefail
root="$(cd "$(dirname "$0")/../.." && pwd)"
venv="${PEERS_VENV:-/work/venvs/torch}"
ort_version="${ORT_VERSION:-1.29.0}"
onnx_dir="${PEERS_ONNX:-$root/target/peers}"
export JAVA_HOME="${JAVA_HOME:-/usr/lib/jvm/temurin-25-jdk-amd64}"

if ! "$venv/bin/python" -c 'import torch, onnx, onnxruntime, numpy' 2>/dev/null; then
  echo "peers-setup: making the venv $venv" >&2
  python3 -m venv "$venv"
  links=()
  for d in /opt/wheels /opt/pypi/files /opt/pypi-more/files; do [ -d "$d" ] && links+=(--find-links "$d"); done
  [ ${#links[@]} -gt 0 ] && links=(--no-index "${links[@]}")
  "$venv/bin/pip" install -q "${links[@]}" 'torch==2.13.0+cpu' numpy 'onnx==1.23.1' 'onnxruntime==1.30.0'
fi

# tcmalloc for the PyTorch runs (peers-graph.sh preloads it; see torch_mc_graph.py for why)
if [ ! -f /usr/lib/x86_64-linux-gnu/libtcmalloc_minimal.so.4 ]; then
  echo "peers-setup: installing Debian's libtcmalloc-minimal4" >&2
  DEBIAN_FRONTEND=noninteractive apt-get install -y -q libtcmalloc-minimal4 >&2 || { apt-get update -q >&2 && DEBIAN_FRONTEND=noninteractive apt-get install -y -q libtcmalloc-minimal4 >&2; }
fi

jar="$HOME/.m2/repository/com/microsoft/onnxruntime/onnxruntime/$ort_version/onnxruntime-$ort_version.jar"
if [ ! -f "$jar" ]; then
  echo "peers-setup: fetching ONNX Runtime Java $ort_version" >&2
  (cd "$root" && ./mvnw -q -B -ntp org.apache.maven.plugins:maven-dependency-plugin:3.8.1:get \
      -Dartifact="com.microsoft.onnxruntime:onnxruntime:$ort_version" -Dtransitive=false)
fi

nets_ok=true
for net in cifar-nin cifar-resnet20-mc; do
  for part in prefix suffix-dropout suffix-uniform; do
    f="$onnx_dir/$net-$part.onnx"
    if [ ! -f "$f" ] || [ "$root/scripts/bench/export_mc_graph_onnx.py" -nt "$f" ] || [ "$root/scripts/bench/mc_graph_nets.py" -nt "$f" ]; then
      nets_ok=false
    fi
  done
done
if ! $nets_ok; then
  echo "peers-setup: exporting the ONNX files to $onnx_dir and checking them against PyTorch" >&2
  "$venv/bin/python" "$root/scripts/bench/export_mc_graph_onnx.py" --out "$onnx_dir" --check
fi
echo "peers-setup: ready (venv $venv, $jar, $onnx_dir)" >&2
