#!/usr/bin/env python3
"""The PyTorch peer of `attentionzoo bench`: the same architectures, timed the same way.

The networks match the zoo's exactly (the ResNets come from training/gpu/train_torch.py: same
layers, same SE widths max(8, C // 16), 1x1 projection shortcuts), so parameter counts agree with
`attentionzoo models`.
Inference runs under torch.inference_mode() in eval mode; training is forward, cross-entropy,
backward and a Nesterov SGD step, as the Java recipes do.

    /usr/bin/python3 peer_bench.py --model se_resnet20 --mode infer --batch-size 128 --threads 2 --json
"""
import argparse
import json
import os
import sys
import time

import torch
import torch.nn as nn
import torch.nn.functional as F

# The CIFAR ResNets (plain, SE, SK) are the ones the zoo's GPU trainer builds, layer for layer.
sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "../../training/gpu"))
import train_torch as zoo  # noqa: E402


class SimpleCNN(nn.Module):
    def __init__(self, num_classes=10):
        super().__init__()
        self.conv1 = nn.Conv2d(3, 64, 3, padding=1)
        self.se = zoo.SE(64, 16, 1)
        self.fc = nn.Linear(64 * 16 * 16, num_classes)

    def forward(self, x):
        x = self.se(F.max_pool2d(F.relu(self.conv1(x)), 2))
        return self.fc(x.flatten(1))


# As Benchmark.PROFILED_STEPS on the Java side, so both traces hold the same work.
PROFILED_STEPS = 5


def build(name):
    return SimpleCNN() if name == "simple_cnn" else zoo.build(name)


def rss_mb(field):
    with open("/proc/self/status") as f:
        for line in f:
            if line.startswith(field):
                return int(line.split()[1]) / 1024
    return float("nan")


def main():
    p = argparse.ArgumentParser()
    p.add_argument("--model", default="se_resnet20")
    p.add_argument("--mode", choices=["infer", "train"], required=True)
    p.add_argument("--batch-size", type=int, default=128)
    p.add_argument("--threads", type=int, default=2)
    p.add_argument("--seconds", type=float, default=10)
    p.add_argument("--channels-last", action="store_true")
    p.add_argument("--json", action="store_true")
    p.add_argument("--profile", metavar="TRACE.json",
                   help="after timing, record %d more steps with torch.profiler into this Chrome trace" % PROFILED_STEPS)
    a = p.parse_args()

    torch.set_num_threads(a.threads)
    torch.manual_seed(0)
    model = build(a.model)
    fmt = torch.channels_last if a.channels_last else torch.contiguous_format
    model = model.to(memory_format=fmt)
    x = torch.randn(a.batch_size, 3, 32, 32).contiguous(memory_format=fmt)
    y = torch.arange(a.batch_size) % 10

    if a.mode == "infer":
        model.eval()

        def step():
            with torch.inference_mode():
                model(x)
    else:
        model.train()
        opt = torch.optim.SGD(model.parameters(), lr=0.01, momentum=0.9, nesterov=True, weight_decay=5e-4)

        def step():
            opt.zero_grad(set_to_none=True)
            loss = F.cross_entropy(model(x), y)
            loss.backward()
            opt.step()

    warm_end = time.perf_counter() + min(3.0, a.seconds / 3)
    warm = 0
    while warm < 3 or time.perf_counter() < warm_end:
        step()
        warm += 1
    rss_start = rss_mb("VmRSS:")
    times = []
    start = time.perf_counter()
    end = start + a.seconds
    while len(times) < 5 or time.perf_counter() < end:
        t0 = time.perf_counter()
        step()
        times.append((time.perf_counter() - t0) * 1000)
    total = time.perf_counter() - start
    rss_end = rss_mb("VmRSS:")
    if a.profile:
        with torch.profiler.profile(activities=[torch.profiler.ProfilerActivity.CPU], record_shapes=True) as prof:
            for _ in range(PROFILED_STEPS):
                step()
        prof.export_chrome_trace(a.profile)
    times.sort()
    pct = lambda q: times[max(0, min(len(times) - 1, int(-(-q * len(times) // 1)) - 1))]
    result = {
        "impl": "pytorch" + ("-channels_last" if a.channels_last else ""),
        "torch": torch.__version__,
        "model": a.model, "mode": a.mode, "batch_size": a.batch_size, "threads": a.threads,
        "steps": len(times), "images_per_second": round(len(times) * a.batch_size / total, 1),
        "p50_ms": round(pct(0.5), 3), "p99_ms": round(pct(0.99), 3),
        "rss_start_mb": round(rss_start, 1), "rss_end_mb": round(rss_end, 1),
        "rss_peak_mb": round(rss_mb("VmHWM:"), 1),
        "params": sum(p.numel() for p in model.parameters()),
    }
    print(json.dumps(result) if a.json else result)


if __name__ == "__main__":
    main()
