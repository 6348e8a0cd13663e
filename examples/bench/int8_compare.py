#!/usr/bin/env python3
"""int8 against fp32 on ONNX Runtime, side by side, alternating round by round.

    /usr/bin/python3 examples/bench/int8_compare.py --models se_resnet20 resnet20 --rounds 5 --seconds 5

Each round runs, for every model and batch size, in turn: `attentionzoo bench --engine OnnxRuntime`
(the zoo's path, fp32), the same with `--precision int8`, and the bare DJL + ONNX Runtime loop
(examples/bench/BareOrt.java) on the fp32 file and on the int8 file. The files are the shipped ones
(`export-onnx` writes the same, `--precision int8` from the shipped calibration ranges). The table
holds each side's median over the rounds and int8 / fp32 of the medians. It also prints the CPU's
name, its VNNI flags and the load average, which belong beside any figure. Run it from the project
root after `mvn package`.
"""
import argparse
import json
import os
import statistics
import subprocess
import tempfile
from pathlib import Path

from onnx_compare import JAR, JAVA, bare, last_json


def bench(model, precision, batch, threads, seconds):
    return last_json(JAVA + ["-jar", str(JAR), "bench", "--model", model, "--engine", "OnnxRuntime", "--precision",
                             precision, "--mode", "infer", "--batch-size", str(batch), "--threads", str(threads),
                             "--seconds", str(seconds), "--json"])


def cpu():
    text = Path("/proc/cpuinfo").read_text()
    name = next(line.split(":", 1)[1].strip() for line in text.splitlines() if line.startswith("model name"))
    flags = next(line.split(":", 1)[1].split() for line in text.splitlines() if line.startswith("flags"))
    return name, sorted(f for f in flags if "vnni" in f or f in ("avx2", "avx512f", "avx512bw", "amx_int8"))


def main():
    p = argparse.ArgumentParser()
    p.add_argument("--models", nargs="+", default=["se_resnet20", "resnet20"])
    p.add_argument("--batches", nargs="+", type=int, default=[128, 1])
    p.add_argument("--rounds", type=int, default=5)
    p.add_argument("--seconds", type=float, default=5)
    p.add_argument("--threads", type=int, default=2)
    a = p.parse_args()
    name, flags = cpu()
    print(f"CPU: {name}; flags: {' '.join(flags)}; load average at start: {os.getloadavg()}", flush=True)
    tmp = Path(tempfile.mkdtemp())
    files = {}
    for m in a.models:
        for precision in ("fp32", "int8"):
            files[m, precision] = tmp / f"{m}-{precision}.onnx"
            subprocess.run(JAVA + ["-jar", str(JAR), "export-onnx", "--model", m, "--precision", precision,
                                   "--output", str(files[m, precision])], check=True, capture_output=True)
    results = {}
    sides = [("zoo", "fp32"), ("zoo", "int8"), ("bare", "fp32"), ("bare", "int8")]
    for r in range(a.rounds):
        for m in a.models:
            for b in a.batches:
                # Alternate the order each round, so that neither precision always runs first.
                for side, precision in (sides if r % 2 == 0 else sides[::-1]):
                    res = (bench(m, precision, b, a.threads, a.seconds) if side == "zoo"
                           else bare(files[m, precision], b, a.threads, a.seconds))
                    results.setdefault((m, b, side, precision), []).append(res)
                    print(json.dumps({"round": r + 1, "side": side, "precision": precision, **res}), flush=True)
    print(f"\nload average at end: {os.getloadavg()}\n")
    print("| model | batch | path | fp32 img/s (p50 ms) | int8 img/s (p50 ms) | int8 / fp32 |")
    print("|---|---:|---|---:|---:|---:|")
    for m in a.models:
        for b in a.batches:
            for side in ("zoo", "bare"):
                def med(precision, key):
                    return statistics.median(x[key] for x in results[(m, b, side, precision)])
                f, i = med("fp32", "images_per_second"), med("int8", "images_per_second")
                print(f"| {m} | {b} | {side} | {f:,.0f} ({med('fp32', 'p50_ms'):.2f}) | {i:,.0f} "
                      f"({med('int8', 'p50_ms'):.2f}) | {i / f:.2f}x |")


if __name__ == "__main__":
    main()
