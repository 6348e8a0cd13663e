#!/usr/bin/env python3
"""Generates the PyTorch parity fixtures for `import-torch` / `infer` tests.

Builds the reference modules with their own parameter names (senet.pytorch's SELayer and CIFAR
SE-ResNet, SEBlock with avg and max pooling, SKAttention, the seed's SimpleCNN with its `se1.fc1` /
`se1.fc2`, and a SimpleCNN built on SELayer), and the SK-ResNet-20 of training/gpu/train_torch.py,
with random weights and random BatchNorm statistics, and saves for each:
  NAME.npz or NAME.safetensors   the state_dict (num_batches_tracked included, as PyTorch saves it)
  NAME.input.npy                 a random NCHW float32 input
  NAME.output.npy                the module's output in eval mode

Run with Debian's PyTorch:  /usr/bin/python3 make_fixtures.py  (in this directory)
"""
import json
import os
import struct
import sys
from collections import OrderedDict

import numpy as np
import torch
import torch.nn as nn
import torch.nn.functional as F

torch.manual_seed(20261122)


class SELayer(nn.Module):
    def __init__(self, channel, reduction=16):
        super().__init__()
        self.avg_pool = nn.AdaptiveAvgPool2d(1)
        self.fc = nn.Sequential(
            nn.Linear(channel, channel // reduction, bias=False),
            nn.ReLU(inplace=True),
            nn.Linear(channel // reduction, channel, bias=False),
            nn.Sigmoid())

    def forward(self, x):
        b, c, _, _ = x.size()
        y = self.avg_pool(x).view(b, c)
        y = self.fc(y).view(b, c, 1, 1)
        return x * y.expand_as(x)


class SEBasicBlock(nn.Module):
    """senet.pytorch's CifarSEBasicBlock."""

    def __init__(self, inplanes, planes, stride=1, reduction=16):
        super().__init__()
        self.conv1 = nn.Conv2d(inplanes, planes, 3, stride, 1, bias=False)
        self.bn1 = nn.BatchNorm2d(planes)
        self.relu = nn.ReLU(inplace=True)
        self.conv2 = nn.Conv2d(planes, planes, 3, 1, 1, bias=False)
        self.bn2 = nn.BatchNorm2d(planes)
        self.se = SELayer(planes, reduction)
        if inplanes != planes or stride != 1:
            self.downsample = nn.Sequential(
                nn.Conv2d(inplanes, planes, 1, stride, bias=False), nn.BatchNorm2d(planes))
        else:
            self.downsample = None

    def forward(self, x):
        residual = x if self.downsample is None else self.downsample(x)
        out = self.relu(self.bn1(self.conv1(x)))
        out = self.bn2(self.conv2(out))
        out = self.se(out)
        return self.relu(out + residual)


class CifarSEResNet(nn.Module):
    def __init__(self, n_size, num_classes=10, reduction=16):
        super().__init__()
        self.inplane = 16
        self.conv1 = nn.Conv2d(3, 16, 3, 1, 1, bias=False)
        self.bn1 = nn.BatchNorm2d(16)
        self.relu = nn.ReLU(inplace=True)
        self.layer1 = self._make_layer(16, n_size, 1, reduction)
        self.layer2 = self._make_layer(32, n_size, 2, reduction)
        self.layer3 = self._make_layer(64, n_size, 2, reduction)
        self.avgpool = nn.AdaptiveAvgPool2d(1)
        self.fc = nn.Linear(64, num_classes)

    def _make_layer(self, planes, blocks, stride, reduction):
        layers = []
        for s in [stride] + [1] * (blocks - 1):
            layers.append(SEBasicBlock(self.inplane, planes, s, reduction))
            self.inplane = planes
        return nn.Sequential(*layers)

    def forward(self, x):
        x = self.relu(self.bn1(self.conv1(x)))
        x = self.layer3(self.layer2(self.layer1(x)))
        x = self.avgpool(x)
        return self.fc(x.view(x.size(0), -1))


class SKAttention(nn.Module):
    def __init__(self, channel=512, kernels=(1, 3, 5, 7), reduction=16, group=1, L=32):
        super().__init__()
        self.d = max(L, channel // reduction)
        self.convs = nn.ModuleList([])
        for k in kernels:
            self.convs.append(nn.Sequential(OrderedDict([
                ('conv', nn.Conv2d(channel, channel, kernel_size=k, padding=k // 2, groups=group)),
                ('bn', nn.BatchNorm2d(channel)),
                ('relu', nn.ReLU())])))
        self.fc = nn.Linear(channel, self.d)
        self.fcs = nn.ModuleList([nn.Linear(self.d, channel) for _ in kernels])
        self.softmax = nn.Softmax(dim=0)

    def forward(self, x):
        bs, c, _, _ = x.size()
        conv_outs = [conv(x) for conv in self.convs]
        feats = torch.stack(conv_outs, 0)
        U = sum(conv_outs)
        S = U.mean(-1).mean(-1)
        Z = self.fc(S)
        weights = torch.stack([fc(Z).view(bs, c, 1, 1) for fc in self.fcs], 0)
        return (self.softmax(weights) * feats).sum(0)


class SEBlock(nn.Module):
    """SE with a pooling mode ("avg" or "max") and its MLP in fc_layers, bias-free."""

    def __init__(self, channels, pooling="avg", ratio=4):
        super().__init__()
        self.pool = nn.AdaptiveAvgPool2d(1) if pooling == "avg" else nn.AdaptiveMaxPool2d(1)
        self.fc_layers = nn.Sequential(
            nn.Linear(channels, channels // ratio, bias=False),
            nn.ReLU(inplace=True),
            nn.Linear(channels // ratio, channels, bias=False),
            nn.Sigmoid())

    def forward(self, x):
        b, c, _, _ = x.size()
        return x * self.fc_layers(self.pool(x).view(b, c)).view(b, c, 1, 1)


class SimpleCNNSEBlock(nn.Module):
    """The seed SimpleCNN's SE block: two bias-free Linear layers fc1 / fc2, avg-pooled, sigmoid."""

    def __init__(self, channels, reduction=16):
        super().__init__()
        self.fc1 = nn.Linear(channels, channels // reduction, bias=False)
        self.fc2 = nn.Linear(channels // reduction, channels, bias=False)

    def forward(self, x):
        b, c, _, _ = x.size()
        y = torch.sigmoid(self.fc2(torch.relu(self.fc1(x.mean((2, 3))))))
        return x * y.view(b, c, 1, 1)


class SimpleCNN(nn.Module):
    """The seed network: conv 3->64 3x3 pad 1, ReLU, max-pool 2, SE (se1), linear 64*16*16 -> 10."""

    def __init__(self, num_classes=10):
        super().__init__()
        self.conv1 = nn.Conv2d(3, 64, kernel_size=3, padding=1)
        self.se1 = SimpleCNNSEBlock(64, 16)
        self.fc = nn.Linear(64 * 16 * 16, num_classes)

    def forward(self, x):
        x = self.se1(F.max_pool2d(F.relu(self.conv1(x)), 2))
        return self.fc(x.view(x.size(0), -1))


class SimpleCNNWithSELayer(nn.Module):
    """SimpleCNN with senet.pytorch's SELayer as its SE block (names se.fc.0 / se.fc.2)."""

    def __init__(self, num_classes=10):
        super().__init__()
        self.conv1 = nn.Conv2d(3, 64, kernel_size=3, padding=1)
        self.relu = nn.ReLU(inplace=True)
        self.pool = nn.MaxPool2d(2, 2)
        self.se = SELayer(64, 16)
        self.fc = nn.Linear(64 * 16 * 16, num_classes)

    def forward(self, x):
        x = self.se(self.pool(self.relu(self.conv1(x))))
        return self.fc(x.view(x.size(0), -1))


def randomize(module):
    """Random weights, and BatchNorm statistics far from the defaults so that they matter."""
    with torch.no_grad():
        for m in module.modules():
            if isinstance(m, (nn.BatchNorm1d, nn.BatchNorm2d)):
                m.weight.uniform_(0.5, 1.5)
                m.bias.normal_(0, 0.2)
                m.running_mean.normal_(0, 0.2)
                m.running_var.uniform_(0.5, 2.0)
                m.num_batches_tracked.fill_(100)
    return module.eval()


def save_npy(path, array):
    np.save(path, np.ascontiguousarray(array, dtype=np.float32))


def save_state(name, module, fmt):
    state = OrderedDict((k, v.detach().cpu().numpy()) for k, v in module.state_dict().items())
    if fmt == "npz":
        np.savez(name + ".npz", **state)
    else:
        header, blobs, offset = {}, [], 0
        for k, v in state.items():
            data = np.ascontiguousarray(v).tobytes()
            dtype = {"float32": "F32", "int64": "I64"}[str(v.dtype)]
            header[k] = {"dtype": dtype, "shape": list(v.shape), "data_offsets": [offset, offset + len(data)]}
            blobs.append(data)
            offset += len(data)
        head = json.dumps(header, separators=(",", ":")).encode()
        head += b" " * ((8 - len(head) % 8) % 8)
        with open(name + ".safetensors", "wb") as f:
            f.write(struct.pack("<Q", len(head)))
            f.write(head)
            for b in blobs:
                f.write(b)


def fixture(name, module, input_shape, fmt="npz"):
    module = randomize(module)
    x = torch.randn(*input_shape)
    with torch.no_grad():
        y = module(x)
    save_state(name, module, fmt)
    save_npy(name + ".input.npy", x.numpy())
    save_npy(name + ".output.npy", y.numpy())


if __name__ == "__main__":
    fixture("se_layer", SELayer(32, 16), (2, 32, 6, 6))
    fixture("se_basic_block", SEBasicBlock(16, 32, 2), (2, 16, 8, 8))
    fixture("sk_attention", SKAttention(32, (1, 3, 5, 7), 16, 1, 32), (2, 32, 6, 6))
    fixture("simple_cnn", SimpleCNNWithSELayer(), (2, 3, 32, 32))
    fixture("se_resnet20", CifarSEResNet(3), (2, 3, 32, 32), "npz")
    fixture("se_resnet32", CifarSEResNet(5), (2, 3, 32, 32), "safetensors")
    fixture("se_resnet56", CifarSEResNet(9), (2, 3, 32, 32), "npz")
    # The SK-ResNet as the GPU trainer builds it, so its layout (layerS.B.sk.*) is the one tested.
    sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "../../../../../training/gpu"))
    import train_torch
    fixture("sk_resnet20", train_torch.build("sk_resnet20", init="torch"), (2, 3, 32, 32), "npz")
    # Added later, so the fixtures above keep their random draws.
    fixture("simple_cnn_seed", SimpleCNN(), (2, 3, 32, 32))
    fixture("se_block_avg", SEBlock(32, "avg", 4), (2, 32, 6, 6))
    fixture("se_block_max", SEBlock(32, "max", 4), (2, 32, 6, 6))
