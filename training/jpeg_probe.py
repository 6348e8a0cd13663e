#!/usr/bin/env python3
"""At what JPEG setting were the shared CIFAR-10 images last saved?

Re-encodes the first 500 test images with PIL at several qualities, with and without 4:2:0 chroma
subsampling, and prints the mean absolute pixel change of each. Re-saving an image with the
setting it was last saved with changes it least (JPEG is nearly idempotent there), so the setting
with the sharp dip is the one the copy went through (quality 100 changes little whatever the past).

    /usr/bin/python3 training/jpeg_probe.py ../shared/cifar10/test_batch.bin   (needs python3-pil)
"""
import io
import sys

import numpy as np
from PIL import Image

raw = np.fromfile(sys.argv[1], dtype=np.uint8).reshape(-1, 3073)[:500]
images = raw[:, 1:].reshape(-1, 3, 32, 32).transpose(0, 2, 3, 1)
for subsampling, name in ((0, "4:4:4"), (2, "4:2:0")):
    cells = []
    for quality in (50, 60, 70, 75, 80, 85, 90, 95, 100):
        change = 0.0
        for im in images:
            buf = io.BytesIO()
            Image.fromarray(im).save(buf, "JPEG", quality=quality, subsampling=subsampling)
            buf.seek(0)
            change += np.abs(np.asarray(Image.open(buf)).astype(int) - im.astype(int)).mean()
        cells.append(f"q{quality} {change / len(images):.2f}")
    print(name, "  ".join(cells))
