#!/usr/bin/env python3
"""The table of runs over seeds in docs/training.md, from the runs' own files.

    python3 training/seeds.py training/fast-se_resnet20-s1 training/fast-se_resnet20-s2 ...

For each finished run (one with model/attentionzoo.json): its architecture, the last epoch's test
accuracy (metrics.csv), the same with flip test-time augmentation (the line `train` prints at the
end, in RUN.log), the epochs and the minutes of `train` wall time they took (metrics.csv's
epoch_seconds, test passes included). Then, per architecture, the mean and sample standard
deviation of both accuracies. Unfinished runs are listed with the epochs they reached and left out
of the means. Needs only Python's standard library.
"""
import csv
import json
import re
import statistics
import sys
from pathlib import Path

FLIP = re.compile(r"^test accuracy with flip test-time augmentation.*: ([0-9.]+)$", re.M)


def run(path):
    path = Path(path)
    rows = list(csv.DictReader((path / "metrics.csv").open()))
    meta = path / "model" / "attentionzoo.json"
    log = path.parent / (path.name + ".log")
    flips = FLIP.findall(log.read_text()) if log.exists() else []
    return {
        "run": path.name,
        "architecture": json.loads(meta.read_text())["architecture"] if meta.exists() else None,
        "epochs": len(rows),
        "minutes": sum(float(r["epoch_seconds"]) for r in rows) / 60,
        "accuracy": float(rows[-1]["test_accuracy"]) if rows else None,
        "flip": float(flips[-1]) if flips and meta.exists() else None,
    }


def pct(v):
    return "–" if v is None else f"{100 * v:.2f}%"


def main(paths):
    if not paths:
        print(__doc__.strip().splitlines()[2].strip(), file=sys.stderr)
        return 2
    runs = [run(p) for p in paths]
    print("| run | architecture | epochs | minutes | test accuracy | with flip |")
    print("|---|---|---:|---:|---:|---:|")
    for r in runs:
        print(f"| `{r['run']}` | {r['architecture'] or '(unfinished)'} | {r['epochs']} | {r['minutes']:.0f} "
              f"| {pct(r['accuracy'])} | {pct(r['flip'])} |")
    print()
    print("| architecture | runs | mean | std | mean with flip | std with flip |")
    print("|---|---:|---:|---:|---:|---:|")
    for arch in sorted({r["architecture"] for r in runs if r["architecture"]}):
        done = [r for r in runs if r["architecture"] == arch]
        cells = []
        for key in ("accuracy", "flip"):
            values = [r[key] for r in done if r[key] is not None]
            mean = statistics.mean(values) if values else None
            std = statistics.stdev(values) if len(values) > 1 else None
            cells += [pct(mean), "–" if std is None else f"{100 * std:.2f}"]
        print(f"| {arch} | {len(done)} | " + " | ".join(cells) + " |")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
