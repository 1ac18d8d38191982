#!/usr/bin/env python3
"""PyTorch side of the GPU comparison (issue 3): lenet-all MC dropout, T samples per image, the
fast way (replicated batch, dropout in training mode, cuDNN), on the same weights and images as
mcdrop. Prints one JSON line: passes/s and MC test error, for --precision fp32 | tf32 | bf16.
With --compare-standard FILE.jsonl (mcdrop predict output) it instead checks that PyTorch's
forward pass with dropout off gives mcdrop's standard_probs on the same weights and images:
an independent implementation of conv, pooling and flatten order agreeing with mcdrop's.

Needs only torch and numpy (the .safetensors header is read here). --device cpu runs the same code
without a GPU (scripts/gpu/rehearse.sh does, with Debian's PyTorch 1.13); the timings that count
are on the GPU."""
import argparse, gzip, json, struct, time
import numpy as np
import torch
import torch.nn as nn
import torch.nn.functional as F


def load_safetensors(path):
    with open(path, "rb") as f:
        n = struct.unpack("<Q", f.read(8))[0]
        header = json.loads(f.read(n))
        data = f.read()
    out = {}
    for name, e in header.items():
        if name == "__metadata__":
            continue
        a, b = e["data_offsets"]
        out[name] = torch.from_numpy(np.frombuffer(data[a:b], dtype="<f4").reshape(e["shape"]).copy())
    return out


def load_idx(images, labels):
    op = lambda p: gzip.open(p, "rb") if open(p, "rb").read(2) == b"\x1f\x8b" else open(p, "rb")
    with op(images) as f:
        _, n, h, w = struct.unpack(">IIII", f.read(16))
        x = np.frombuffer(f.read(n * h * w), dtype=np.uint8).reshape(n, 1, h, w)
    with op(labels) as f:
        _, m = struct.unpack(">II", f.read(8))
        y = np.frombuffer(f.read(m), dtype=np.uint8)
    return torch.from_numpy(x.astype(np.float32) / 256.0), torch.from_numpy(y.astype(np.int64))


class LeNetAll(nn.Module):
    def __init__(self, w, device):
        super().__init__()
        self.w = {k: v.to(device) for k, v in w.items()}

    def forward(self, x, stochastic=True):
        w = self.w
        x = F.dropout(F.conv2d(x, w["conv1.weight"], w["conv1.bias"]), 0.5, training=stochastic)
        x = F.max_pool2d(x, 2, 2)
        x = F.dropout(F.conv2d(x, w["conv2.weight"], w["conv2.bias"]), 0.5, training=stochastic)
        x = F.max_pool2d(x, 2, 2).flatten(1)
        x = F.dropout(F.relu(F.linear(x, w["ip1.weight"], w["ip1.bias"])), 0.5, training=stochastic)
        return F.linear(x, w["ip2.weight"], w["ip2.bias"])


def compare_standard(net, x, path):
    """Max |PyTorch − mcdrop| over the standard (dropout-off) probabilities of every image in path."""
    rows = [json.loads(line) for line in open(path)]
    idx = torch.tensor([r["index"] for r in rows], device=x.device)
    theirs = torch.tensor([r["standard_probs"] for r in rows], dtype=torch.float64)
    with torch.no_grad():
        ours = net(x[idx], stochastic=False).softmax(1).double().cpu()
    diff = (ours - theirs).abs().max().item()
    same = int((ours.argmax(1) == theirs.argmax(1)).sum().item())
    print(json.dumps({"tool": "pytorch " + torch.__version__, "check": "standard probabilities vs mcdrop",
                      "images": len(rows), "max_abs_difference": diff, "same_class": same,
                      "ok": diff <= 1e-5 and same == len(rows)}))


def main():
    p = argparse.ArgumentParser()
    p.add_argument("--model", default="models/lenet-all.safetensors")
    p.add_argument("--images", default="data/mnist/t10k-images-idx3-ubyte")
    p.add_argument("--labels", default="data/mnist/t10k-labels-idx1-ubyte")
    p.add_argument("--samples", type=int, default=100)
    p.add_argument("--batch", type=int, default=100, help="images per replicated batch (batch·T rows)")
    p.add_argument("--precision", choices=["fp32", "tf32", "bf16"], default="fp32")
    p.add_argument("--compare-standard", metavar="FILE.jsonl", help="mcdrop predict output to check instead of timing")
    p.add_argument("--device", default="cuda", help="cuda (default) or cpu (rehearsal without a GPU)")
    p.add_argument("--threads", type=int, default=0, help="CPU threads for torch (0: torch's default)")
    a = p.parse_args()
    if a.threads > 0:
        torch.set_num_threads(a.threads)
    dev = torch.device(a.device)
    sync = torch.cuda.synchronize if dev.type == "cuda" else (lambda: None)
    torch.backends.cudnn.benchmark = True
    torch.backends.cuda.matmul.allow_tf32 = a.precision == "tf32"
    torch.backends.cudnn.allow_tf32 = a.precision == "tf32"
    net = LeNetAll(load_safetensors(a.model), dev)
    x, y = load_idx(a.images, a.labels)
    x, y = x.to(dev), y.to(dev)
    if a.compare_standard:
        compare_standard(net, x, a.compare_standard)
        return

    def run():
        # The count stays on the GPU (no .item() per batch, which would synchronise every batch and
        # stall the launch queue); read once at the end.
        correct = torch.zeros((), dtype=torch.int64, device=dev)
        for i in range(0, len(x), a.batch):
            xb = x[i:i + a.batch]
            rep = xb.repeat(a.samples, 1, 1, 1)                      # [T·B, 1, 28, 28]
            with torch.autocast(dev.type, dtype=torch.bfloat16, enabled=a.precision == "bf16"):
                logits = net(rep)
            probs = logits.float().softmax(1).view(a.samples, len(xb), -1).mean(0)
            correct += (probs.argmax(1) == y[i:i + a.batch]).sum()
        return correct

    with torch.no_grad():
        run()                                                        # warm-up (cuDNN autotune)
        sync()
        t0 = time.perf_counter()
        correct = run()
        sync()
        s = time.perf_counter() - t0
        correct = int(correct.item())
    print(json.dumps({"tool": "pytorch " + torch.__version__, "precision": a.precision, "device": torch.cuda.get_device_name() if dev.type == "cuda" else f"cpu ({torch.get_num_threads()} threads)",
                      "images": len(x), "samples": a.samples, "seconds": s, "passes_per_s": len(x) * a.samples / s,
                      "mc_error_percent": 100.0 * (1 - correct / len(x))}))


if __name__ == "__main__":
    main()
