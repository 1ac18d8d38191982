#!/usr/bin/env bash
# Fetches Fashion-MNIST (gzip-compressed IDX files) into ${MCDROP_DATA:-data}/fashion-mnist/.
#
# Source: the Debian/Ubuntu package dataset-fashion-mnist, which installs the four original .gz
# files from https://github.com/zalandoresearch/fashion-mnist into /usr/share/datasets/fashion-mnist.
# If that folder is missing the package is installed (needs root or sudo). Idempotent: files
# already copied are left alone. The readers detect gzip by content, so the files stay compressed.
set -euo pipefail

src=/usr/share/datasets/fashion-mnist
dest="${MCDROP_DATA:-data}/fashion-mnist"
files=(train-images-idx3-ubyte.gz train-labels-idx1-ubyte.gz t10k-images-idx3-ubyte.gz t10k-labels-idx1-ubyte.gz)

if [[ ! -d "$src" ]]; then
  sudo=""
  if [[ $(id -u) -ne 0 ]]; then
    command -v sudo >/dev/null || { echo "error: need root (or sudo) to apt-get install dataset-fashion-mnist" >&2; exit 1; }
    sudo=sudo
  fi
  echo "Installing dataset-fashion-mnist with apt-get ..."
  if ! apt-cache show dataset-fashion-mnist >/dev/null 2>&1; then
    $sudo apt-get update
  fi
  $sudo env DEBIAN_FRONTEND=noninteractive apt-get install -y dataset-fashion-mnist
fi

mkdir -p "$dest"
for f in "${files[@]}"; do
  [[ -f "$src/$f" ]] || { echo "error: $src/$f is missing after installing dataset-fashion-mnist" >&2; exit 1; }
  if [[ -f "$dest/$f" ]] && cmp -s "$src/$f" "$dest/$f"; then
    continue
  fi
  cp "$src/$f" "$dest/$f"
  gzip -t "$dest/$f"
done
echo "Fashion-MNIST in $dest:"
ls -l "$dest"
