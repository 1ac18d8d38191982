#!/usr/bin/env bash
# fuzz.sh — coverage-guided fuzzing of mcdrop's file parsers with Jazzer, for real (JAZZER_FUZZ=1).
# `./mvnw test` only replays each harness's seed corpus (the CI part); this runs the libFuzzer loop
# for a given time and reports what it did. Harnesses: src/test/java/dev/mcdrop/fuzz/*FuzzTest.java;
# seeds: src/test/resources/dev/mcdrop/fuzz/<Harness>Inputs/<method>/ (remade by `fuzz.sh seeds`).
#
# Usage (repository root):
#   scripts/fuzz.sh <harness|all> <minutes>   e.g. scripts/fuzz.sh Idx 10 (= IdxFuzzTest), scripts/fuzz.sh all 10
#   scripts/fuzz.sh list                      harness names
#   scripts/fuzz.sh seeds                     rewrite the seed corpora from FuzzSeeds.java
# Harnesses run one after another, each in its own JVM (Jazzer fuzzes one test per JVM).
#
# Output: target/fuzz/logs/<harness>.log (full libFuzzer output) and one Markdown row per harness,
# printed and appended to target/fuzz/summary.md:
#   | harness | minutes | seconds run | executions | exec/s | corpus (inputs/bytes) | new inputs | coverage (edges) | crashes |
# all as libFuzzer counts them ("seconds run" is shorter than asked when FUZZ_KEEP_GOING findings
# stopped the run; corpus = libFuzzer's in-memory corpus at the end, seeds included). The working
# corpus is kept between runs in target/fuzz/corpus/<harness>/. Crash inputs go to
# target/fuzz/findings/<harness>/, never into the seed directories (every seed there must pass in a
# plain test run: add a crash input only once it is fixed). Exit status 1 if any harness had a finding.
#
# Environment: FUZZ_XMX heap per run (default 2g: an input that needs more is a finding, the JVM's
# OutOfMemoryError is reported); FUZZ_TIMEOUT seconds one input may take (default 20: a hang);
# FUZZ_KEEP_GOING distinct findings before a run stops (default 5); FUZZ_LENIENT_MESSAGES=1 skips
# the harnesses' control-character check on messages (to look past a known unescaped message).
#
# Java 25 note: Jazzer 0.24.0's ASM cannot read Java 25 class files, so its coverage
# instrumentation would skip every mcdrop class. The test class dev.mcdrop.fuzz.ClassVersionShim,
# packed here into a tiny agent jar and loaded before Jazzer, relabels those class files as Java 23
# (see its comment). The summary's coverage column shows instrumentation is working (hundreds of
# edges, not single digits).
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
export JAVA_HOME="${JAVA_HOME:-/usr/lib/jvm/temurin-25-jdk-amd64}"
export PATH="$JAVA_HOME/bin:$PATH"

HARNESSES=(SafeTensorsFile WeightsFile ArchitectureJson GraphJson Idx Cifar10 ImageFiles NpySamples OnnxFile)
usage() { echo "usage: scripts/fuzz.sh <$(IFS='|'; echo "${HARNESSES[*]}")|all> <minutes> | list | seeds" >&2; exit 2; }

out=target/fuzz
mvn_offline() { ./mvnw -B -ntp -o "$@"; }

compile() {
    mvn_offline -q test-compile
    mkdir -p "$out"
    mvn_offline -q dependency:build-classpath -Dmdep.includeScope=test -Dmdep.outputFile="$out/test-classpath.txt" >/dev/null
}

case "${1:-}" in
    list) printf '%s\n' "${HARNESSES[@]}"; exit 0 ;;
    seeds)
        compile
        java --add-modules jdk.incubator.vector -cp "target/test-classes:target/classes:$(cat "$out/test-classpath.txt")" \
            dev.mcdrop.fuzz.FuzzSeeds src/test/resources/dev/mcdrop/fuzz 2> >(grep -v '^WARNING: Using incubator' >&2)
        echo "seed corpora rewritten under src/test/resources/dev/mcdrop/fuzz"; exit 0 ;;
    all) selected=("${HARNESSES[@]}") ;;
    "") usage ;;
    *)
        name="${1%FuzzTest}"
        [[ " ${HARNESSES[*]} " == *" $name "* ]] || { echo "fuzz.sh: unknown harness '$1'" >&2; usage; }
        selected=("$name") ;;
esac
minutes="${2:-}"
[[ "$minutes" =~ ^[0-9]+([.][0-9]+)?$ ]] && awk "BEGIN{exit !($minutes > 0)}" || { echo "fuzz.sh: minutes must be a positive number, got '${minutes}'" >&2; usage; }
seconds=$(awk "BEGIN{printf \"%d\", $minutes * 60 + 0.5}")

compile
shim="$out/class-version-shim.jar"
printf 'Premain-Class: dev.mcdrop.fuzz.ClassVersionShim\nCan-Retransform-Classes: true\n' >"$out/shim-manifest.txt"
jar cfm "$shim" "$out/shim-manifest.txt" -C target/test-classes dev/mcdrop/fuzz/ClassVersionShim.class

failed=0
mkdir -p "$out/logs"
[ -f "$out/summary.md" ] || printf '| harness | minutes | seconds run | executions | exec/s | corpus (inputs/bytes) | new inputs | coverage (edges) | crashes |\n|---|---|---|---|---|---|---|---|---|\n' >"$out/summary.md"
for h in "${selected[@]}"; do
    corpus="$PWD/$out/corpus/$h"
    findings="$PWD/$out/findings/$h"
    log="$out/logs/$h.log"
    mkdir -p "$corpus" "$findings"
    before_findings=$(find "$findings" -type f | wc -l)
    instrument="dev.mcdrop.**,com.fasterxml.jackson.**"
    shim_prefixes="dev/mcdrop/"
    if [ "$h" = ImageFiles ]; then # coverage inside the JDK's decoders too
        instrument+=",com.sun.imageio.**,javax.imageio.**"
        shim_prefixes+=",com/sun/imageio/,javax/imageio/"
    fi
    case "$h" in Cifar10) max_len=16384 ;; ImageFiles) max_len=8192 ;; *) max_len=4096 ;; esac
    args=(fuzz "$corpus" "-max_total_time=$seconds" "-timeout=${FUZZ_TIMEOUT:-20}" "-artifact_prefix=$findings/"
          "-max_len=$max_len" -print_final_stats=1 -rss_limit_mb=0)
    # The harnesses' JUnit @Timeout guards plain test runs against a hanging seed; here libFuzzer's
    # -timeout does that per input, and JUnit's would end the whole run.
    argline="-javaagent:$shim=$shim_prefixes -Xmx${FUZZ_XMX:-2g}"
    argline+=" -Djunit.jupiter.execution.timeout.mode=disabled"
    [ "${FUZZ_LENIENT_MESSAGES:-0}" = 1 ] && argline+=" -Dmcdrop.fuzz.messages=lenient"
    argline+=" -Djazzer.instrument=$instrument -Djazzer.keep_going=${FUZZ_KEEP_GOING:-5}"
    for i in "${!args[@]}"; do argline+=" -Djazzer.internal.arg.$i=${args[$i]}"; done
    echo "fuzz.sh: $h for $minutes min (log: $log)" >&2
    set +e
    JAZZER_FUZZ=1 mvn_offline surefire:test -Dtest="dev.mcdrop.fuzz.${h}FuzzTest" -Dsurefire.failIfNoSpecifiedTests=false \
        -Djazzer.hooks=true "-Dfuzz.argLine=$argline" >"$log" 2>&1
    status=$?
    set -e
    # libFuzzer's own numbers: the final stats, and the last status line (#runs cov: ft: corp: files/bytes).
    execs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$log" | tail -1)
    ran=$(sed -n 's/^Done [0-9]* runs in \([0-9]*\) second.*/\1/p' "$log" | tail -1)
    rate=$(sed -n 's/^stat::average_exec_per_sec: *//p' "$log" | tail -1)
    growth=$(sed -n 's/^stat::new_units_added: *//p' "$log" | tail -1)
    last=$(grep -aE '^#[0-9]+.*cov: ' "$log" | tail -1 || true)
    [ -n "$execs" ] || execs=$(sed -n 's/^#\([0-9]*\).*/\1/p' <<<"$last")
    cov=$(sed -n 's/.*cov: \([0-9]*\).*/\1/p' <<<"$last")
    corp=$(sed -n 's/.*corp: \([0-9]*\/[0-9]*[a-zA-Z]*\).*/\1/p' <<<"$last")
    crashes=$(( $(find "$findings" -type f | wc -l) - before_findings ))
    this_failed=0
    if [ "$crashes" -gt 0 ] || [ "$status" != 0 ]; then
        failed=1 this_failed=1
        [ "$crashes" -gt 0 ] || crashes="run failed (exit $status), see log"
    fi
    label="$h"; [ "${FUZZ_LENIENT_MESSAGES:-0}" = 1 ] && label+=" (lenient messages)"
    row="| $label | $minutes | ${ran:-?} | ${execs:-?} | ${rate:-?} | ${corp:-?} | +${growth:-?} | ${cov:-?} | $crashes |"
    echo "$row" | tee -a "$out/summary.md"
    if [ "$this_failed" = 1 ]; then
        grep -aE '^== Java Exception|Test unit written to' "$log" | sort | uniq -c | head -20 >&2 || true
    fi
done
echo "fuzz.sh: summary in $out/summary.md; crash inputs (if any) under $out/findings/" >&2
exit "$failed"
