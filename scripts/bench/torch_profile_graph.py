"""Per-op time of PyTorch eager on one MC chunk of a graph network (issue 14's peer profile).

Runs the suffix (everything after the first dropout) of cifar-nin or cifar-resnet20-mc on a replicated
chunk of 1,024 columns with dropout live, under torch.profiler, and prints the top ops by self CPU
time: the peer's side of `./mcdrop bench --profile`. Usage (tcmalloc preloaded as peers-graph.sh does):
  LD_PRELOAD=/usr/lib/x86_64-linux-gnu/libtcmalloc_minimal.so.4 /work/venvs/torch/bin/python \
      scripts/bench/torch_profile_graph.py --net cifar-resnet20-mc [--chunks 8]
"""
import argparse
import torch
from mc_graph_nets import build, random_images

p = argparse.ArgumentParser()
p.add_argument("--net", required=True)
p.add_argument("--chunks", type=int, default=8)
p.add_argument("--threads", type=int, default=2)
a = p.parse_args()
torch.set_num_threads(a.threads)
prefix, suffix = build(a.net)
layout = torch.channels_last
prefix, suffix = prefix.to(memory_format=layout), suffix.to(memory_format=layout)
x = random_images(256).contiguous(memory_format=layout)
with torch.inference_mode():
    feats = prefix(x)
    rep = tuple(f.repeat(4, 1, 1, 1).contiguous(memory_format=layout) for f in feats)  # 1,024 columns
    suffix(*rep, stochastic=True)
    with torch.profiler.profile(activities=[torch.profiler.ProfilerActivity.CPU]) as prof:
        for _ in range(a.chunks):
            suffix(*rep, stochastic=True)
print(prof.key_averages().table(sort_by="self_cpu_time_total", row_limit=12))
