#!/usr/bin/env python3
"""Writes a copy of the CIFAR-10 binary files whose images went through JPEG once more.

The shared copy was saved once as quality-75 JPEG with 4:2:0 chroma (training/jpeg_probe.py).
How much accuracy did that cost? The original files are not reachable here, so this measures the
next best thing: the cost of one *more* such pass. Saving again on the same 8×8 / 16×16 grid
would change almost nothing (JPEG is nearly idempotent at its own setting), so each image is
first padded by reflection with OFFSET pixels on every side, which moves it off the grid of the
first pass, then saved at the same setting, decoded and cropped back to 32×32. Labels, order and
file layout are kept, so `train --data DST` and `evaluate --data DST` read it as they read the
original.

    /usr/bin/python3 training/jpeg_tax/recompress.py ../shared/cifar10 DST [OFFSET]   (python3-pil)

Prints, per file, the mean absolute pixel change of the pass (0-255 scale).
"""
import io
import os
import shutil
import sys

import numpy as np
from PIL import Image

RECORD = 3073
FILES = [f"data_batch_{i}.bin" for i in range(1, 6)] + ["test_batch.bin"]


def recompress(image, offset):
    """One JPEG pass (quality 75, 4:2:0) of an HxWx3 uint8 image, off the original block grid."""
    padded = np.pad(image, ((offset, offset), (offset, offset), (0, 0)), mode="reflect")
    buf = io.BytesIO()
    Image.fromarray(padded).save(buf, "JPEG", quality=75, subsampling=2)
    buf.seek(0)
    decoded = np.asarray(Image.open(buf).convert("RGB"))
    return decoded[offset:offset + image.shape[0], offset:offset + image.shape[1]]


def main():
    src, dst = sys.argv[1], sys.argv[2]
    offset = int(sys.argv[3]) if len(sys.argv) > 3 else 4
    if offset % 8 == 0:
        sys.exit("OFFSET must not be a multiple of 8, or the pass lands on the first pass's grid")
    os.makedirs(dst, exist_ok=True)
    for name in FILES:
        raw = np.fromfile(os.path.join(src, name), dtype=np.uint8)
        if raw.size % RECORD:
            sys.exit(f"{name}: {raw.size} bytes is not a whole number of {RECORD}-byte records")
        raw = raw.reshape(-1, RECORD)
        images = raw[:, 1:].reshape(-1, 3, 32, 32).transpose(0, 2, 3, 1)
        out = np.stack([recompress(im, offset) for im in images])
        change = np.abs(out.astype(int) - images.astype(int)).mean()
        records = np.concatenate([raw[:, :1], out.transpose(0, 3, 1, 2).reshape(len(raw), -1)], axis=1)
        tmp = os.path.join(dst, name + ".tmp")
        records.tofile(tmp)
        os.replace(tmp, os.path.join(dst, name))
        print(f"{name}: {len(raw)} images, mean |change| {change:.2f}")
    meta = os.path.join(src, "batches.meta.txt")
    if os.path.exists(meta):
        shutil.copy(meta, dst)


if __name__ == "__main__":
    main()
