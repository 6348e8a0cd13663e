#!/usr/bin/env python3
"""Runs `attentionzoo bench` and the PyTorch peer alternately in one session and prints the ratios.

    /usr/bin/python3 examples/bench/compare.py --model se_resnet20 --rounds 3 --seconds 10

Each round runs, one after the other: DJL infer, PyTorch infer, DJL train, PyTorch train (and
the same at batch 1 for serving latency). The table reports the median over rounds of each side
and DJL / PyTorch. Run it on an otherwise idle machine, from the project root, after `mvn package`.
"""
import argparse
import json
import statistics
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
JAR = ROOT / "examples/target/attentionzoo.jar"
PEER = Path(__file__).resolve().parent / "peer_bench.py"


def run(cmd):
    out = subprocess.run(cmd, capture_output=True, text=True, check=True).stdout
    lines = [line for line in out.splitlines() if line.startswith("{")]
    return json.loads(lines[-1])


def djl(model, mode, batch, threads, seconds, jar=JAR):
    return run(["java", "-Dai.djl.offline=true", "-jar", str(jar), "bench", "--model", model, "--mode", mode,
                "--batch-size", str(batch), "--threads", str(threads), "--seconds", str(seconds), "--json"])


def peer(model, mode, batch, threads, seconds, channels_last):
    cmd = ["/usr/bin/python3", str(PEER), "--model", model, "--mode", mode, "--batch-size", str(batch),
           "--threads", str(threads), "--seconds", str(seconds), "--json"]
    return run(cmd + (["--channels-last"] if channels_last else []))


def main():
    p = argparse.ArgumentParser()
    p.add_argument("--model", default="se_resnet20")
    p.add_argument("--baseline", default="resnet20", help="plain network for the SE overhead row")
    p.add_argument("--rounds", type=int, default=3)
    p.add_argument("--seconds", type=float, default=10)
    p.add_argument("--threads", type=int, default=2)
    p.add_argument("--batch-size", type=int, default=128)
    p.add_argument("--modes", default="infer,train", help="comma-separated: infer, train or both")
    p.add_argument("--jar", default=str(JAR), help="the attentionzoo jar to run (a copy keeps a rebuild from"
                   " disturbing a long comparison)")
    a = p.parse_args()

    # PyTorch at its best: pick its faster memory format per mode once, up front.
    best_cl = {}
    modes = a.modes.split(",")
    for mode in modes:
        plain = peer(a.model, mode, a.batch_size, a.threads, a.seconds / 2, False)["images_per_second"]
        cl = peer(a.model, mode, a.batch_size, a.threads, a.seconds / 2, True)["images_per_second"]
        best_cl[mode] = cl > plain
        print(f"peer {mode}: contiguous {plain} img/s, channels_last {cl} img/s", file=sys.stderr)

    cases = [(m, mode, b) for m, mode, b in [(a.model, "infer", a.batch_size), (a.model, "train", a.batch_size),
                                             (a.model, "infer", 1), (a.baseline, "infer", a.batch_size),
                                             (a.baseline, "train", a.batch_size)] if mode in modes]
    results = {c: {"djl": [], "pytorch": []} for c in cases}
    for r in range(a.rounds):
        for model, mode, batch in cases:
            results[(model, mode, batch)]["djl"].append(djl(model, mode, batch, a.threads, a.seconds, a.jar))
            results[(model, mode, batch)]["pytorch"].append(
                peer(model, mode, batch, a.threads, a.seconds, best_cl[mode] and batch > 1))
            print(f"round {r + 1}: {model} {mode} b{batch} done", file=sys.stderr)

    med = lambda rows, key: statistics.median(row[key] for row in rows)
    spread = lambda rows, key: f"{min(r[key] for r in rows):.0f}-{max(r[key] for r in rows):.0f}"
    print(f"{a.rounds} rounds of {a.seconds:g} s per case, alternating; medians, with the spread of the rounds")
    print("| model | mode | batch | threads | DJL img/s | PyTorch img/s | DJL / PyTorch | DJL p50 / p99 ms |"
          " PyTorch p50 / p99 ms | peak RSS MiB, DJL / PyTorch |")
    print("|---|---|---:|---:|---:|---:|---:|---:|---:|---:|")
    for (model, mode, batch), rows in results.items():
        d, t = rows["djl"], rows["pytorch"]
        ratios = [x["images_per_second"] / y["images_per_second"] for x, y in zip(d, t)]
        print(f"| {model} | {mode} | {batch} | {a.threads} | {med(d, 'images_per_second'):.0f} ({spread(d, 'images_per_second')}) | "
              f"{med(t, 'images_per_second'):.0f} ({spread(t, 'images_per_second')}) | "
              f"{med(d, 'images_per_second') / med(t, 'images_per_second'):.2f}x "
              f"({min(ratios):.2f}-{max(ratios):.2f}) | "
              f"{med(d, 'p50_ms'):.2f} / {med(d, 'p99_ms'):.2f} | {med(t, 'p50_ms'):.2f} / {med(t, 'p99_ms'):.2f} | "
              f"{med(d, 'rss_peak_mb'):.0f} / {med(t, 'rss_peak_mb'):.0f} |")
    for mode in modes:
        for impl in ("djl", "pytorch"):
            se = med(results[(a.model, mode, a.batch_size)][impl], "images_per_second")
            base = med(results[(a.baseline, mode, a.batch_size)][impl], "images_per_second")
            print(f"SE overhead, {impl} {mode}: {a.model} time / {a.baseline} time = {base / se:.3f}x")

if __name__ == "__main__":
    main()
