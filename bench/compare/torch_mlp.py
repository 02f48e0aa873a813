#!/usr/bin/python3
"""The reference MLP in PyTorch on CPU: nn.Linear x3 (or per --layers) with ReLU, He-normal weights, zero biases,
CrossEntropyLoss on logits, torch.optim.SGD, manual randperm shuffling (no DataLoader).

Prints `epoch=001 train_loss=… val_loss=… val_acc=… time=…s` per epoch (time = shuffle + all
minibatch steps, not the validation pass) and `mean_epoch_s=…` at the end.
"""
import argparse
import math
import os
import sys
import time

parser = argparse.ArgumentParser(description=__doc__)
parser.add_argument("--epochs", type=int, default=3)
parser.add_argument("--batch", type=int, default=32)
parser.add_argument("--lr", type=float, default=0.003)
parser.add_argument("--seed", type=int, default=42)
parser.add_argument("--threads", type=int, default=1, help="torch.set_num_threads")
parser.add_argument("--layers", default="784,128,64,10", help="layer sizes, input first")
parser.add_argument("--data", default=None, help="directory with the MNIST IDX files")
args = parser.parse_args()

# Keep OpenMP/BLAS pools at the requested size from the start.
for var in ("OPENBLAS_NUM_THREADS", "OMP_NUM_THREADS", "MKL_NUM_THREADS"):
    os.environ[var] = str(args.threads)

import numpy as np  # noqa: E402
import torch  # noqa: E402
from torch import nn  # noqa: E402

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import mnist  # noqa: E402


def main():
    torch.set_num_threads(args.threads)
    torch.manual_seed(args.seed)
    data_dir = args.data or mnist.default_data_dir()
    x_tr, _, l_tr, x_va, _, l_va = mnist.load(data_dir, seed=args.seed, dtype=np.float32)
    x_tr, l_tr = torch.from_numpy(x_tr), torch.from_numpy(l_tr)
    x_va, l_va = torch.from_numpy(x_va), torch.from_numpy(l_va)
    n = x_tr.shape[0]
    print(f"# torch {torch.__version__} threads={torch.get_num_threads()} "
          f"train={n} val={x_va.shape[0]} batch={args.batch} lr={args.lr}", flush=True)

    sizes = [int(v) for v in args.layers.split(",")]
    layers = []
    for i, (fan_in, fan_out) in enumerate(zip(sizes, sizes[1:])):
        layers.append(nn.Linear(fan_in, fan_out))
        if i < len(sizes) - 2:
            layers.append(nn.ReLU())
    model = nn.Sequential(*layers)
    with torch.no_grad():
        for layer in model:
            if isinstance(layer, nn.Linear):
                layer.weight.normal_(0.0, math.sqrt(2.0 / layer.in_features))  # He-normal
                layer.bias.zero_()
    loss_fn = nn.CrossEntropyLoss()  # log-softmax + NLL on logits, mean over the batch
    opt = torch.optim.SGD(model.parameters(), lr=args.lr)
    gen = torch.Generator().manual_seed(args.seed)

    times = []
    for epoch in range(1, args.epochs + 1):
        model.train()
        t0 = time.perf_counter()
        perm = torch.randperm(n, generator=gen)
        loss_sum, batches = 0.0, 0
        for start in range(0, n, args.batch):
            idx = perm[start:start + args.batch]
            xb, yb = x_tr[idx], l_tr[idx]
            loss = loss_fn(model(xb), yb)
            opt.zero_grad(set_to_none=True)
            loss.backward()
            opt.step()
            loss_sum += loss.item()
            batches += 1
        elapsed = time.perf_counter() - t0
        times.append(elapsed)

        model.eval()
        with torch.inference_mode():
            logits = model(x_va)
            val_loss = loss_fn(logits, l_va).item()
            val_acc = (logits.argmax(dim=1) == l_va).float().mean().item()
        print(f"epoch={epoch:03d} train_loss={loss_sum / batches:.4f} val_loss={val_loss:.4f} "
              f"val_acc={val_acc:.4f} time={elapsed:.3f}s", flush=True)

    print(f"mean_epoch_s={mnist.summarize(times):.3f}", flush=True)


if __name__ == "__main__":
    main()
