#!/usr/bin/env python3
"""Does one more JPEG pass (recompress.py) take from the images what the first pass took?

The first pass stored colour (Cb, Cr) at half resolution (4:2:0). If that left no fine colour
detail, the second pass cannot remove any more of it, and its measured cost misses that part of
the first pass's. For the first N test images this prints, in JPEG's YCbCr (0-255), the second
pass's mean absolute change per channel, and the detail within 2x2 cells (mean absolute deviation
from the cell's mean) on the first pass's chroma grid and one pixel off it.

    /usr/bin/python3 training/jpeg_tax/chroma.py ../shared/cifar10/test_batch.bin [N]   (python3-pil)
"""
import os
import sys

import numpy as np
from PIL import Image

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from recompress import RECORD, recompress  # noqa: E402


def ycbcr(image):
    return np.asarray(Image.fromarray(image).convert("YCbCr")).astype(float)


def cell_detail(channels, offset):
    """Mean absolute deviation of each channel from its 2x2 cells' means, cells starting at offset."""
    side = (channels.shape[0] - offset) // 2 * 2
    c = channels[offset:offset + side, offset:offset + side]
    cells = c.reshape(side // 2, 2, side // 2, 2, -1)
    return np.abs(cells - cells.mean((1, 3), keepdims=True)).mean((0, 1, 2, 3))


def main():
    n = int(sys.argv[2]) if len(sys.argv) > 2 else 2000
    raw = np.fromfile(sys.argv[1], dtype=np.uint8).reshape(-1, RECORD)[:n]
    images = raw[:, 1:].reshape(-1, 3, 32, 32).transpose(0, 2, 3, 1)
    change, on_grid, off_grid = np.zeros(3), np.zeros(3), np.zeros(3)
    for image in images:
        y = ycbcr(image)
        change += np.abs(y - ycbcr(recompress(image, 4))).mean((0, 1))
        on_grid += cell_detail(y, 0)
        off_grid += cell_detail(y, 1)
    print(f"{len(images)} images, Y Cb Cr")
    print("second pass, mean |change|:   ", np.round(change / len(images), 2))
    print("2x2 detail, first pass's grid:", np.round(on_grid / len(images), 2))
    print("2x2 detail, one pixel off it: ", np.round(off_grid / len(images), 2))


if __name__ == "__main__":
    main()
