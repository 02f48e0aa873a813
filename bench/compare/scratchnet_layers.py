"""ScratchNet's Model:Layers grammar in PyTorch: the same network as an nn.Sequential, module for module, and the map
between ScratchNet's tensor names and the Sequential's state_dict names.

    conv OUT KxK [stride S] [pad P]   nn.Conv2d(C, OUT, (K, L), S, P)      maxpool K [stride S]  nn.MaxPool2d(K, S)
    avgpool K [stride S]              nn.AvgPool2d(K, S)                    batchnorm             nn.BatchNorm2d / 1d
    dropout P                         nn.Dropout(P)                         relu, leaky_relu, sigmoid, tanh
    flatten                           nn.Flatten()                          dense N               nn.Linear(in, N)

ScratchNet names layers by kind and count (conv0, conv1, maxpool0, bn0, relu0, dropout0, flatten0, dense0) and their
tensors after them (conv0.weight, bn0.running_var); the Sequential names them by position (0.weight, 1.running_var).
Layouts are the same except nn.Linear's weight, (out, in), which ScratchNet keeps as (in, out).

A flat vector of F values is ScratchNet's F × 1 × 1 image, so a conv or pool may follow a dense layer and a dense layer
may follow a conv that leaves 1 × 1 (ONNX export inserts Reshape and Flatten there): the modules below take either form
and keep nn's parameter names, so the state_dict indices stay one per Model:Layers entry.
"""
import re

import torch
from torch import nn

ACTIVATIONS = {"relu": nn.ReLU, "leaky_relu": lambda: nn.LeakyReLU(0.01), "sigmoid": nn.Sigmoid, "tanh": nn.Tanh}


class _TakesVectors:
    """Sees a flat (n, F) input as the (n, F, 1, 1) image ScratchNet's shapes make of it."""

    def forward(self, x):
        return super().forward(x.reshape(x.shape[0], -1, 1, 1) if x.dim() == 2 else x)


class Conv2d(_TakesVectors, nn.Conv2d):
    pass


class MaxPool2d(_TakesVectors, nn.MaxPool2d):
    pass


class AvgPool2d(_TakesVectors, nn.AvgPool2d):
    pass


class Linear(nn.Linear):
    """Takes a (n, C, 1, 1) image as the (n, C) vector it is in ScratchNet."""

    def forward(self, x):
        return super().forward(x.flatten(1) if x.dim() == 4 else x)


def parse(text):
    """One entry → (kind, dict of hyper-parameters), as ScratchNet's LayerSyntax reads it."""
    words = text.lower().split()
    kind, rest = words[0], words[1:]
    if kind == "conv":
        height, _, width = rest[1].partition("x")
        options = dict(zip(rest[2::2], rest[3::2]))
        return kind, {"out": int(rest[0]), "kernel": (int(height), int(width or height)),
                      "stride": int(options.get("stride", 1)), "pad": int(options.get("pad", options.get("padding", 0)))}
    if kind in ("maxpool", "avgpool"):
        return kind, {"kernel": int(rest[0]), "stride": int(rest[2]) if len(rest) > 2 else int(rest[0])}
    if kind == "dense":
        return kind, {"out": int(rest[0])}
    if kind == "dropout":
        return kind, {"rate": float(rest[0])}
    if kind in ("batchnorm", "flatten") or kind in ACTIVATIONS:
        return kind, {}
    raise ValueError(f"'{text}' is not a layer")


def _prefix(kind):
    return {"batchnorm": "bn"}.get(kind, kind)


def build(layers, input_shape):
    """Returns (nn.Sequential, [ScratchNet layer names]) for entries of Model:Layers on (C, H, W) inputs."""
    c, h, w = input_shape
    images = (h, w) != (1, 1)  # the tensor is (n, c, h, w), not (n, features)
    modules, names, counts = [], [], {}
    for text in layers:
        kind, p = parse(text)
        index = counts.get(_prefix(kind), 0)
        counts[_prefix(kind)] = index + 1
        names.append(f"{_prefix(kind)}{index}")
        if kind == "conv":
            (kh, kw), s, pad = p["kernel"], p["stride"], p["pad"]
            modules.append(Conv2d(c, p["out"], (kh, kw), s, pad))
            c, h, w, images = p["out"], (h + 2 * pad - kh) // s + 1, (w + 2 * pad - kw) // s + 1, True
        elif kind in ("maxpool", "avgpool"):
            k, s = p["kernel"], p["stride"]
            modules.append((MaxPool2d if kind == "maxpool" else AvgPool2d)(k, s))
            h, w, images = (h - k) // s + 1, (w - k) // s + 1, True
        elif kind == "batchnorm":
            modules.append(nn.BatchNorm2d(c) if images else nn.BatchNorm1d(c))
        elif kind == "dropout":
            modules.append(nn.Dropout(p["rate"]))
        elif kind == "flatten":
            modules.append(nn.Flatten())
            c, h, w, images = c * h * w, 1, 1, False
        elif kind == "dense":
            modules.append(Linear(c, p["out"]))
            c, images = p["out"], False
        else:
            modules.append(ACTIVATIONS[kind]())
    if images:
        # A network ending on a 1 × 1 image gives its scores as (n, classes, 1, 1); ScratchNet reads them as a vector.
        # Appended last, it moves no index.
        modules.append(nn.Flatten())
    return nn.Sequential(*modules), names


def from_metadata(metadata):
    """Returns (nn.Sequential, [layer names]) for the network a ScratchNet safetensors file records: its scratchnet.layers
    ("conv0: conv 16 3x3; relu0: relu; …", dropout left out, so indices count the file's layers) on its
    scratchnet.input_shape. Works for every model, the MLP shorthand's included."""
    entries = [entry.partition(":") for entry in metadata["scratchnet.layers"].split(";")]
    names, layers = [name.strip() for name, _, _ in entries], [text.strip() for _, _, text in entries]
    shape = tuple(int(v) for v in metadata["scratchnet.input_shape"].split(","))
    model, _ = build(layers, shape)
    return model, names


def torch_name(key, names):
    """conv0.weight → 0.weight: the layer's position in the Sequential, then the same tensor name."""
    layer, _, suffix = key.partition(".")
    return f"{names.index(layer)}.{suffix}"


def to_torch_names(tensors, names):
    """ScratchNet's {name: array} → the Sequential's state_dict names and layouts (dense weights transposed)."""
    result = {}
    for key, value in tensors.items():
        if re.fullmatch(r"dense\d+\.weight", key):
            value = value.T
        result[torch_name(key, names)] = value
    return result


def state_dict_arrays(model):
    """The model's state_dict as float32 numpy arrays (num_batches_tracked as int64), as safetensors.torch.save_file writes it."""
    return {k: v.detach().cpu().numpy().copy() for k, v in model.state_dict().items()}


def load_arrays(model, arrays):
    """Copies {state_dict name: array} into the model (float32 or float64 alike)."""
    state = model.state_dict()
    for key, value in arrays.items():
        state[key].copy_(torch.from_numpy(value).to(state[key].dtype))
