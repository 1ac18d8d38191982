#!/usr/bin/env bash
# check-ptx-old-ptxas.sh — assembles every shipped kernel PTX with CUDA 11.8's ptxas, for each GPU
# generation mcdrop targets: a second opinion on the claim that drivers older than CUDA 13 load the
# kernels. build-ptx.sh rewrites nvcc 13's ".version 9.0" to the ISA in PtxModules.PTX_ISA (7.8) and
# checks it with CUDA 13's ptxas; this runs the assembler of the CUDA release that ISA belongs to,
# the same compiler an R520-era driver JIT embeds, so a PTX construct newer than 7.8 that CUDA 13's
# ptxas let through would fail here.
#
# ptxas 11.8 comes from Debian's non-free package nvidia-cuda-toolkit (bookworm: 11.8.89), fetched
# once with `apt-get download` (no install) into target/cuda-11.8/, or give one: PTXAS_OLD=/path/to/ptxas.
# Usage (repository root): scripts/check-ptx-old-ptxas.sh      exit 0 iff every (kernel, arch) assembles
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
ARCHS="${ARCHS:-75 80 86 89 90}"
cache=target/cuda-11.8
ptxas="${PTXAS_OLD:-$cache/root/usr/bin/ptxas}"
if [ ! -x "$ptxas" ]; then
    mkdir -p "$cache"
    policy="$(apt-cache policy nvidia-cuda-toolkit 2>/dev/null || true)"
    if [[ "$policy" != *"Candidate: 11.8"* ]]; then
        cat >&2 <<'EOF'
check-ptx-old-ptxas: apt knows no nvidia-cuda-toolkit 11.8; enable Debian bookworm's non-free component, e.g.
  printf 'Types: deb\nURIs: http://deb.debian.org/debian\nSuites: bookworm\nComponents: non-free\nSigned-By: /usr/share/keyrings/debian-archive-keyring.gpg\n' \
    | sudo tee /etc/apt/sources.list.d/non-free.sources && sudo apt-get update
or point PTXAS_OLD at a CUDA 11.8 ptxas.
EOF
        exit 2
    fi
    (cd "$cache" && apt-get download nvidia-cuda-toolkit=11.8.* >download.log 2>&1) || { cat "$cache/download.log" >&2; exit 2; }
    dpkg -x "$cache"/nvidia-cuda-toolkit_11.8*_amd64.deb "$cache/root"
fi
echo "assembler: $("$ptxas" --version | tail -n1)"
failed=0
printf '%-22s' kernel; for a in $ARCHS; do printf ' %-6s' "sm_$a"; done; echo
for ptx in src/main/resources/dev/mcdrop/cuda/*.ptx; do
    printf '%-22s' "$(basename "$ptx" .ptx) ($(grep -m1 -oE '^\.version [0-9.]+' "$ptx" | cut -d' ' -f2))"
    for a in $ARCHS; do
        if out="$("$ptxas" -arch="sm_$a" "$ptx" -o /dev/null 2>&1)"; then printf ' %-6s' ok
        else printf ' %-6s' FAIL; failed=1; echo; echo "$out" | head -n 3; fi
    done
    echo
done
exit $failed
