#!/usr/bin/python3
"""A ScratchNet recipe (config/recipes/NAME.json) run in PyTorch on CPU, to compare time-to-accuracy and epoch time.

Same data as ScratchNet's `--Data:Split=official`: the 60,000 MNIST training images, judged after
every epoch on the official 10,000-image test set. Same recipe: the network of Model:Layers (conv,
maxpool, avgpool, batchnorm, dropout, activations, flatten, dense, in ScratchNet's grammar, on
1 x 28 x 28 images) or else the MLP of Model:LayerSizes with inverted dropout after each hidden
activation; He-normal (or Xavier) weights with ScratchNet's fan-in, zero biases; the optimizer of the
recipe (torch.optim.SGD / Adam / AdamW / RMSprop with its keys) and its schedule, stepped per batch as
ScratchNet does (linear warm-up over Schedule:WarmupEpochs, then cosine to MinLearningRate).

Prints one line per epoch (`time=` is the training part: shuffle and every minibatch step) and, at
the end,
    time_to_target=<s> epochs_to_target=<n> target=<t>
where the time is the sum of the epochs' training and evaluation wall time up to and including the
first epoch with val_acc >= target (start-up and data loading are not counted), as for ScratchNet.
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
parser.add_argument("--epochs", type=int, default=None, help="instead of the recipe's Training:Epochs")
parser.add_argument("--batch", type=int, default=None, help="instead of the recipe's Training:BatchSize")
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
import scratchnet_layers  # noqa: E402


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


def mlp_network(sizes, activation, dropout):
    layers = []
    for i in range(len(sizes) - 1):
        layers.append(nn.Linear(sizes[i], sizes[i + 1]))
        if i < len(sizes) - 2:
            layers.append(scratchnet_layers.ACTIVATIONS[activation]())
            if dropout > 0:
                layers.append(nn.Dropout(dropout))
    return nn.Sequential(*layers)


def initialize(model, initializer):
    """ScratchNet's initialisers: fan-in = inputs (dense) or in·kH·kW (conv), fan-out = outputs (·kH·kW); zero biases."""
    with torch.no_grad():
        for layer in model:
            if isinstance(layer, (nn.Linear, nn.Conv2d)):
                area = layer.kernel_size[0] * layer.kernel_size[1] if isinstance(layer, nn.Conv2d) else 1
                fan_in = (layer.in_channels if isinstance(layer, nn.Conv2d) else layer.in_features) * area
                fan_out = (layer.out_channels if isinstance(layer, nn.Conv2d) else layer.out_features) * area
                if initializer == "he_normal":
                    layer.weight.normal_(0.0, math.sqrt(2.0 / fan_in))
                elif initializer == "xavier_normal":
                    layer.weight.normal_(0.0, math.sqrt(2.0 / (fan_in + fan_out)))
                elif initializer == "xavier_uniform":
                    bound = math.sqrt(6.0 / (fan_in + fan_out))
                    layer.weight.uniform_(-bound, bound)
                else:
                    sys.exit(f"initializer {initializer} is not mapped to PyTorch here")
                layer.bias.zero_()


def main():
    torch.set_num_threads(args.threads)
    torch.manual_seed(args.seed)
    cfg = recipe(args.recipe)
    m, t, o, s = cfg["Model"], cfg["Training"], cfg["Optimizer"], cfg.get("Schedule", {})
    if cfg.get("Data", {}).get("Augment", {}).get("Enabled", False):
        sys.exit(f"recipe {args.recipe} augments its images; that is not mapped to PyTorch here")
    x_tr, l_tr, x_va, l_va = load_official(args.data or mnist.default_data_dir())
    n = x_tr.shape[0]
    batch, epochs = args.batch or int(t["BatchSize"]), args.epochs or int(t["Epochs"])
    dropout = float(m.get("Dropout", 0))
    if m.get("Layers"):
        model = scratchnet_layers.build(m["Layers"], (1, 28, 28))[0]
        x_tr, x_va = x_tr.reshape(-1, 1, 28, 28), x_va.reshape(-1, 1, 28, 28)
        described = " -> ".join(m["Layers"])
    else:
        model = mlp_network([int(v) for v in str(m["LayerSizes"]).split(",")], m.get("Activation", "relu").lower(), dropout)
        described = f"mlp {m['LayerSizes']} dropout={dropout}"
    initialize(model, m.get("Initializer", "he_normal").lower())

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

    print(f"# torch {torch.__version__} threads={torch.get_num_threads()} recipe={args.recipe} train={n} val={x_va.shape[0]} "
          f"{name} lr={lr} batch={batch} epochs={epochs} schedule={sched_name} warmup={warm} steps network: {described}", flush=True)
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
        print(f"time_to_target={reached[0]:.2f} epochs_to_target={reached[1]} target={args.target}")
    else:
        print(f"time_to_target=never epochs_to_target=never target={args.target} (not reached in {epochs} epochs)")


if __name__ == "__main__":
    main()
