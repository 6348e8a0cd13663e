#!/usr/bin/env python3
"""One training (or inference) step of a zoo model, op by op: DJL against PyTorch eager.

Runs `attentionzoo bench --profile` (libtorch's own profiler inside the DJL process) and
`peer_bench.py --profile` (torch.profiler), both recording the same number of steps of the same
model, batch and threads, and prints one table: for each operator, the calls per step and the
self time per step (time in the op minus time in the ops it called) on each side.

    /usr/bin/python3 examples/bench/profile.py --model se_resnet20 --mode train --threads 2

Run it from the project root after `mvn package`, on an otherwise idle machine. `--traces DJL PT`
reads two traces made earlier instead of running anything.
"""
import argparse
import collections
import json
import subprocess
import sys
import tempfile
from pathlib import Path

BENCH = Path(__file__).resolve().parent
ROOT = BENCH.parents[1]
JAR = ROOT / "examples/target/attentionzoo.jar"
STEPS = 5  # Benchmark.PROFILED_STEPS and peer_bench.PROFILED_STEPS


def events(path):
    """The complete ('X') events of a Chrome trace, from either profiler's layout."""
    data = json.loads(Path(path).read_text())
    if isinstance(data, dict):
        data = data.get("traceEvents", [])
    out = []
    for e in data:
        if e.get("ph") != "X" or "dur" not in e:
            continue
        # torch.profiler also writes Python frames and profiler bookkeeping; only operators count.
        cat = e.get("cat", "cpu_op")
        if cat not in ("cpu_op", "Operator", "operator"):
            continue
        if e["name"].startswith("ProfilerStep") or e["name"].startswith("[memory]"):
            continue
        out.append(e)
    return out


def self_times(evts):
    """op name -> [calls, self microseconds]; nesting is read per thread from start and duration."""
    table = collections.defaultdict(lambda: [0, 0.0])
    by_thread = collections.defaultdict(list)
    for e in evts:
        by_thread[(e.get("pid"), e.get("tid"))].append(e)
    for thread_events in by_thread.values():
        thread_events.sort(key=lambda e: (float(e["ts"]), -float(e["dur"])))
        stack = []  # [end, name, child time]
        for e in thread_events:
            ts, dur = float(e["ts"]), float(e["dur"])
            while stack and stack[-1][0] <= ts:
                end, name, child = stack.pop()
            if stack:
                stack[-1][2] += dur
            stack.append([ts + dur, e["name"], 0.0])
            table[e["name"]][0] += 1
            e["_frame"] = stack[-1]
        for e in thread_events:
            frame = e.pop("_frame")
            table[e["name"]][1] += float(e["dur"]) - frame[2]
    return table


def run_both(a, tmp):
    djl_trace, pt_trace = Path(tmp) / "djl.json", Path(tmp) / "pytorch.json"
    common = ["--model", a.model, "--mode", a.mode, "--batch-size", str(a.batch_size), "--threads", str(a.threads),
              "--seconds", str(a.seconds), "--json"]
    subprocess.run(["java", *a.java_opt, "-Dai.djl.offline=true", "-jar", a.jar, "bench", *common,
                    "--profile", str(djl_trace)], check=True, stdout=subprocess.DEVNULL)
    subprocess.run(["/usr/bin/python3", str(BENCH / "peer_bench.py"), *common, "--profile", str(pt_trace)],
                   check=True, stdout=subprocess.DEVNULL)
    return djl_trace, pt_trace


def main():
    p = argparse.ArgumentParser()
    p.add_argument("--model", default="se_resnet20")
    p.add_argument("--mode", choices=["infer", "train"], default="train")
    p.add_argument("--batch-size", type=int, default=128)
    p.add_argument("--threads", type=int, default=2)
    p.add_argument("--seconds", type=float, default=5)
    p.add_argument("--top", type=int, default=30, help="rows of the table")
    p.add_argument("--jar", default=str(JAR), help="the attentionzoo jar to run")
    p.add_argument("--java-opt", action="append", default=[],
                   help="a JVM option for the DJL side, e.g. -Dattentionzoo.malloc=default (repeatable)")
    p.add_argument("--traces", nargs=2, metavar=("DJL", "PYTORCH"), help="compare two existing traces")
    a = p.parse_args()

    with tempfile.TemporaryDirectory() as tmp:
        djl_trace, pt_trace = a.traces or run_both(a, tmp)
        djl, pt = self_times(events(djl_trace)), self_times(events(pt_trace))
    names = sorted(set(djl) | set(pt), key=lambda n: -max(djl.get(n, [0, 0])[1], pt.get(n, [0, 0])[1]))
    total = lambda t: sum(v[1] for v in t.values()) / STEPS / 1000
    print(f"{a.model} {a.mode}, batch {a.batch_size}, {a.threads} threads; per step (mean of {STEPS}), self time")
    print("| op | DJL calls | DJL ms | DJL ms/call | PyTorch calls | PyTorch ms | PyTorch ms/call |")
    print("|---|---:|---:|---:|---:|---:|---:|")
    for n in names[:a.top]:
        cells = []
        for t in (djl, pt):
            calls, us = t.get(n, [0, 0.0])
            cells += [f"{calls / STEPS:g}", f"{us / STEPS / 1000:.2f}", f"{us / calls / 1000:.3f}" if calls else "-"]
        print(f"| {n} | " + " | ".join(cells) + " |")
    rest = names[a.top:]
    print(f"| ({len(rest)} other ops) | | {sum(djl.get(n, [0, 0])[1] for n in rest) / STEPS / 1000:.2f} | | | "
          f"{sum(pt.get(n, [0, 0])[1] for n in rest) / STEPS / 1000:.2f} | |")
    print(f"| **all ops** | {sum(v[0] for v in djl.values()) / STEPS:g} | {total(djl):.1f} | | "
          f"{sum(v[0] for v in pt.values()) / STEPS:g} | {total(pt):.1f} | |")


if __name__ == "__main__":
    sys.exit(main())
