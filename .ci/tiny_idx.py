#!/usr/bin/env python3
"""Writes a tiny learnable IDX dataset (the four files of Data:Dataset=idx) into the folder given: 8 x 8 images,
10 classes, class c a bright square at a place of its own plus noise. For CI runs of the installed tool."""
import os
import random
import struct
import sys

SIDE = 8


def images(count, labels, rng):
    data = bytearray()
    for label in labels:
        pixels = [rng.randrange(0, 40) for _ in range(SIDE * SIDE)]
        row, column = divmod(label * 6, SIDE)
        for dr in range(2):
            for dc in range(2):
                pixels[((row + dr) % SIDE) * SIDE + (column + dc) % SIDE] = 255
        data.extend(pixels)
    return struct.pack(">IIII", 0x0803, count, SIDE, SIDE) + bytes(data)


def write(folder, prefix, count, seed):
    rng = random.Random(seed)
    labels = [rng.randrange(10) for _ in range(count)]
    with open(os.path.join(folder, f"{prefix}-images-idx3-ubyte"), "wb") as f:
        f.write(images(count, labels, rng))
    with open(os.path.join(folder, f"{prefix}-labels-idx1-ubyte"), "wb") as f:
        f.write(struct.pack(">II", 0x0801, count) + bytes(labels))


if __name__ == "__main__":
    target = sys.argv[1]
    os.makedirs(target, exist_ok=True)
    write(target, "train", 500, 1)
    write(target, "t10k", 100, 2)
