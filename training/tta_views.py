#!/usr/bin/env python3
"""Measures test-time augmentation choices on a trained model before any of them becomes an option.

Each view of the 10,000 CIFAR-10 test images (the image itself, its mirror image, and both moved by
S pixels diagonally one way and the other, the uncovered border black as in training's padded
crops) goes through `attentionzoo.jar infer` on the model directory; the logits are then averaged
in the ways compared here and each way's accuracy printed:

  none       the image alone
  flip       the image and its mirror (what `evaluate --tta flip` does)
  flip+S     half the flip average, plus a quarter each of the flip averages of the two moved views

Usage: tta_views.py --model-dir training/RUN/model --data CIFAR10_DIR [--shifts 1 2] [--chunk 2500]
Needs numpy and examples/target/attentionzoo.jar (mvn -B -q install -DskipTests).
"""
import argparse
import os
import subprocess
import sys
import tempfile

import numpy as np

MEAN = np.array([0.4913, 0.4821, 0.4465], dtype=np.float32)
STD = np.array([0.2452, 0.2428, 0.2606], dtype=np.float32)
SIDE = 32


def read_test(data):
    raw = np.fromfile(os.path.join(data, "test_batch.bin"), dtype=np.uint8).reshape(-1, 1 + 3 * SIDE * SIDE)
    return raw[:, 1:].reshape(-1, 3, SIDE, SIDE), raw[:, 0].astype(np.int64)


def view(images, dy, dx, mirror):
    """The images moved by (dy, dx) (what lands outside is dropped, what is uncovered is black), normalised."""
    pixels = images[:, :, :, ::-1] if mirror else images
    moved = np.zeros_like(pixels)
    ys, yd = (slice(dy, SIDE), slice(0, SIDE - dy)) if dy >= 0 else (slice(0, SIDE + dy), slice(-dy, SIDE))
    xs, xd = (slice(dx, SIDE), slice(0, SIDE - dx)) if dx >= 0 else (slice(0, SIDE + dx), slice(-dx, SIDE))
    moved[:, :, yd, xd] = pixels[:, :, ys, xs]
    scaled = moved.astype(np.float32) / 255.0
    return ((scaled - MEAN[None, :, None, None]) / STD[None, :, None, None]).astype(np.float32)


def logits(jar, model_dir, inputs, chunk, scratch):
    parts = []
    for start in range(0, len(inputs), chunk):
        x = os.path.join(scratch, "x.npy")
        y = os.path.join(scratch, "y.npy")
        np.save(x, np.ascontiguousarray(inputs[start:start + chunk]))
        subprocess.run(["java", "-Dai.djl.offline=true", "-jar", jar, "infer", "--model-dir", model_dir,
                        "--input", x, "--output", y], check=True, stdout=subprocess.DEVNULL)
        parts.append(np.load(y))
    return np.concatenate(parts)


def main(argv):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--model-dir", required=True)
    parser.add_argument("--data", required=True)
    parser.add_argument("--shifts", type=int, nargs="*", default=[1, 2])
    parser.add_argument("--chunk", type=int, default=2500)
    parser.add_argument("--jar", default=os.path.join(os.path.dirname(__file__), "..", "examples", "target",
                                                       "attentionzoo.jar"))
    args = parser.parse_args(argv)
    images, labels = read_test(args.data)
    with tempfile.TemporaryDirectory() as scratch:
        def flip_average(dy, dx):
            return (logits(args.jar, args.model_dir, view(images, dy, dx, False), args.chunk, scratch)
                    + logits(args.jar, args.model_dir, view(images, dy, dx, True), args.chunk, scratch)) / 2

        plain = logits(args.jar, args.model_dir, view(images, 0, 0, False), args.chunk, scratch)
        mirrored = logits(args.jar, args.model_dir, view(images, 0, 0, True), args.chunk, scratch)
        flip = (plain + mirrored) / 2
        rows = [("none", plain), ("flip", flip)]
        for s in args.shifts:
            moved = (flip_average(-s, -s) + flip_average(s, s)) / 2
            rows.append((f"flip+{s}", flip / 2 + moved / 2))
    print(f"{args.model_dir}: {len(labels)} test images")
    for name, values in rows:
        print(f"  {name:8s} {np.mean(values.argmax(1) == labels) * 100:.2f}%")


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
