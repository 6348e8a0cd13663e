#!/usr/bin/env python3
"""The oneDNN primitives of a training step, DJL against PyTorch eager, from oneDNN's own log.

libtorch's profiler adds overhead of its own to every operator it records; oneDNN's verbose log
times each convolution and reorder inside the library, so it shows whether the kernels themselves
differ. Runs `attentionzoo bench` and `peer_bench.py` with ONEDNN_VERBOSE=1 and prints, per
primitive, implementation and kind: calls and milliseconds per training step, and per call.

    /usr/bin/python3 examples/bench/onednn.py --model se_resnet20 --threads 2

Steps are counted from the forward convolutions (--convs per step: 21 for the ResNet-20 family).
Run it from the project root after `mvn package`, on an otherwise idle machine.
"""
import argparse
import collections
import os
import subprocess
from pathlib import Path

BENCH = Path(__file__).resolve().parent
JAR = BENCH.parents[1] / "examples/target/attentionzoo.jar"


def run(cmd):
    env = dict(os.environ, ONEDNN_VERBOSE="1")
    return subprocess.run(cmd, env=env, capture_output=True, text=True, check=True).stdout


def aggregate(log):
    """(primitive, implementation, kind) -> [calls, ms], and the version line."""
    table, version = collections.defaultdict(lambda: [0, 0.0]), "?"
    for line in log.splitlines():
        if not line.startswith("onednn_verbose"):
            continue
        f = line.split(",")
        if "oneDNN v" in line:
            version = next(x for x in f if x.startswith("oneDNN v")).split(" (")[0]
        if "exec" not in f:
            continue
        i = f.index("exec")
        try:
            ms = float(f[-1])
        except ValueError:
            continue
        key = (f[i + 2], f[i + 3], f[i + 4])
        table[key][0] += 1
        table[key][1] += ms
    return table, version


def steps(table, convs):
    forward = sum(v[0] for k, v in table.items() if k[0] == "convolution" and k[2] == "forward_training")
    return max(1.0, forward / convs)


def main():
    p = argparse.ArgumentParser()
    p.add_argument("--model", default="se_resnet20")
    p.add_argument("--threads", type=int, default=2)
    p.add_argument("--batch-size", type=int, default=128)
    p.add_argument("--seconds", type=float, default=3)
    p.add_argument("--convs", type=int, default=21, help="convolutions per forward pass")
    p.add_argument("--jar", default=str(JAR))
    a = p.parse_args()
    common = ["--model", a.model, "--mode", "train", "--batch-size", str(a.batch_size), "--threads", str(a.threads),
              "--seconds", str(a.seconds), "--json"]
    djl, djl_version = aggregate(run(["java", "-Dai.djl.offline=true", "-jar", a.jar, "bench", *common]))
    pt, pt_version = aggregate(run(["/usr/bin/python3", str(BENCH / "peer_bench.py"), *common]))
    sd, sp = steps(djl, a.convs), steps(pt, a.convs)
    print(f"{a.model} train, batch {a.batch_size}, {a.threads} threads; DJL ({djl_version}) vs PyTorch ({pt_version});"
          f" per training step")
    print("| primitive | implementation | kind | DJL calls | DJL ms | ms/call | PyTorch calls | PyTorch ms | ms/call |")
    print("|---|---|---|---:|---:|---:|---:|---:|---:|")
    keys = sorted(set(djl) | set(pt), key=lambda k: -max(djl.get(k, [0, 0])[1] / sd, pt.get(k, [0, 0])[1] / sp))
    for k in keys:
        cd, td = djl.get(k, [0, 0.0])
        cp, tp = pt.get(k, [0, 0.0])
        print(f"| {k[0]} | {k[1]} | {k[2]} | {cd / sd:.1f} | {td / sd:.1f} | {td / cd if cd else 0:.3f} | "
              f"{cp / sp:.1f} | {tp / sp:.1f} | {tp / cp if cp else 0:.3f} |")
    print(f"| **all oneDNN** | | | {sum(v[0] for v in djl.values()) / sd:.0f} | {sum(v[1] for v in djl.values()) / sd:.1f} |"
          f" | {sum(v[0] for v in pt.values()) / sp:.0f} | {sum(v[1] for v in pt.values()) / sp:.1f} | |")


if __name__ == "__main__":
    main()
