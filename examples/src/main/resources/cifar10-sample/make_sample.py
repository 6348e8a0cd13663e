#!/usr/bin/env python3
"""Cuts the embedded CIFAR-10 sample from the official binary files.

Takes the first 100 images of each class, in file order, from data_batch_1.bin (training
sample) and from test_batch.bin (test sample), and writes them in the same binary format.

    /usr/bin/python3 make_sample.py ../../../../../../shared/cifar10 .
"""
import sys
from pathlib import Path

RECORD = 3073
PER_CLASS = 100


def cut(src: Path, dst: Path) -> None:
    data = src.read_bytes()
    counts = [0] * 10
    out = bytearray()
    for off in range(0, len(data), RECORD):
        label = data[off]
        if counts[label] < PER_CLASS:
            counts[label] += 1
            out += data[off:off + RECORD]
    assert counts == [PER_CLASS] * 10, counts
    dst.write_bytes(bytes(out))


def main() -> None:
    src, dst = Path(sys.argv[1]), Path(sys.argv[2])
    cut(src / "data_batch_1.bin", dst / "data_batch_1.bin")
    cut(src / "test_batch.bin", dst / "test_batch.bin")


if __name__ == "__main__":
    main()
