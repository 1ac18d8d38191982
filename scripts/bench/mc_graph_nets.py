"""The two graph networks of issue 14's peer benchmark, cifar-nin and cifar-resnet20-mc, in PyTorch,
split where mcdrop splits them for MC dropout: a PREFIX (everything before the first dropout, run
once per image) and a SUFFIX (from the first dropout on, run on the replicated T·B batch with dropout
in training mode). Shared by torch_mc_graph.py (the PyTorch peer) and export_mc_graph_onnx.py (the
ONNX Runtime peer), so both peers run the same weights.

Weights are random and seeded, drawn as mcdrop's GraphPresets.random draws them (same distributions,
not the same numbers): conv and linear weights He-normal (std √(2/fan_in)), biases N(0, 0.01²); BatchNorm
scale U(0.5, 1.5), bias N(0, 0.1²), running mean N(0, 0.1²), running variance U(0.5, 2).
For inference BatchNorm is folded into the conv before it (eval mode, what a careful user or
torch.compile / ONNX Runtime would do); fold_bn=False keeps BatchNorm2d in eval mode instead.

cifar-nin (3×32×32): conv5×5 192 p2, 1×1 160, 1×1 96 (ReLU each) | Dropout 0.5, MaxPool 3/2 ceil →16²,
conv5×5 192 p2, 1×1 192, 1×1 192 (ReLU), Dropout 0.5, AvgPool 3/2 ceil →8², conv3×3 192 p1, 1×1 192,
1×1 10 (ReLU), global average pool.   Prefix output: [N, 96, 32, 32].
cifar-resnet20-mc: conv3×3 16 + BN + ReLU; 3 stages × 3 basic blocks (16, 32, 64; the first block
of stages 2 and 3 has stride 2 and a 1×1 stride-2 conv + BN shortcut); basic block: conv3×3+BN+ReLU,
Dropout 0.2, conv3×3+BN, + shortcut, ReLU; global average pool, Linear 64→10. The first dropout sits
inside block 1, so the prefix hands the suffix two tensors: the stem output (block 1's shortcut) and
block 1's first conv output, both [N, 16, 32, 32].
"""
import torch
import torch.nn as nn
import torch.nn.functional as F

NETS = ("cifar-nin", "cifar-resnet20-mc")


def relu_conv(in_c, out_c, k, pad=0, stride=1):
    return nn.Sequential(nn.Conv2d(in_c, out_c, k, stride=stride, padding=pad), nn.ReLU())


class NinPrefix(nn.Module):
    def __init__(self):
        super().__init__()
        self.block1 = nn.Sequential(relu_conv(3, 192, 5, 2), relu_conv(192, 160, 1), relu_conv(160, 96, 1))

    def forward(self, x):
        return (self.block1(x),)


class NinSuffix(nn.Module):
    def __init__(self):
        super().__init__()
        self.block2 = nn.Sequential(relu_conv(96, 192, 5, 2), relu_conv(192, 192, 1), relu_conv(192, 192, 1))
        self.block3 = nn.Sequential(relu_conv(192, 192, 3, 1), relu_conv(192, 192, 1), relu_conv(192, 10, 1))

    def forward(self, h, stochastic: bool = True):
        h = F.max_pool2d(F.dropout(h, 0.5, training=stochastic), 3, 2, ceil_mode=True)
        h = F.avg_pool2d(F.dropout(self.block2(h), 0.5, training=stochastic), 3, 2, ceil_mode=True)
        return self.block3(h).mean((2, 3))


def conv_bn(in_c, out_c, k, stride, fold_bn):
    """conv (no bias) + BatchNorm with random statistics, eval mode; folded into one conv with bias."""
    conv = nn.Conv2d(in_c, out_c, k, stride=stride, padding=k // 2, bias=False)
    nn.init.kaiming_normal_(conv.weight, nonlinearity="relu")
    conv.folded = True
    bn = nn.BatchNorm2d(out_c)
    with torch.no_grad():
        bn.weight.uniform_(0.5, 1.5)
        bn.bias.normal_(0, 0.1)
        bn.running_mean.normal_(0, 0.1)
        bn.running_var.uniform_(0.5, 2.0)
    bn.eval()
    if not fold_bn:
        return nn.Sequential(conv, bn)
    folded = nn.Conv2d(in_c, out_c, k, stride=stride, padding=k // 2, bias=True)
    folded.folded = True
    with torch.no_grad():
        scale = bn.weight / torch.sqrt(bn.running_var + bn.eps)
        folded.weight.copy_(conv.weight * scale.view(-1, 1, 1, 1))
        folded.bias.copy_(bn.bias - bn.running_mean * scale)
    return folded


class BasicBlock(nn.Module):
    def __init__(self, in_c, out_c, stride, fold_bn):
        super().__init__()
        self.conv1 = conv_bn(in_c, out_c, 3, stride, fold_bn)
        self.conv2 = conv_bn(out_c, out_c, 3, 1, fold_bn)
        self.shortcut = conv_bn(in_c, out_c, 1, stride, fold_bn) if stride != 1 or in_c != out_c else None

    def first(self, x):
        return F.relu(self.conv1(x))

    def rest(self, x, h, stochastic: bool):
        h = self.conv2(F.dropout(h, 0.2, training=stochastic))
        return F.relu(h + (x if self.shortcut is None else self.shortcut(x)))

    def forward(self, x, stochastic: bool = True):
        return self.rest(x, self.first(x), stochastic)


class ResNetPrefix(nn.Module):
    def __init__(self, stem, block1):
        super().__init__()
        self.stem, self.block1 = stem, block1

    def forward(self, x):
        s = F.relu(self.stem(x))
        return (s, self.block1.first(s))


class ResNetSuffix(nn.Module):
    def __init__(self, block1, blocks, fc):
        super().__init__()
        self.block1, self.blocks, self.fc = block1, nn.ModuleList(blocks), fc

    def forward(self, s, h, stochastic: bool = True):
        x = self.block1.rest(s, h, stochastic)
        for b in self.blocks:
            x = b(x, stochastic)
        return self.fc(x.mean((2, 3)))


def he_init(module):
    """He-normal weights and N(0, 0.01²) biases on every conv and linear layer not made by conv_bn's fold."""
    for m in module.modules():
        if isinstance(m, (nn.Conv2d, nn.Linear)) and not getattr(m, "folded", False):
            with torch.no_grad():
                nn.init.kaiming_normal_(m.weight, nonlinearity="relu")
                if m.bias is not None:
                    m.bias.normal_(0, 0.01)


def build(net, seed=1, fold_bn=True):
    """(prefix, suffix) modules in eval mode (dropout is switched by the suffix's `stochastic` argument)."""
    torch.manual_seed(seed)
    if net == "cifar-nin":
        prefix, suffix = NinPrefix(), NinSuffix()
    elif net == "cifar-resnet20-mc":
        stem = conv_bn(3, 16, 3, 1, fold_bn)
        blocks, in_c = [], 16
        for out_c, stride in ((16, 1), (32, 2), (64, 2)):
            for i in range(3):
                blocks.append(BasicBlock(in_c, out_c, stride if i == 0 else 1, fold_bn))
                in_c = out_c
        prefix = ResNetPrefix(stem, blocks[0])
        suffix = ResNetSuffix(blocks[0], blocks[1:], nn.Linear(64, 10))
    else:
        raise SystemExit(f"--net: unknown network '{net}' (known: {', '.join(NETS)})")
    he_init(prefix)
    he_init(suffix)
    return prefix.eval(), suffix.eval()


def random_images(n, seed=2):
    """n CIFAR-shaped images in [0, 1), seeded (the content does not change the work)."""
    g = torch.Generator().manual_seed(seed)
    return torch.rand(n, 3, 32, 32, generator=g)
