#!/usr/bin/env python3
"""The zoo on ONNX Runtime against a bare DJL + ONNX Runtime loop on the same .onnx file, alternating.

    /usr/bin/python3 examples/bench/onnx_compare.py --models se_resnet20 resnet20 --rounds 3 --seconds 8

Each round runs, one after the other for every model and batch size: `attentionzoo bench --engine
OnnxRuntime` (the zoo's path), examples/bench/BareOrt.java (the peer) and `attentionzoo bench` on
PyTorch (for reference). The file is the one the zoo ships (`export-onnx` writes the same). The
table is the median over rounds of each side and zoo / bare. Run it on an otherwise idle machine,
from the project root, after `mvn package`.
"""
import argparse
import json
import statistics
import subprocess
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
JAR = ROOT / "examples/target/attentionzoo.jar"
LIB = ROOT / "examples/target/lib"
BARE = Path(__file__).resolve().parent / "BareOrt.java"
JAVA = ["java", "-Dai.djl.offline=true", "-Dai.djl.onnx.disable_alternative=true"]


def last_json(cmd):
    out = subprocess.run(cmd, capture_output=True, text=True, check=True).stdout
    return json.loads([line for line in out.splitlines() if line.startswith("{")][-1])


def zoo(model, engine, batch, threads, seconds):
    return last_json(JAVA + ["-jar", str(JAR), "bench", "--model", model, "--engine", engine, "--mode", "infer",
                             "--batch-size", str(batch), "--threads", str(threads), "--seconds", str(seconds), "--json"])


# The bare loop's classpath: DJL's API and ONNX Runtime engine with what they need, nothing of the zoo's,
# so that its memory is a minimal program's. It is compiled once, ahead: a source-file launch would
# count the compiler's memory against it.
MINIMAL = ["api", "onnxruntime", "onnxruntime-engine", "gson", "jna", "slf4j-api", "commons-compress"]
_bare_dir = None


def bare_classpath():
    global _bare_dir
    jars = []
    for name in MINIMAL:
        found = [j for j in LIB.glob(f"{name}-*.jar") if j.name[len(name) + 1].isdigit()]
        if len(found) != 1:
            raise SystemExit(f"{LIB}: expected one {name}-VERSION.jar, found {len(found)}; run mvn package first")
        jars.append(str(found[0]))
    if _bare_dir is None:
        _bare_dir = tempfile.mkdtemp(prefix="bare-ort-")
        subprocess.run(["javac", "-d", _bare_dir, "-cp", ":".join(jars), str(BARE)], check=True)
    return ":".join([_bare_dir] + jars)


def bare(onnx, batch, threads, seconds):
    return last_json(JAVA + ["-cp", bare_classpath(), "BareOrt", str(onnx), str(batch), str(seconds), str(threads)])


def main():
    p = argparse.ArgumentParser()
    p.add_argument("--models", nargs="+", default=["se_resnet20", "resnet20"])
    p.add_argument("--batches", nargs="+", type=int, default=[128, 1])
    p.add_argument("--rounds", type=int, default=3)
    p.add_argument("--seconds", type=float, default=8)
    p.add_argument("--threads", type=int, default=2)
    a = p.parse_args()
    tmp = Path(tempfile.mkdtemp())
    files = {}
    for m in a.models:
        files[m] = tmp / f"{m}.onnx"
        subprocess.run(JAVA + ["-jar", str(JAR), "export-onnx", "--model", m, "--output", str(files[m])],
                       check=True, capture_output=True)
    results = {}
    for r in range(a.rounds):
        for m in a.models:
            for b in a.batches:
                for side, run in (("zoo-ort", lambda: zoo(m, "OnnxRuntime", b, a.threads, a.seconds)),
                                  ("bare-ort", lambda: bare(files[m], b, a.threads, a.seconds)),
                                  ("zoo-pytorch", lambda: zoo(m, "PyTorch", b, a.threads, a.seconds))):
                    res = run()
                    results.setdefault((m, b, side), []).append(res)
                    print(json.dumps({"round": r + 1, "side": side, **res}), flush=True)
    print()
    print("| model | batch | zoo on ONNX Runtime | bare DJL + ONNX Runtime | zoo / bare | zoo on PyTorch |")
    print("|---|---:|---:|---:|---:|---:|")
    for m in a.models:
        for b in a.batches:
            def med(side, key):
                return statistics.median(x[key] for x in results[(m, b, side)])
            z, o, t = (med(s, "images_per_second") for s in ("zoo-ort", "bare-ort", "zoo-pytorch"))
            cell = lambda s, ips: (f"{ips:,.0f} img/s, p50 {med(s, 'p50_ms'):.2f} ms, p99 {med(s, 'p99_ms'):.2f} ms, "
                                   f"peak RSS {med(s, 'rss_peak_mb'):.0f} MiB")
            print(f"| {m} | {b} | {cell('zoo-ort', z)} | {cell('bare-ort', o)} | {z / o:.2f}x | {cell('zoo-pytorch', t)} |")


if __name__ == "__main__":
    main()
