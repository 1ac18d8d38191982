#!/usr/bin/env bash
# first-line.sh — seconds from starting the JVM of `mcdrop predict` (jar already built) to its first
# JSON line on stdout, and to its end, on the bundled model and data. For docs/BENCHMARKS.md
# ("Quick start: time to the first line").
# Usage: scripts/bench/first-line.sh [JAR] [RUNS]    (default target/mcdrop.jar, 5 runs)
set -euo pipefail
root="$(cd "$(dirname "$0")/../.." && pwd)"
jar="${1:-$root/target/mcdrop.jar}"
runs="${2:-5}"
java="${JAVA_HOME:-/usr/lib/jvm/temurin-25-jdk-amd64}/bin/java"
for i in $(seq "$runs"); do
  start=$(date +%s.%N)
  "$java" -Xmx8g --add-modules jdk.incubator.vector --enable-native-access=ALL-UNNAMED -Dmcdrop.home="$root" \
      -jar "$jar" predict --backend cpu 2>/dev/null |
    { IFS= read -r _; first=$(date +%s.%N); lines=$((1 + $(wc -l)))
      end=$(date +%s.%N)
      echo "run $i: first line after $(echo "$first - $start" | bc -l | xargs printf '%.2f') s, $lines lines after $(echo "$end - $start" | bc -l | xargs printf '%.2f') s"; }
done
