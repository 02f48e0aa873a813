#!/usr/bin/python3
"""Correctness beyond gradient checks: ScratchNet and PyTorch start from identical weights, train on the same batches
in the same order with the same optimizer and learning-rate schedule, and their weights are compared afterwards.

1. PyTorch builds the network of Model:Layers (scratchnet_layers.py) with its own default initialisation and writes
   its state_dict as safetensors (PyTorch's names and layouts: 0.weight, 7.weight (out, in), 1.num_batches_tracked I64).
2. The first steps × batch MNIST training images go into an IDX folder, in file order.
3. ScratchNet trains --epochs epochs over them (steps batches each, in the same order every epoch) through its own
   command line: --Model:InitFrom=<PyTorch's file>, --Training:Shuffle=false, the Optimizer:* and Schedule:* keys of
   the options below; `export --format safetensors` writes the result under ScratchNet's names (conv0.weight,
   dense0.weight (in, out), bn0.running_var).
4. PyTorch trains the same batches with the matching torch.optim class and torch.optim.lr_scheduler construction,
   stepped once per batch (torch_schedule below), in float32 (PT, its default CPU kernels, whose convolution is
   oneDNN's), in float32 with oneDNN off (PT*, its other convolution) and in float64 (PT64, the exact trajectory as a
   yardstick of float32 rounding). Hyper-parameters go to PyTorch rounded to float32, since that is what ScratchNet holds.
5. Every tensor (batch norm's running statistics too) is compared: max |a − b| / max |b| and ‖a − b‖ / ‖b‖.

The verdict is honest about rounding, tensor by tensor: a tensor passes when ScratchNet's distance from the float64 run
is within --tolerance, or within --rounding-factor times PyTorch float32's own distance from it (SN–PT64 ≤
max(tolerance, factor × PT–PT64), L2 form). Most tensors are held to the tolerance, since float32 keeps them within 1e-6
of float64. A few move only through rounding noise: a conv or dense bias right before batch norm (the mean subtraction
cancels it, so its gradient is rounding noise), and the running_mean that carries it; plain SGD leaves them in place,
but Adam and RMSprop scale the noise up to full-size steps, and PyTorch's own float32 and float64 runs part on them by
0.1 or more. Those tensors are judged by that spread. So are runs in which PyTorch float32 itself took a rounding branch
(a max-pool window's two largest values, or a ReLU input, within rounding of each other) that float64 did not. A run in
which ScratchNet takes such a branch alone fails, as would a wrong update rule: compare fewer steps (docs/cnn.md).

Exits 0 when every tensor passes, 1 when one does not, 2 when something needed is missing. Usage:

    /usr/bin/python3 bench/compare/torch_parity.py [--net cnn|cnn-bn|mlp|mlp-bn] [--steps 100] [--epochs 1] [--batch 64]
        [--optimizer sgd|adam|adamw|rmsprop] [--lr 0.01] [--momentum 0] [--nesterov] [--weight-decay 0] [--beta1 0.9]
        [--beta2 0.999] [--epsilon 1e-8] [--alpha 0.99] [--schedule constant|step|exponential|cosine] [--warmup-epochs 0]
        [--step-size 1] [--gamma 0.1] [--min-lr 0] [--seed 0] [--tolerance 1e-5] [--rounding-factor 4]
        [--data DIR] [--dll PATH] [--skip-build] [--keep DIR]
"""
import argparse
import glob
import os
import re
import shutil
import struct
import subprocess
import sys
import tempfile
import time

NETWORKS = {
    "cnn": ["conv 16 3x3 pad 1", "relu", "maxpool 2", "conv 32 3x3 pad 1", "relu", "maxpool 2",
            "flatten", "dense 128", "relu", "dense 10"],
    "cnn-bn": ["conv 16 3x3 pad 1", "batchnorm", "relu", "maxpool 2", "conv 32 3x3 pad 1", "batchnorm", "relu",
               "maxpool 2", "flatten", "dense 128", "batchnorm", "relu", "dense 10"],
    "mlp": ["flatten", "dense 128", "relu", "dense 64", "relu", "dense 10"],
    # The dense biases before batch norm move only through rounding noise (see the verdict above).
    "mlp-bn": ["flatten", "dense 128", "batchnorm", "relu", "dense 64", "batchnorm", "tanh", "dense 10"],
}
OPTIMIZERS = ("sgd", "adam", "adamw", "rmsprop")
SCHEDULES = ("constant", "step", "exponential", "cosine")

here = os.path.dirname(os.path.abspath(__file__))
root = os.path.abspath(os.path.join(here, "..", ".."))
parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
parser.add_argument("--net", choices=sorted(NETWORKS), default="cnn")
parser.add_argument("--steps", type=int, default=100, help="batches an epoch")
parser.add_argument("--epochs", type=int, default=1, help="epochs over the same batches (a schedule needs more than one)")
parser.add_argument("--batch", type=int, default=64)
parser.add_argument("--optimizer", choices=OPTIMIZERS, default="sgd")
parser.add_argument("--lr", type=float, default=0.01)
parser.add_argument("--momentum", type=float, default=0.0, help="sgd, rmsprop")
parser.add_argument("--nesterov", action="store_true", help="sgd (needs --momentum)")
parser.add_argument("--weight-decay", type=float, default=0.0, help="L2 for sgd, adam, rmsprop; decoupled for adamw")
parser.add_argument("--beta1", type=float, default=0.9, help="adam, adamw")
parser.add_argument("--beta2", type=float, default=0.999, help="adam, adamw")
parser.add_argument("--epsilon", type=float, default=1e-8, help="adam, adamw, rmsprop")
parser.add_argument("--alpha", type=float, default=0.99, help="rmsprop")
parser.add_argument("--schedule", choices=SCHEDULES, default="constant")
parser.add_argument("--warmup-epochs", type=int, default=0)
parser.add_argument("--step-size", type=int, default=1, help="step: epochs between decays")
parser.add_argument("--gamma", type=float, default=0.1, help="step, exponential")
parser.add_argument("--min-lr", type=float, default=0.0, help="cosine's floor")
parser.add_argument("--seed", type=int, default=0, help="torch.manual_seed for PyTorch's initialisation")
parser.add_argument("--tolerance", type=float, default=1e-5, help="what every tensor may differ from float64 (L2 form)")
parser.add_argument("--rounding-factor", type=float, default=4.0,
                    help="or this many times PyTorch float32's own distance from float64, tensor by tensor")
parser.add_argument("--data", default=None, help="directory with the MNIST IDX files (default: ScratchNet's cache)")
parser.add_argument("--dll", default=os.path.join(root, "src/ScratchNet.Host/bin/Release/net10.0/ScratchNet.Host.dll"))
parser.add_argument("--skip-build", action="store_true", help="use the existing --dll instead of building the Host")
parser.add_argument("--keep", default=None, help="work in this folder and keep it (default: a temporary folder)")
args = parser.parse_args()

for var in ("OPENBLAS_NUM_THREADS", "OMP_NUM_THREADS", "MKL_NUM_THREADS"):
    os.environ[var] = "1"

import numpy as np  # noqa: E402
import torch  # noqa: E402
import torch.nn.functional as F  # noqa: E402

sys.path.insert(0, here)
import mnist  # noqa: E402
import safetensors_lite  # noqa: E402
import scratchnet_layers  # noqa: E402

torch.set_num_threads(1)


def write_idx(path, array):
    """An unsigned-byte IDX file: magic 0x0000080N (N dimensions), each dimension big-endian, then the bytes."""
    with open(path, "wb") as f:
        f.write(struct.pack(">HBB", 0, 0x08, array.ndim))
        f.write(struct.pack(">" + "I" * array.ndim, *array.shape))
        f.write(np.ascontiguousarray(array, dtype=np.uint8).tobytes())


def relative(a, b):
    """(max |a − b| / max |b|, ‖a − b‖ / ‖b‖), in float64."""
    a, b = np.asarray(a, np.float64), np.asarray(b, np.float64)
    scale = max(np.abs(b).max(), 1e-30)
    return np.abs(a - b).max() / scale, np.linalg.norm(a - b) / max(np.linalg.norm(b), 1e-30)


def run(command, log):
    started = time.perf_counter()
    environment = {k: v for k, v in os.environ.items() if not k.upper().startswith("SCRATCHNET_")}
    result = subprocess.run(command, capture_output=True, text=True, env=environment)
    with open(log, "w") as f:
        f.write(" ".join(command) + "\n" + result.stdout + result.stderr)
    if result.returncode != 0:
        print(f"parity: {' '.join(command[:3])} … exited {result.returncode}; see {log}", file=sys.stderr)
        print((result.stdout + result.stderr)[-3000:], file=sys.stderr)
        sys.exit(2)
    return result.stdout + result.stderr, time.perf_counter() - started


def f32(value):
    """A hyper-parameter as ScratchNet holds it (float32), for PyTorch."""
    return float(np.float32(value))


def scratchnet_options():
    """The Optimizer:* and Schedule:* keys of the options; only those the optimizer and schedule read, since the host
    refuses a key it would ignore."""
    o = args.optimizer
    options = [f"--Optimizer:Name={o}", f"--Optimizer:LearningRate={args.lr!r}", f"--Optimizer:WeightDecay={args.weight_decay!r}"]
    if o in ("sgd", "rmsprop"):
        options.append(f"--Optimizer:Momentum={args.momentum!r}")
    if o == "sgd":
        options.append(f"--Optimizer:Nesterov={str(args.nesterov).lower()}")
    if o in ("adam", "adamw"):
        options += [f"--Optimizer:Beta1={args.beta1!r}", f"--Optimizer:Beta2={args.beta2!r}"]
    if o != "sgd":
        options.append(f"--Optimizer:Epsilon={args.epsilon!r}")
    if o == "rmsprop":
        options.append(f"--Optimizer:Alpha={args.alpha!r}")
    options += [f"--Schedule:Name={args.schedule}", f"--Schedule:WarmupEpochs={args.warmup_epochs}"]
    if args.schedule == "step":
        options.append(f"--Schedule:StepSize={args.step_size}")
    if args.schedule in ("step", "exponential"):
        options.append(f"--Schedule:Gamma={args.gamma!r}")
    if args.schedule == "cosine":
        options.append(f"--Schedule:MinLearningRate={args.min_lr!r}")
    return options


def torch_optimizer(parameters):
    """The torch.optim class each optimizer matches (docs/training.md), with the same hyper-parameters."""
    o, lr, wd = args.optimizer, f32(args.lr), f32(args.weight_decay)
    if o == "sgd":
        return torch.optim.SGD(parameters, lr=lr, momentum=f32(args.momentum), nesterov=args.nesterov, weight_decay=wd)
    if o in ("adam", "adamw"):
        kind = torch.optim.Adam if o == "adam" else torch.optim.AdamW
        return kind(parameters, lr=lr, betas=(f32(args.beta1), f32(args.beta2)), eps=f32(args.epsilon), weight_decay=wd)
    return torch.optim.RMSprop(parameters, lr=lr, alpha=f32(args.alpha), eps=f32(args.epsilon), momentum=f32(args.momentum),
                               weight_decay=wd)


def torch_schedule(optimizer):
    """ScratchNet's schedule (Schedule:*) as torch.optim.lr_scheduler, stepped once per batch, in batch units
    (docs/training.md): B batches an epoch, W warm-up epochs, E epochs.

        warm-up   LinearLR(start_factor=1/(W·B), end_factor=1, total_iters=W·B − 1) (full rate on the warm-up's last batch)
        step      StepLR(step_size=StepSize·B, gamma)        exponential  StepLR(step_size=B, gamma)
        cosine    CosineAnnealingLR(T_max=(E − W)·B, eta_min=MinLearningRate)
        both      SequentialLR([warm-up, schedule], milestones=[W·B])

    None for a constant rate without warm-up."""
    b, w, e = args.steps, args.warmup_epochs, args.epochs
    schedulers = torch.optim.lr_scheduler
    if args.schedule == "step":
        main = schedulers.StepLR(optimizer, step_size=args.step_size * b, gamma=f32(args.gamma))
    elif args.schedule == "exponential":
        main = schedulers.StepLR(optimizer, step_size=b, gamma=f32(args.gamma))
    elif args.schedule == "cosine":
        main = schedulers.CosineAnnealingLR(optimizer, T_max=max((e - w) * b, 1), eta_min=f32(args.min_lr))
    else:
        main = None
    if w == 0:
        return main
    warmup = schedulers.LinearLR(optimizer, start_factor=1.0 / (w * b), end_factor=1.0, total_iters=w * b - 1)
    return warmup if main is None else schedulers.SequentialLR(optimizer, [warmup, main], milestones=[w * b])


def describe():
    o = args.optimizer
    parts = [f"lr {args.lr}"]
    if o in ("sgd", "rmsprop") and args.momentum:
        parts.append(f"momentum {args.momentum}" + (" nesterov" if args.nesterov else ""))
    if args.weight_decay:
        parts.append(f"weight decay {args.weight_decay}")
    if o in ("adam", "adamw"):
        parts.append(f"betas {args.beta1}/{args.beta2}")
    if o != "sgd":
        parts.append(f"eps {args.epsilon}")
    if o == "rmsprop":
        parts.append(f"alpha {args.alpha}")
    if args.schedule != "constant" or args.warmup_epochs:
        parts.append(f"schedule {args.schedule}, {args.warmup_epochs} warm-up epoch(s)")
    return f"{o} ({', '.join(parts)})"


def main():
    layers = NETWORKS[args.net]
    if args.warmup_epochs > args.epochs:
        print(f"parity: --warmup-epochs {args.warmup_epochs} exceeds --epochs {args.epochs}; ScratchNet refuses that too", file=sys.stderr)
        sys.exit(2)
    data = args.data or mnist.default_data_dir()
    mnist.require_data(data)
    if not args.skip_build:
        subprocess.run(["dotnet", "build", "src/ScratchNet.Host", "-c", "Release", "-nologo", "-v", "q"], cwd=root, check=True)
    if not os.path.isfile(args.dll):
        print(f"parity: {args.dll} is missing; build it (dotnet build src/ScratchNet.Host -c Release) or pass --dll", file=sys.stderr)
        sys.exit(2)

    work = args.keep or tempfile.mkdtemp(prefix="scratchnet-parity-")
    os.makedirs(os.path.join(work, "idx"), exist_ok=True)
    try:
        rows = args.steps * args.batch
        images = mnist._read_idx(mnist._find(data, mnist.FILES[0]))[:rows]
        labels = mnist._read_idx(mnist._find(data, mnist.FILES[1]))[:rows]
        if images.shape[0] < rows:
            print(f"parity: {args.steps} steps of {args.batch} need {rows} training images, MNIST has {images.shape[0]}", file=sys.stderr)
            sys.exit(2)
        test_images = mnist._read_idx(mnist._find(data, mnist.FILES[2]))[:500]
        test_labels = mnist._read_idx(mnist._find(data, mnist.FILES[3]))[:500]
        for name, array in zip(mnist.FILES, (images, labels, test_images, test_labels)):
            write_idx(os.path.join(work, "idx", name), array)

        # 1. PyTorch's initial weights, in PyTorch's names and layouts.
        torch.manual_seed(args.seed)
        model32, names = scratchnet_layers.build(layers, (1, 28, 28))
        model64, _ = scratchnet_layers.build(layers, (1, 28, 28))
        model64 = model64.double()
        initial = scratchnet_layers.state_dict_arrays(model32)
        scratchnet_layers.load_arrays(model64, initial)
        init_path = os.path.join(work, "init.safetensors")
        safetensors_lite.save(initial, init_path)

        # 2. ScratchNet, through its command line.
        command = ["dotnet", args.dll, "train", "--Data:Dataset=idx", f"--Data:Directory={os.path.join(work, 'idx')}",
                   "--Data:Split=official", f"--Model:InitFrom={init_path}", f"--Training:Epochs={args.epochs}",
                   f"--Training:BatchSize={args.batch}", "--Training:Shuffle=false", "--Training:EvaluationBatchSize=100",
                   *scratchnet_options(), "--Progress:Enabled=false", f"--Run:Directory={os.path.join(work, 'runs')}", f"--Checkpoints:Directory={os.path.join(work, 'checkpoints')}"]
        command += [f"--Model:Layers:{i}={layer}" for i, layer in enumerate(layers)]
        output, scratchnet_seconds = run(command, os.path.join(work, "train.log"))
        model_file = sorted(glob.glob(os.path.join(work, "runs", "*", "model.snm")))[-1]
        after_path = os.path.join(work, "after.safetensors")
        run(["dotnet", args.dll, "export", "--model", model_file, "--format", "safetensors", "--out", after_path], os.path.join(work, "export.log"))
        scratchnet_loss = float(re.findall(r"train_loss=(\d+\.\d+)", output)[-1])

        # 3. PyTorch, the same batches in order: float32 (its default CPU kernels, oneDNN's convolution), float32 with
        #    oneDNN off (its other convolution: how far two float32 implementations drift apart), and float64.
        x = torch.from_numpy(images.reshape(rows, 1, 28, 28).astype(np.float32) / np.float32(255.0))
        y = torch.from_numpy(labels.astype(np.int64))
        other32, _ = scratchnet_layers.build(layers, (1, 28, 28))
        scratchnet_layers.load_arrays(other32, initial)
        losses, torch_seconds = [], 0.0
        for model, dtype, onednn in ((model32, torch.float32, True), (other32, torch.float32, False), (model64, torch.float64, True)):
            torch.backends.mkldnn.enabled = onednn
            model.train()
            optimizer = torch_optimizer(model.parameters())
            schedule = torch_schedule(optimizer)
            started = time.perf_counter()
            for epoch in range(args.epochs):
                for s in range(args.steps):
                    batch = slice(s * args.batch, (s + 1) * args.batch)
                    loss = F.cross_entropy(model(x[batch].to(dtype)), y[batch])
                    optimizer.zero_grad()
                    loss.backward()
                    optimizer.step()
                    if schedule is not None:
                        schedule.step()
                    if model is model32 and epoch == args.epochs - 1:
                        losses.append(loss.item())
            if model is model32:
                torch_seconds = time.perf_counter() - started
        torch.backends.mkldnn.enabled = True

        # 4. Compare every tensor ScratchNet wrote, under PyTorch's names.
        after, _ = safetensors_lite.load(after_path)
        torch_named = scratchnet_layers.to_torch_names(after, names)
        state32, state64, other = model32.state_dict(), model64.state_dict(), other32.state_dict()
        total = args.steps * args.epochs
        print(f"{args.net}: {len(layers)} layers, {total} steps of {args.batch} ({args.epochs} epoch(s) of {args.steps}), "
              f"{describe()}, PyTorch {torch.__version__} float32 and float64 from the same start, 1 thread")
        print(f"mean train loss of the last epoch: ScratchNet {scratchnet_loss:.4f}, PyTorch {np.mean(losses):.4f}")
        print(f"{'tensor':<14} {'torch':<15} {'shape':<15} {'moved':>8} {'SN-PT max':>10} {'SN-PT L2':>9} "
              f"{'update L2':>10} {'PT-PT* L2':>10} {'SN-PT* L2':>10} {'SN-PT64 L2':>11} {'PT-PT64 L2':>11} {'allowed':>9}")
        worst, worst_l2, worst_update, spread, worst_other, worst_64 = 0.0, 0.0, 0.0, 0.0, 0.0, 0.0
        judged = []  # (SN-PT64 / allowed, tensor, SN-PT64, allowed)
        for key in after:
            torch_key = scratchnet_layers.torch_name(key, names)
            b32 = state32[torch_key].numpy()
            b64 = state64[torch_key].numpy()
            a = torch_named[torch_key]
            start = initial[torch_key].astype(np.float64)
            # How far training took the tensor, ‖w − w₀‖ / max(‖w₀‖, ‖w‖) (batch norm's β starts at 0). A bias feeding
            # batch norm moves only through rounding noise (the mean cancels it): not at all under plain SGD, so its
            # update is not compared then.
            moved = np.linalg.norm(b64 - start) / max(np.linalg.norm(start), np.linalg.norm(b64), 1e-30)
            sn32, sn32_l2 = relative(a, b32)
            update = relative(a - start, b32 - start)[1] if moved > 1e-6 else 0.0
            sn64 = relative(a, b64)[1]
            pt64 = relative(b32, b64)[1]
            pt_other = relative(other[torch_key].numpy(), b32)[1]
            sn_other = relative(a, other[torch_key].numpy())[1]
            allowed = max(args.tolerance, args.rounding_factor * pt64)
            judged.append((sn64 / allowed, key, sn64, allowed))
            worst, worst_l2, worst_update, spread = max(worst, sn32), max(worst_l2, sn32_l2), max(worst_update, update), max(spread, pt_other)
            worst_other, worst_64 = max(worst_other, sn_other), max(worst_64, sn64)
            print(f"{key:<14} {torch_key:<15} {str(tuple(a.shape)):<15} {moved:>8.1e} {sn32:>10.2e} {sn32_l2:>9.2e} "
                  f"{update:>10.2e} {pt_other:>10.2e} {sn_other:>10.2e} {sn64:>11.2e} {pt64:>11.2e} {allowed:>9.2e}"
                  + ("  FAILED" if sn64 > allowed else ""))
        print("SN: ScratchNet; PT: PyTorch float32; PT*: PyTorch float32 with oneDNN off; PT64: PyTorch float64.  "
              "max: max |a − b| / max |b|;  L2: ‖a − b‖ / ‖b‖;  update: ‖(a − w₀) − (b − w₀)‖ / ‖b − w₀‖, the L2 difference "
              "of what training changed (not for tensors that did not move);  moved: ‖w − w₀‖ / max(‖w₀‖, ‖w‖);  "
              f"allowed: max(tolerance, {args.rounding_factor:g} × PT-PT64), what SN-PT64 may be")
        nearest, nearer = (worst_l2, "oneDNN, its default") if worst_l2 <= worst_other else (worst_other, "oneDNN off")
        print(f"after {total} steps, ScratchNet vs PyTorch float32: max relative difference {nearest:.2e} (L2 form, "
              f"against the nearer of its two float32 convolutions: {nearer}); against its default {worst_l2:.2e} "
              f"({worst:.2e} in max form, {worst_update:.2e} on the updates), with oneDNN off {worst_other:.2e}, float64 "
              f"{worst_64:.2e}; PyTorch's two float32 convolutions differ by up to {spread:.2e}")
        ratio, key, sn64, allowed = max(judged)
        failed = [k for r, k, _, _ in judged if r > 1]
        print(f"verdict: every tensor's SN-PT64 within max(tolerance {args.tolerance:.0e}, {args.rounding_factor:g} × PT-PT64): "
              f"worst ratio {ratio:.2f} ({key}: SN-PT64 {sn64:.2e}, allowed {allowed:.2e})"
              + (f"; over: {', '.join(failed)}" if failed else ""))
        print(f"time: ScratchNet's process {scratchnet_seconds:.1f} s (start, {args.epochs} epoch(s), evaluation, reports), "
              f"PyTorch's {total} float32 steps {torch_seconds:.1f} s")
        verdict = not failed
        print("parity: OK" if verdict else "parity: FAILED")
        return 0 if verdict else 1
    finally:
        if not args.keep:
            shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    sys.exit(main())
