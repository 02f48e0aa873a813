#!/usr/bin/python3
"""The reference MLP in plain NumPy: [784,128,64,10] (or --layers), ReLU, softmax + cross-entropy, minibatch SGD.

Prints `epoch=001 train_loss=… val_loss=… val_acc=… time=…s` per epoch (time = shuffle + all
minibatch steps, not the validation pass) and `mean_epoch_s=…` at the end.
"""
import argparse
import os
import sys
import time

parser = argparse.ArgumentParser(description=__doc__)
parser.add_argument("--dtype", choices=("float64", "float32"), default="float64",
                    help="float64 is the original reference; float32 is the fair anchor")
parser.add_argument("--epochs", type=int, default=3)
parser.add_argument("--batch", type=int, default=32)
parser.add_argument("--lr", type=float, default=0.003)
parser.add_argument("--seed", type=int, default=42)
parser.add_argument("--threads", type=int, default=1, help="BLAS threads")
parser.add_argument("--layers", default="784,128,64,10", help="layer sizes, input first")
parser.add_argument("--data", default=None, help="directory with the MNIST IDX files")
args = parser.parse_args()

# Must be set before numpy (and its BLAS) is loaded.
for var in ("OPENBLAS_NUM_THREADS", "OMP_NUM_THREADS", "MKL_NUM_THREADS"):
    os.environ[var] = str(args.threads)

import numpy as np  # noqa: E402

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import mnist  # noqa: E402

EPS = 1e-12


def main():
    dt = np.dtype(args.dtype).type
    data_dir = args.data or mnist.default_data_dir()
    x_tr, y_tr, _, x_va, y_va, l_va = mnist.load(data_dir, seed=args.seed, dtype=dt)
    n = x_tr.shape[0]
    print(f"# numpy {np.__version__} dtype={args.dtype} threads={args.threads} "
          f"train={n} val={x_va.shape[0]} batch={args.batch} lr={args.lr}", flush=True)

    rng = np.random.default_rng(args.seed)
    sizes = [int(v) for v in args.layers.split(",")]
    W = [(rng.standard_normal((i, o)) * np.sqrt(2.0 / i)).astype(dt) for i, o in zip(sizes, sizes[1:])]
    b = [np.zeros(o, dtype=dt) for o in sizes[1:]]
    last = len(W) - 1
    lr = dt(args.lr)
    eps, one = dt(EPS), dt(1.0)

    def forward(x):
        """Returns the input of every layer (x, a1, a2, …) and the softmax probabilities."""
        inputs, a = [x], x
        for i in range(last):
            a = np.maximum(a @ W[i] + b[i], 0)
            inputs.append(a)
        z = a @ W[last] + b[last]
        z -= z.max(axis=1, keepdims=True)
        p = np.exp(z)
        p /= p.sum(axis=1, keepdims=True)
        return inputs, p

    def cross_entropy(p, y):
        return float(-(y * np.log(np.clip(p, eps, one))).sum() / p.shape[0])

    times = []
    for epoch in range(1, args.epochs + 1):
        t0 = time.perf_counter()
        perm = rng.permutation(n)
        loss_sum, batches = 0.0, 0
        for start in range(0, n, args.batch):
            idx = perm[start:start + args.batch]
            xb, yb = x_tr[idx], y_tr[idx]
            m = xb.shape[0]

            inputs, p = forward(xb)
            loss_sum += cross_entropy(p, yb)
            batches += 1

            dz = (p - yb) / dt(m)               # fused softmax + CE gradient
            dW, db = [None] * len(W), [None] * len(W)
            for i in range(last, -1, -1):
                dW[i] = inputs[i].T @ dz
                db[i] = dz.sum(axis=0)
                if i > 0:
                    dz = dz @ W[i].T
                    dz *= inputs[i] > 0
            for i in range(last, -1, -1):
                W[i] -= lr * dW[i]; b[i] -= lr * db[i]
        elapsed = time.perf_counter() - t0
        times.append(elapsed)

        _, p_va = forward(x_va)
        val_loss = cross_entropy(p_va, y_va)
        val_acc = float((p_va.argmax(axis=1) == l_va).mean())
        print(f"epoch={epoch:03d} train_loss={loss_sum / batches:.4f} val_loss={val_loss:.4f} "
              f"val_acc={val_acc:.4f} time={elapsed:.3f}s", flush=True)

    print(f"mean_epoch_s={mnist.summarize(times):.3f}", flush=True)


if __name__ == "__main__":
    main()
