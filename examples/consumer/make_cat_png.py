#!/usr/bin/env python3
"""Writes cat.png: the first image of the official CIFAR-10 test_batch.bin (a cat), as a 32x32 PNG.

    python3 make_cat_png.py ../../../shared/cifar10/test_batch.bin   (standard library only)
"""
import struct
import sys
import zlib

record = open(sys.argv[1], "rb").read(3073)
assert record[0] == 3, "the first test image is labelled cat (3)"
r, g, b = record[1:1025], record[1025:2049], record[2049:3073]
rows = b"".join(b"\x00" + bytes(v for x in range(32) for v in (r[y * 32 + x], g[y * 32 + x], b[y * 32 + x]))
                for y in range(32))


def chunk(kind, data):
    return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))


png = b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", struct.pack(">IIBBBBB", 32, 32, 8, 2, 0, 0, 0)) \
    + chunk(b"IDAT", zlib.compress(rows, 9)) + chunk(b"IEND", b"")
open("cat.png", "wb").write(png)
