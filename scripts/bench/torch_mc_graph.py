#!/usr/bin/env python3
"""PyTorch CPU peer of issue 14's benchmark: MC-dropout prediction of cifar-nin or cifar-resnet20-mc
(random seeded weights, random images) the way mcdrop does it, timed as stochastic passes per second
(T · images / seconds). Prints ONE JSON line.

Per batch of B images (--variant split, the default, as mcdrop): the prefix (layers before the first
dropout) runs once on the B images; one standard pass (dropout off) like mcdrop's bench; then the
suffix runs on the replicated batch, K samples at a time (K·B columns per forward, features.repeat),
with F.dropout(training=True) and BatchNorm in eval mode (folded by default); softmax averaged over T.
--variant naive replicates the images and runs the whole network on every column (the usual recipe).

--mode eager runs the modules as they are (under torch.inference_mode); --mode compile runs
torch.compile (Inductor, weights frozen as constants: torch._inductor.config.freezing) and, before
timing, checks the compiled standard pass against eager's (max_standard_diff_vs_eager).

Timing: an untimed warm-up that meets every shape of a run once (one chunk of samples per batch when
the chunks divide T; compilation happens there: warmup_seconds), then --repeats timed runs.

    /work/venvs/torch/bin/python scripts/bench/torch_mc_graph.py --net cifar-nin --mode eager \
        --samples 100 --batch 256 --threads 2
(venv: scripts/bench/peers-setup.sh.) Run it with a caching allocator, as PyTorch's CPU tuning guide
advises: LD_PRELOAD=/usr/lib/x86_64-linux-gnu/libtcmalloc_minimal.so.4 (peers-graph.sh does). On the
2-vCPU VM, glibc returns each big freed tensor to the kernel and every new one pays page faults
again: a fresh 100 MB ReLU output cost 12.8 ns per element against 0.35 with tcmalloc (2026-12-03).
"""
import argparse, json, os, platform, statistics, sys, time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import torch
import torch.nn.functional as F
from mc_graph_nets import NETS, build, random_images


def cpu_model():
    try:
        with open("/proc/cpuinfo") as f:
            for line in f:
                if line.startswith("model name"):
                    return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or "unknown"


def mc_predict(prefix, suffix, images, a, samples):
    """MC mean probabilities [N, classes] over `samples` samples and standard probabilities, batch by batch."""
    mc_out, std_out = [], []
    for i in range(0, len(images), a.batch):
        xb = images[i:i + a.batch]
        b = len(xb)
        feats = prefix(xb) if a.variant == "split" else None
        if a.standard:
            f = feats if feats is not None else prefix(xb)
            std_out.append(F.softmax(suffix(*f, stochastic=False), 1))
        acc = None
        for s0 in range(0, samples, a.chunk_samples):
            k = min(a.chunk_samples, samples - s0)
            if a.variant == "split":
                rep = [t.repeat(k, 1, 1, 1).contiguous(memory_format=a.layout) for t in feats]
            else:
                rep = prefix(xb.repeat(k, 1, 1, 1).contiguous(memory_format=a.layout))
            p = F.softmax(suffix(*rep, stochastic=True), 1).view(k, b, -1).sum(0)
            acc = p if acc is None else acc + p
        mc_out.append(acc / samples)
    return torch.cat(mc_out), (torch.cat(std_out) if std_out else None)


def main():
    p = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    p.add_argument("--net", choices=NETS, required=True)
    p.add_argument("--mode", choices=["eager", "compile"], default="eager")
    p.add_argument("--variant", choices=["split", "naive"], default="split",
                   help="split: prefix once per image (as mcdrop); naive: whole net on the replicated batch")
    p.add_argument("--samples", type=int, default=100, help="T")
    p.add_argument("--batch", type=int, default=256, help="B, images per batch")
    p.add_argument("--images", type=int, default=0, help="images per run (default: one batch)")
    p.add_argument("--chunk-samples", type=int, default=0,
                   help="samples K per forward, K·B columns (default: as many as fit in 1,024 columns, at least 1)")
    p.add_argument("--threads", type=int, default=2)
    p.add_argument("--repeats", type=int, default=3, help="timed runs after the warm-up")
    p.add_argument("--seed", type=int, default=1, help="weight seed")
    p.add_argument("--no-standard", dest="standard", action="store_false",
                   help="skip the standard (dropout-off) pass per batch that mcdrop's bench includes")
    p.add_argument("--bn", choices=["fold", "eval"], default="fold", help="BatchNorm folded into its conv, or BatchNorm2d in eval mode")
    p.add_argument("--compile-mode", default="default", help="torch.compile mode (default, max-autotune, ...)")
    p.add_argument("--memory-format", choices=["channels_last", "contiguous"], default="channels_last",
                   help="activation and weight layout (channels_last: oneDNN's fast path for conv on CPU)")
    a = p.parse_args()
    for name in ("samples", "batch", "threads", "repeats"):
        if getattr(a, name) < 1:
            raise SystemExit(f"torch_mc_graph.py: --{name} must be at least 1, got {getattr(a, name)}")
    if a.images < 0 or a.chunk_samples < 0:
        raise SystemExit("torch_mc_graph.py: --images and --chunk-samples must not be negative")
    a.images = a.images or a.batch
    a.chunk_samples = min(a.samples, a.chunk_samples or max(1, 1024 // a.batch))
    torch.set_num_threads(a.threads)
    a.layout = torch.channels_last if a.memory_format == "channels_last" else torch.contiguous_format
    prefix, suffix = build(a.net, a.seed, fold_bn=a.bn == "fold")
    prefix, suffix = prefix.to(memory_format=a.layout), suffix.to(memory_format=a.layout)
    images = random_images(a.images).contiguous(memory_format=a.layout)
    extra = {}
    if a.mode == "compile":
        import torch._inductor.config as inductor_config
        inductor_config.freezing = True
        eager_prefix, eager_suffix = prefix, suffix
        prefix = torch.compile(prefix, mode=a.compile_mode, dynamic=False)
        suffix = torch.compile(suffix, mode=a.compile_mode, dynamic=False)
        ctx = torch.no_grad
    else:
        ctx = torch.inference_mode
    with ctx():
        t0 = time.perf_counter()
        # warm-up: every shape of a timed run once (compiles in compile mode): one chunk of samples
        # per batch when the chunks divide T, else the whole run
        mc, std = mc_predict(prefix, suffix, images, a, a.chunk_samples if a.samples % a.chunk_samples == 0 else a.samples)
        warmup = time.perf_counter() - t0
        if a.mode == "compile" and std is not None:
            xb = images[:a.batch]
            want = F.softmax(eager_suffix(*eager_prefix(xb), stochastic=False), 1)
            extra["max_standard_diff_vs_eager"] = (std[:len(xb)] - want).abs().max().item()
        runs = []
        for _ in range(a.repeats):
            t0 = time.perf_counter()
            mc, std = mc_predict(prefix, suffix, images, a, a.samples)
            s = time.perf_counter() - t0
            runs.append({"seconds": round(s, 4), "passes_per_second": round(a.images * a.samples / s, 1)})
    rates = [r["passes_per_second"] for r in runs]
    print(json.dumps({
        "tool": "pytorch " + torch.__version__, "net": a.net, "mode": a.mode, "variant": a.variant,
        "samples": a.samples, "batch": a.batch, "images": a.images, "chunk_columns": a.chunk_samples * a.batch,
        "threads": torch.get_num_threads(), "standard_pass": a.standard, "bn": a.bn, "memory_format": a.memory_format,
        "allocator": os.path.basename(os.environ.get("LD_PRELOAD", "")) or "glibc",
        "machine": f"{cpu_model()}, {os.cpu_count()} cpus",
        "warmup_seconds": round(warmup, 2), "runs": runs,
        "median_passes_per_second": statistics.median(rates),
        "mc_prob_sum_max_error": (mc.sum(1) - 1).abs().max().item(),
        # 0 would mean dropout never fired (the MC mean equals the standard pass exactly)
        "mc_vs_standard_max_diff": (mc - std).abs().max().item() if std is not None else None, **extra}))


if __name__ == "__main__":
    main()
