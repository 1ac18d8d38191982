#!/usr/bin/env bash
# Regenerates the small data slices committed under test-data/ from the full data sets in
# ${MCDROP_DATA:-data} (fetch those first with scripts/fetch-mnist.sh and
# scripts/fetch-fashion-mnist.sh). Output is byte-for-byte reproducible (gzip mtime 0, no file
# name in the gzip header, fixed PNG encoding), so rerunning it leaves git clean.
#
#   test-data/mnist/t10k-{images-first1000-idx3,labels-first1000-idx1}-ubyte.gz
#       the first 1,000 images and labels of the MNIST test set (t10k)
#   test-data/fashion-mnist/t10k-{images-first200-idx3,labels-first200-idx1}-ubyte.gz
#       the first 200 images and labels of the Fashion-MNIST test set
#   test-data/images/digit-7.png           MNIST test image 0 (a 7), 28x28 gray, white on black
#   test-data/images/digit-2-inverted.png  MNIST test image 1 (a 2), inverted to black on white and
#                                          scaled 2x to 56x56 by pixel duplication
#
# It prints the label histogram of each slice (recorded in test-data/README.md).
# Needs only python3 (standard library).
set -euo pipefail

data="${MCDROP_DATA:-data}"
out="$(cd "$(dirname "$0")/.." && pwd)/test-data"

python3 - "$data" "$out" <<'PY'
import gzip, io, os, struct, sys, zlib

data, out = sys.argv[1], sys.argv[2]

def find(path):
    for p in (path, path + ".gz"):
        if os.path.isfile(p):
            return p
    sys.exit(f"error: {path}[.gz] not found; run scripts/fetch-mnist.sh and scripts/fetch-fashion-mnist.sh")

def read_idx(path):
    raw = open(path, "rb").read()
    if raw[:2] == b"\x1f\x8b":
        raw = gzip.decompress(raw)
    magic, = struct.unpack(">I", raw[:4])
    ndim = magic & 0xFF
    dims = struct.unpack(">" + "I" * ndim, raw[4:4 + 4 * ndim])
    return dims, raw[4 + 4 * ndim:]

def write_gz(path, payload):
    os.makedirs(os.path.dirname(path), exist_ok=True)
    buf = io.BytesIO()
    with gzip.GzipFile(filename="", mode="wb", fileobj=buf, compresslevel=9, mtime=0) as g:
        g.write(payload)
    open(path, "wb").write(buf.getvalue())

def slice_pair(src_dir, dst_dir, n, title):
    (count, rows, cols), pixels = read_idx(find(f"{src_dir}/t10k-images-idx3-ubyte"))
    (lcount,), labels = read_idx(find(f"{src_dir}/t10k-labels-idx1-ubyte"))
    assert count == lcount >= n and rows == cols == 28
    write_gz(f"{dst_dir}/t10k-images-first{n}-idx3-ubyte.gz",
             struct.pack(">IIII", 0x803, n, rows, cols) + pixels[:n * rows * cols])
    write_gz(f"{dst_dir}/t10k-labels-first{n}-idx1-ubyte.gz", struct.pack(">II", 0x801, n) + labels[:n])
    hist = [0] * 10
    for b in labels[:n]:
        hist[b] += 1
    print(f"{title} first {n}: labels 0..9 -> {hist}; first labels {list(labels[:10])}")
    return pixels

def write_png(path, rows):
    h, w = len(rows), len(rows[0])
    def chunk(kind, body):
        return struct.pack(">I", len(body)) + kind + body + struct.pack(">I", zlib.crc32(kind + body) & 0xFFFFFFFF)
    raw = b"".join(b"\x00" + bytes(r) for r in rows)
    png = (b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", struct.pack(">IIBBBBB", w, h, 8, 0, 0, 0, 0))
           + chunk(b"IDAT", zlib.compress(raw, 9)) + chunk(b"IEND", b""))
    os.makedirs(os.path.dirname(path), exist_ok=True)
    open(path, "wb").write(png)

mnist = slice_pair(f"{data}/mnist", f"{out}/mnist", 1000, "MNIST test")
slice_pair(f"{data}/fashion-mnist", f"{out}/fashion-mnist", 200, "Fashion-MNIST test")

image = lambda i: [list(mnist[i * 784 + y * 28: i * 784 + y * 28 + 28]) for y in range(28)]
write_png(f"{out}/images/digit-7.png", image(0))
two = [[255 - v for v in row for _ in range(2)] for row in image(1) for _ in range(2)]
write_png(f"{out}/images/digit-2-inverted.png", two)
print(f"wrote {out}")
PY
