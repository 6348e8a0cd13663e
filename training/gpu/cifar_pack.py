#!/usr/bin/env python3
"""Lossless packing of the CIFAR-10 binary files, to carry them to a lent GPU machine.

The device tool moves at most 64 MiB per call and plain xz only shrinks CIFAR by 13%, so each
image plane is first replaced by its residual from the LOCO-I median edge predictor (as lossless
JPEG-LS does), which xz then packs to about 61% of the raw size. `unpack` inverts it exactly and
checks every file against SHA256SUMS.

    python3 cifar_pack.py pack ../shared/cifar10 OUTDIR FILE...
    python3 cifar_pack.py unpack PACKDIR... DESTDIR
"""
import hashlib
import lzma
import os
import sys

import numpy as np

RECORD = 3073


def neighbours(img, y, x):
    a = img[..., y, x - 1] if x > 0 else 0
    b = img[..., y - 1, x] if y > 0 else 0
    c = img[..., y - 1, x - 1] if x > 0 and y > 0 else 0
    return a, b, c


def med(a, b, c):
    mx = np.maximum(a, b)
    mn = np.minimum(a, b)
    return np.where(c >= mx, mn, np.where(c <= mn, mx, a + b - c))


def pack(src, out, names):
    os.makedirs(out, exist_ok=True)
    for name in names:
        raw = np.fromfile(os.path.join(src, name), dtype=np.uint8).reshape(-1, RECORD)
        img = raw[:, 1:].reshape(-1, 3, 32, 32).astype(np.int16)
        a = np.zeros_like(img)
        b = np.zeros_like(img)
        c = np.zeros_like(img)
        a[..., 1:] = img[..., :-1]
        b[..., 1:, :] = img[..., :-1, :]
        c[..., 1:, 1:] = img[..., :-1, :-1]
        res = ((img - med(a, b, c)) % 256).astype(np.uint8)
        payload = raw[:, 0].tobytes() + res.tobytes()
        with open(os.path.join(out, name + ".med.xz"), "wb") as f:
            f.write(lzma.compress(payload, preset=9))
        print(name, os.path.getsize(os.path.join(out, name + ".med.xz")), flush=True)


def unpack(dirs, dest):
    os.makedirs(dest, exist_ok=True)
    sums = {}
    for d in dirs:
        for name in sorted(os.listdir(d)):
            path = os.path.join(d, name)
            if name == "SHA256SUMS":
                for line in open(path):
                    digest, file = line.split()
                    sums[file.lstrip("*")] = digest
            if not name.endswith(".med.xz"):
                continue
            payload = np.frombuffer(lzma.decompress(open(path, "rb").read()), dtype=np.uint8)
            n = payload.size // RECORD
            labels = payload[:n]
            res = payload[n:].reshape(n, 3, 32, 32).astype(np.int16)
            img = np.zeros_like(res)
            for y in range(32):
                for x in range(32):
                    img[..., y, x] = (res[..., y, x] + med(*neighbours(img, y, x))) % 256
            raw = np.concatenate([labels[:, None], img.reshape(n, -1).astype(np.uint8)], axis=1)
            target = os.path.join(dest, name[: -len(".med.xz")])
            raw.tofile(target)
    for file, digest in sums.items():
        target = os.path.join(dest, file)
        if os.path.exists(target):
            got = hashlib.sha256(open(target, "rb").read()).hexdigest()
            if got != digest:
                sys.exit(f"{file}: sha256 {got} differs from SHA256SUMS {digest}")
            print(file, "ok")


if __name__ == "__main__":
    if sys.argv[1] == "pack":
        pack(sys.argv[2], sys.argv[3], sys.argv[4:])
    else:
        unpack(sys.argv[2:-1], sys.argv[-1])
