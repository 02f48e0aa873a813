#!/usr/bin/python3
"""A ScratchNet recipe (config/recipes/NAME.json) run in PyTorch on CPU, to compare time-to-accuracy.

Same data as ScratchNet's `--Data:Split=official`: the 60,000 MNIST training images, judged after
every epoch on the official 10,000-image test set. Same recipe: the MLP of Model:LayerSizes with ReLU,
He-normal weights, zero biases, inverted dropout after each hidden ReLU, the optimizer of the recipe
(torch.optim.SGD / Adam / AdamW / RMSprop with its keys) and its schedule, stepped per batch as
ScratchNet does (linear warm-up over Schedule:WarmupEpochs, then cosine to MinLearningRate).

Prints one line per epoch and, at the end,
    time_to_98=<s> epochs_to_98=<n>
where the time is the sum of the epochs' training and evaluation wall time up to and including the
first epoch with val_acc >= 0.98 (start-up and data loading are not counted), as for ScratchNet.
"""
import argparse
import json
import math
import os
import sys
import time

parser = argparse.ArgumentParser(description=__doc__)
parser.add_argument("--recipe", default="fast", help="name of config/recipes/NAME.json")
parser.add_argument("--seed", type=int, default=42)
parser.add_argument("--threads", type=int, default=1, help="torch.set_num_threads")
parser.add_argument("--target", type=float, default=0.98)
parser.add_argument("--data", default=None, help="directory with the MNIST IDX files")
args = parser.parse_args()

for var in ("OPENBLAS_NUM_THREADS", "OMP_NUM_THREADS", "MKL_NUM_THREADS"):
    os.environ[var] = str(args.threads)

import numpy as np  # noqa: E402
import torch  # noqa: E402
from torch import nn  # noqa: E402

here = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, here)
import mnist  # noqa: E402


def load_official(directory):
    """60,000 training rows and the official 10,000 test rows, scaled to [0, 1]."""
    mnist.require_data(directory)
    def part(images, labels):
        x = mnist._read_idx(mnist._find(directory, images))
        y = mnist._read_idx(mnist._find(directory, labels)).astype(np.int64)
        return torch.from_numpy(x.reshape(x.shape[0], -1).astype(np.float32) / np.float32(255.0)), torch.from_numpy(y)
    return part(mnist.FILES[0], mnist.FILES[1]) + part(mnist.FILES[2], mnist.FILES[3])


def recipe(name):
    """appsettings.json with the recipe layered over it, as ScratchNet's host does."""
    root = os.path.normpath(os.path.join(here, "..", "..", "config"))
    merged = json.load(open(os.path.join(root, "appsettings.json")))
    for section, values in json.load(open(os.path.join(root, "recipes", name + ".json"))).items():
        merged.setdefault(section, {}).update(values)
    return merged


def main():
    torch.set_num_threads(args.threads)
    torch.manual_seed(args.seed)
    cfg = recipe(args.recipe)
    m, t, o, s = cfg["Model"], cfg["Training"], cfg["Optimizer"], cfg.get("Schedule", {})
    sizes = [int(v) for v in str(m["LayerSizes"]).split(",")]
    dropout = float(m.get("Dropout", 0))
    x_tr, l_tr, x_va, l_va = load_official(args.data or mnist.default_data_dir())
    n, batch, epochs = x_tr.shape[0], int(t["BatchSize"]), int(t["Epochs"])

    layers = []
    for i in range(len(sizes) - 1):
        layers.append(nn.Linear(sizes[i], sizes[i + 1]))
        if i < len(sizes) - 2:
            layers.append(nn.ReLU())
            if dropout > 0:
                layers.append(nn.Dropout(dropout))
    model = nn.Sequential(*layers)
    with torch.no_grad():
        for layer in model:
            if isinstance(layer, nn.Linear):
                layer.weight.normal_(0.0, math.sqrt(2.0 / layer.in_features))
                layer.bias.zero_()

    name, lr, wd = o["Name"].lower(), float(o["LearningRate"]), float(o.get("WeightDecay", 0))
    betas = (float(o.get("Beta1", 0.9)), float(o.get("Beta2", 0.999)))
    eps = float(o.get("Epsilon", 1e-8))
    params = model.parameters()
    if name == "sgd":
        mom = float(o.get("Momentum", 0))
        opt = torch.optim.SGD(params, lr=lr, momentum=mom, nesterov=bool(o.get("Nesterov", False)) and mom > 0, weight_decay=wd)
    elif name == "adam":
        opt = torch.optim.Adam(params, lr=lr, betas=betas, eps=eps, weight_decay=wd)
    elif name == "adamw":
        opt = torch.optim.AdamW(params, lr=lr, betas=betas, eps=eps, weight_decay=wd)
    elif name == "rmsprop":
        opt = torch.optim.RMSprop(params, lr=lr, alpha=float(o.get("Alpha", 0.99)), eps=eps, momentum=float(o.get("Momentum", 0)), weight_decay=wd)
    else:
        sys.exit(f"optimizer {name} is not mapped to PyTorch here")

    batches = (n + batch - 1) // batch
    warm = int(s.get("WarmupEpochs", 0)) * batches
    total = epochs * batches
    sched_name, lr_min = s.get("Name", "constant").lower(), float(s.get("MinLearningRate", 0))
    if sched_name not in ("constant", "cosine"):
        sys.exit(f"schedule {sched_name} is not mapped to PyTorch here (constant and cosine are)")

    def rate(step):
        w = (step + 1) / warm if step < warm else 1.0
        if sched_name == "cosine" and step >= warm and total > warm:
            p = min(1.0, (step - warm) / (total - warm))
            return w * (lr_min + (lr - lr_min) * (1 + math.cos(math.pi * p)) / 2)
        return w * lr

    print(f"# torch {torch.__version__} threads={torch.get_num_threads()} recipe={args.recipe} "
          f"{name} lr={lr} batch={batch} epochs={epochs} dropout={dropout} schedule={sched_name} warmup={warm} steps", flush=True)
    loss_fn = nn.CrossEntropyLoss()
    gen = torch.Generator().manual_seed(args.seed)
    elapsed, reached, step = 0.0, None, 0
    for epoch in range(1, epochs + 1):
        t0 = time.perf_counter()
        model.train()
        perm = torch.randperm(n, generator=gen)
        loss_sum = 0.0
        for start in range(0, n, batch):
            for group in opt.param_groups:
                group["lr"] = rate(step)
            idx = perm[start:start + batch]
            loss = loss_fn(model(x_tr[idx]), l_tr[idx])
            opt.zero_grad(set_to_none=True)
            loss.backward()
            opt.step()
            loss_sum += loss.item() * idx.shape[0]
            step += 1
        train_s = time.perf_counter() - t0
        t1 = time.perf_counter()
        model.eval()
        with torch.inference_mode():
            logits = model(x_va)
            val_loss = loss_fn(logits, l_va).item()
            val_acc = (logits.argmax(1) == l_va).float().mean().item()
        eval_s = time.perf_counter() - t1
        elapsed += train_s + eval_s
        print(f"epoch={epoch:03d} train_loss={loss_sum / n:.4f} val_loss={val_loss:.4f} val_acc={val_acc:.4f} "
              f"time={train_s:.3f}s eval={eval_s:.3f}s", flush=True)
        if reached is None and val_acc >= args.target:
            reached = (elapsed, epoch)
    if reached:
        print(f"time_to_98={reached[0]:.2f} epochs_to_98={reached[1]}")
    else:
        print(f"time_to_98=never epochs_to_98=never (target {args.target} not reached in {epochs} epochs)")


if __name__ == "__main__":
    main()
