#!/usr/bin/env bash
# peers-graph.sh — issue 14's benchmark of the graph networks beside their peers, ALTERNATING in one
# shell so that drift of a shared or throttled machine hits every tool alike: per round, per network,
# one measurement of each tool in $PEERS, each a fresh process (its own untimed warm-up, then
# $REPEATS timed runs). One line per measurement on stdout; every JSON result appended to $LOG; at
# the end the median over rounds per (network, tool) and mcdrop's ratio to it.
#
# Tools (PEERS, default "mcdrop torch-eager torch-compile ort-op ort-uniform"):
#   mcdrop          ./mcdrop bench --model NET --backend cpu (its --json median)
#   torch-eager     scripts/bench/torch_mc_graph.py --mode eager   (prefix once per image, replicated suffix)
#   torch-compile   scripts/bench/torch_mc_graph.py --mode compile (Inductor, frozen weights)
#   torch-eager-naive, torch-compile-naive: the whole net on the replicated batch
#   torch-eager-nchw: eager with contiguous (NCHW) tensors instead of channels_last
#   (every torch run gets LD_PRELOAD=$TORCH_PRELOAD, default tcmalloc: see torch_mc_graph.py)
#   ort-op          scripts/bench/ort/OrtMcGraphBench.java --dropout op (ONNX Dropout, training=true)
#   ort-uniform     ... --dropout uniform (RandomUniformLike < keep mask in the graph)
# Settings (environment): NETS ("cifar-nin cifar-resnet20-mc"), T (100), B (256), THREADS (2),
# IMAGES (B: one batch), REPEATS (1), LOG (target/peers/peers-graph-DATE.jsonl), MCDROP_MODEL_ARGS
# ("--model NET", NET replaced by the network: how mcdrop bench names the preset with random weights).
# Run scripts/bench/peers-setup.sh once first. Usage: scripts/bench/peers-graph.sh [ROUNDS]   (3)
set -uo pipefail
root="$(cd "$(dirname "$0")/../.." && pwd)"
cd "$root"
rounds="${1:-3}"
nets="${NETS:-cifar-nin cifar-resnet20-mc}"
peers="${PEERS:-mcdrop torch-eager torch-compile ort-op ort-uniform}"
T="${T:-100}" B="${B:-256}" threads="${THREADS:-2}" images="${IMAGES:-${B:-256}}" repeats="${REPEATS:-1}"
MCDROP_MODEL_ARGS="${MCDROP_MODEL_ARGS:---model NET}"
venv="${PEERS_VENV:-/work/venvs/torch}"
tcmalloc=/usr/lib/x86_64-linux-gnu/libtcmalloc_minimal.so.4
TORCH_PRELOAD="${TORCH_PRELOAD-$( [ -f $tcmalloc ] && echo $tcmalloc )}"
py="$venv/bin/python"
ort_version="${ORT_VERSION:-1.29.0}"
ort_jar="$HOME/.m2/repository/com/microsoft/onnxruntime/onnxruntime/$ort_version/onnxruntime-$ort_version.jar"
onnx_dir="${PEERS_ONNX:-$root/target/peers}"
export JAVA_HOME="${JAVA_HOME:-/usr/lib/jvm/temurin-25-jdk-amd64}"
java="$JAVA_HOME/bin/java"
mkdir -p "$onnx_dir"
log="${LOG:-$onnx_dir/peers-graph-$(date -u +%Y%m%dT%H%M%SZ).jsonl}"
export OMP_NUM_THREADS="$threads"   # torch's and Inductor's OpenMP pool
[ -x "$py" ] && [ -f "$ort_jar" ] || { echo "peers-graph: run scripts/bench/peers-setup.sh first ($py, $ort_jar)" >&2; exit 1; }

torch_run() { LD_PRELOAD="$TORCH_PRELOAD" "$py" scripts/bench/torch_mc_graph.py "$@"; }

# measure NET TOOL: prints the tool's one JSON line on stdout (its stderr to $log.err)
measure() {
  local net="$1" tool="$2"
  local common=(--net "$net" --samples "$T" --batch "$B" --images "$images" --threads "$threads" --repeats "$repeats")
  case "$tool" in
    mcdrop) ./mcdrop bench ${MCDROP_MODEL_ARGS//NET/$net} --backend cpu --samples "$T" --batch "$B" --images "$images" \
                --threads "$threads" --warmup 1 --repeat "$repeats" --json ;;
    torch-eager) torch_run --mode eager "${common[@]}" ;;
    torch-compile) torch_run --mode compile "${common[@]}" ;;
    torch-eager-naive) torch_run --mode eager --variant naive "${common[@]}" ;;
    torch-compile-naive) torch_run --mode compile --variant naive "${common[@]}" ;;
    torch-eager-nchw) torch_run --mode eager --memory-format contiguous "${common[@]}" ;;
    ort-op|ort-uniform) "$java" --enable-native-access=ALL-UNNAMED -cp "$ort_jar" scripts/bench/ort/OrtMcGraphBench.java \
                --onnx-dir "$onnx_dir" --dropout "${tool#ort-}" "${common[@]}" ;;
    *) echo "peers-graph: unknown tool '$tool' in PEERS" >&2; return 2 ;;
  esac 2>>"$log.err" | tail -n 1
}

echo "peers-graph: $(date -u +%FT%TZ), $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2- | xargs), $(nproc) cpus;" \
     "T=$T B=$B images=$images threads=$threads repeats=$repeats rounds=$rounds; torch LD_PRELOAD=${TORCH_PRELOAD:-none}; log $log"
for r in $(seq "$rounds"); do
  for net in $nets; do
    for tool in $peers; do
      line="$(measure "$net" "$tool")"
      rate="$(printf '%s' "$line" | "$py" -c 'import json,sys
try: print(round(json.loads(sys.stdin.read())["median_passes_per_second"]))
except Exception: print("failed")')"
      printf '{"round": %d, "net": "%s", "tool": "%s", "result": %s}\n' "$r" "$net" "$tool" "${line:-null}" >>"$log"
      printf 'round %d  %-18s %-20s %s passes/s\n' "$r" "$net" "$tool" "$rate"
    done
  done
done

"$py" - "$log" <<'EOF'
import json, statistics, sys
rates = {}
for line in open(sys.argv[1]):
    try:
        rec = json.loads(line)
        rate = rec["result"]["median_passes_per_second"]
    except Exception:
        continue  # a failed measurement (its stderr is in LOG.err)
    rates.setdefault((rec["net"], rec["tool"]), []).append(rate)
print("median over rounds (passes/s), and mcdrop / tool:")
for (net, tool), v in sorted(rates.items()):
    m = statistics.median(v)
    ours = rates.get((net, "mcdrop"))
    ratio = f"  mcdrop/{tool} = {statistics.median(ours) / m:.2f}" if ours and tool != "mcdrop" else ""
    print(f"  {net:18s} {tool:20s} {m:10.1f}  (runs {', '.join(f'{x:.0f}' for x in v)}){ratio}")
EOF
