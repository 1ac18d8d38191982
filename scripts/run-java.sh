# run-java.sh — sourced by the mcdrop launchers (./mcdrop, and dist/mcdrop from make-dist.sh):
#   run_java JAVA ARGS...   runs JAVA ARGS... and exits with its status.
#
# Why not plain `exec java`: a JVM started with --add-modules jdk.incubator.vector prints
#   WARNING: Using incubator modules: jdk.incubator.vector
# as the first line of stderr, before any program code runs, and no JVM option turns it off. So
# mcdrop's errors would never be one clean line. Here stderr goes through a filter that drops
# exactly that first line when it is that warning and passes everything else on unchanged and as
# it comes (cat: a progress line redrawn with \r shows at once, not at the next newline).
#
# What exec gave, kept: the exit status is java's; stdin, stdout and the terminal are java's;
# Ctrl-C reaches java directly (same process group, default SIGINT handling restored, since a
# background job of a script would otherwise ignore it); TERM, HUP or INT sent to the launcher's
# pid are passed on to java; the launcher returns only after the filter has written java's last
# stderr line, so `./mcdrop ... 2>err; cat err` sees all of it.

drop_incubator_warning() {
    trap '' INT TERM HUP   # live until java closes stderr, so its last words are not lost
    local first
    if IFS= read -r first; then
        [[ "$first" == "WARNING: Using incubator modules: jdk.incubator.vector" ]] || printf '%s\n' "$first"
    elif [[ -n "$first" ]]; then
        printf '%s' "$first"   # stderr ended without a newline
    fi
    exec cat
}

run_java() {
    set +e
    local java_pid filter_pid status err
    exec {err}> >(drop_incubator_warning >&2)   # a free descriptor: the caller's 3, 4, ... reach java untouched
    filter_pid=$!
    (trap - INT QUIT; exec "$@" 2>&"$err" {err}>&-) <&0 &
    java_pid=$!
    exec {err}>&-
    trap 'kill -TERM "$java_pid" 2>/dev/null' TERM HUP
    trap 'kill -INT "$java_pid" 2>/dev/null' INT
    while :; do
        wait "$java_pid"
        status=$?
        kill -0 "$java_pid" 2>/dev/null || break   # else a trapped signal ended the wait: java still runs
    done
    wait "$filter_pid" 2>/dev/null
    exit "$status"
}
