#!/usr/bin/env python3
"""ONNX files for the ONNX Runtime peer of issue 14's benchmark (OrtMcGraphBench.java): cifar-nin and
cifar-resnet20-mc with the same seeded weights as torch_mc_graph.py (mc_graph_nets.py), split where
mcdrop splits them, with dropout KEPT ALIVE (ONNX Runtime otherwise treats Dropout as the identity):

  NET-prefix.onnx          images [N,3,32,32] -> f0 (, f1)   the layers before the first dropout
  NET-suffix-dropout.onnx  f0 (, f1), repeats int64[4], training bool[] -> probs [N·k, 10]
                           the features tiled k times (Tile, repeats = [k,1,1,1]), ONNX Dropout-13
                           with training_mode a graph input (training = false: the standard pass),
                           softmax. Each Dropout's mask is also a graph OUTPUT (mask_*; ask only for
                           probs at run time): ORT 1.30's EliminateDropout removes a Dropout whose
                           mask is unused even when training_mode is a true graph input (seen here)
  NET-suffix-uniform.onnx  the same without `training`, each Dropout written out as
                           x · Cast(RandomUniformLike(x) < keep) / keep (the other way to keep it alive)

Written by hand with onnx.helper from the PyTorch modules' weights (BatchNorm folded), so the graph
is exactly the benchmark's and no exporter decides about dropout. --check then runs the files in
ONNX Runtime's Python API against PyTorch: standard pass equal within 1e-5, dropout alive (two
stochastic runs differ), and ORT's MC mean equal to PyTorch's within 4.5 standard errors.

    /work/venvs/torch/bin/python scripts/bench/export_mc_graph_onnx.py --out target/peers --check
"""
import argparse, os, sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import numpy as np
import onnx
import torch
import torch.nn as nn
from onnx import TensorProto, helper, numpy_helper
from mc_graph_nets import NETS, BasicBlock, build, random_images

OPSET = 17


class Builder:
    """Nodes and initializers of one graph; each method appends a node and returns its output name."""

    def __init__(self, dropout):
        self.nodes, self.inits, self.n, self.dropout_kind = [], [], 0, dropout
        self.masks = []  # Dropout mask outputs, made graph outputs so that no optimiser removes the Dropout

    def name(self, base):
        self.n += 1
        return f"{base}_{self.n}"

    def const(self, base, array):
        name = self.name(base)
        self.inits.append(numpy_helper.from_array(np.asarray(array), name))
        return name

    def node(self, op, inputs, outputs=1, **attrs):
        outs = [self.name(op.lower()) for _ in range(outputs)]
        self.nodes.append(helper.make_node(op, inputs, outs, **attrs))
        return outs[0] if outputs == 1 else outs

    def conv(self, x, m: nn.Conv2d):
        w = self.const("w", m.weight.detach().numpy())
        b = self.const("b", m.bias.detach().numpy())
        p, s = m.padding, m.stride
        return self.node("Conv", [x, w, b], kernel_shape=list(m.kernel_size), strides=list(s),
                         pads=[p[0], p[1], p[0], p[1]])

    def relu(self, x):
        return self.node("Relu", [x])

    def pool(self, op, x, k, s):
        extra = {"count_include_pad": 0} if op == "AveragePool" else {}
        return self.node(op, [x], kernel_shape=[k, k], strides=[s, s], ceil_mode=1, **extra)

    def dropout(self, x, p):
        if self.dropout_kind == "op":
            y, mask = self.node("Dropout", [x, self.const("ratio", np.float32(p)), "training"], outputs=2)
            self.masks.append(mask)
            return y
        keep = np.float32(1 - p)
        u = self.node("RandomUniformLike", [x], dtype=TensorProto.FLOAT)
        mask = self.node("Cast", [self.node("Less", [u, self.const("keep", keep)])], to=TensorProto.FLOAT)
        return self.node("Mul", [self.node("Mul", [x, mask]), self.const("scale", np.float32(1 / keep))])

    def global_pool(self, x):
        return self.node("Flatten", [self.node("GlobalAveragePool", [x])], axis=1)

    def linear(self, x, m: nn.Linear):
        return self.node("Gemm", [x, self.const("w", m.weight.detach().numpy()), self.const("b", m.bias.detach().numpy())], transB=1)

    def relu_convs(self, x, seq):
        for unit in seq:
            x = self.relu(self.conv(x, unit[0]))
        return x

    def block_rest(self, blk: BasicBlock, x, h):
        h = self.conv(self.dropout(h, 0.2), blk.conv2)
        sc = x if blk.shortcut is None else self.conv(x, blk.shortcut)
        return self.relu(self.node("Add", [h, sc]))


def prefix_graph(net, prefix):
    g = Builder("op")
    if net == "cifar-nin":
        outs = [g.relu_convs("images", prefix.block1)]
    else:
        s = g.relu(g.conv("images", prefix.stem))
        outs = [s, g.relu(g.conv(s, prefix.block1.conv1))]
    return g, outs


def suffix_graph(net, suffix, dropout):
    g = Builder(dropout)
    feats = ["f0"] if net == "cifar-nin" else ["f0", "f1"]
    tiled = [g.node("Tile", [f, "repeats"]) for f in feats]
    if net == "cifar-nin":
        h = g.pool("MaxPool", g.dropout(tiled[0], 0.5), 3, 2)
        h = g.pool("AveragePool", g.dropout(g.relu_convs(h, suffix.block2), 0.5), 3, 2)
        logits = g.global_pool(g.relu_convs(h, suffix.block3))
    else:
        x = g.block_rest(suffix.block1, tiled[0], tiled[1])
        for blk in suffix.blocks:
            x = g.block_rest(blk, x, g.relu(g.conv(x, blk.conv1)))
        logits = g.linear(g.global_pool(x), suffix.fc)
    return g, feats, g.node("Softmax", [logits], axis=1)


def model(g, inputs, outputs, name):
    graph = helper.make_graph(g.nodes, name, inputs, outputs, g.inits)
    m = helper.make_model(graph, opset_imports=[helper.make_opsetid("", OPSET)], producer_name="mcdrop peers")
    m.ir_version = 8
    onnx.checker.check_model(m)
    return m


def export(net, out, seed):
    prefix, suffix = build(net, seed)
    chans = 96 if net == "cifar-nin" else 16
    feat = lambda n: helper.make_tensor_value_info(n, TensorProto.FLOAT, ["N", chans, 32, 32])
    g, outs = prefix_graph(net, prefix)
    renamed = [f"f{i}" for i in range(len(outs))]
    g.nodes += [helper.make_node("Identity", [o], [r]) for o, r in zip(outs, renamed)]
    images = helper.make_tensor_value_info("images", TensorProto.FLOAT, ["N", 3, 32, 32])
    paths = {"prefix": os.path.join(out, f"{net}-prefix.onnx")}
    onnx.save(model(g, [images], [feat(r) for r in renamed], f"{net}-prefix"), paths["prefix"])
    for kind in ("dropout", "uniform"):
        g, feats, probs = suffix_graph(net, suffix, "op" if kind == "dropout" else "uniform")
        g.nodes.append(helper.make_node("Identity", [probs], ["probs"]))
        inputs = [feat(f) for f in feats] + [helper.make_tensor_value_info("repeats", TensorProto.INT64, [4])]
        if kind == "dropout":
            inputs.append(helper.make_tensor_value_info("training", TensorProto.BOOL, []))
        paths[kind] = os.path.join(out, f"{net}-suffix-{kind}.onnx")
        outputs = [helper.make_tensor_value_info("probs", TensorProto.FLOAT, ["M", 10])]
        outputs += [helper.make_tensor_value_info(m, TensorProto.BOOL, ["M", "C", "H", "W"]) for m in g.masks]
        onnx.save(model(g, inputs, outputs, f"{net}-suffix-{kind}"), paths[kind])
    return prefix, suffix, paths


def check(net, prefix, suffix, paths, threads, samples=400, images=2):
    """Standard pass vs PyTorch, dropout alive, MC mean vs PyTorch's within 4.5 standard errors."""
    import onnxruntime as ort
    opts = ort.SessionOptions()
    opts.intra_op_num_threads = threads
    sess = {k: ort.InferenceSession(p, opts, providers=["CPUExecutionProvider"]) for k, p in paths.items()}
    x = random_images(images, seed=7)
    feats = sess["prefix"].run(None, {"images": x.numpy()})
    fin = {f"f{i}": f for i, f in enumerate(feats)}
    one = np.array([1, 1, 1, 1], dtype=np.int64)
    std_ort = sess["dropout"].run(["probs"], {**fin, "repeats": one, "training": np.array(False)})[0]
    with torch.inference_mode():
        tf = prefix(x)
        std_torch = torch.softmax(suffix(*tf, stochastic=False), 1).numpy()
        mc_torch = torch.softmax(suffix(*[t.repeat(samples, 1, 1, 1) for t in tf], stochastic=True), 1).numpy()
    results = {"standard_max_diff": float(np.abs(std_ort - std_torch).max())}
    ok = results["standard_max_diff"] <= 1e-5
    rep = np.array([samples, 1, 1, 1], dtype=np.int64)
    t = mc_torch.reshape(samples, images, -1)
    for kind in ("dropout", "uniform"):
        feed = {**fin, "repeats": rep, **({"training": np.array(True)} if kind == "dropout" else {})}
        a, b = sess[kind].run(["probs"], feed)[0], sess[kind].run(["probs"], feed)[0]
        alive = not np.array_equal(a, b) and not np.allclose(a[:images], std_ort, atol=1e-7)
        o = a.reshape(samples, images, -1)
        se = np.sqrt(o.var(0, ddof=1) / samples + t.var(0, ddof=1) / samples) + 1e-12
        z = float((np.abs(o.mean(0) - t.mean(0)) / se).max())
        results[kind] = {"alive": bool(alive), "mc_mean_max_z_vs_torch": round(z, 2)}
        ok = ok and alive and z <= 4.5
    print(f"{net}: {'ok' if ok else 'FAILED'} {results}")
    return ok


def main():
    p = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    p.add_argument("--out", default="target/peers", help="folder for the .onnx files")
    p.add_argument("--net", choices=NETS, action="append", help="default: both")
    p.add_argument("--seed", type=int, default=1, help="weight seed (the same as torch_mc_graph.py's)")
    p.add_argument("--check", action="store_true", help="compare with PyTorch in ONNX Runtime's Python API")
    p.add_argument("--threads", type=int, default=2)
    a = p.parse_args()
    os.makedirs(a.out, exist_ok=True)
    torch.set_num_threads(a.threads)
    ok = True
    for net in a.net or NETS:
        prefix, suffix, paths = export(net, a.out, a.seed)
        print(f"{net}: wrote " + ", ".join(paths.values()))
        if a.check:
            ok = check(net, prefix, suffix, paths, a.threads) and ok
    sys.exit(0 if ok else 1)


if __name__ == "__main__":
    main()
