"""The safetensors format without the `safetensors` package (not reachable here): an unsigned 64-bit little-endian
header length N, N bytes of JSON ({name: {dtype, shape, data_offsets}, "__metadata__": {str: str}}), then the tensors'
little-endian bytes. F32 and I64 only, which is all ScratchNet and a PyTorch state_dict need.
"""
import json
import struct

import numpy as np

_DTYPES = {"F32": np.dtype("<f4"), "I64": np.dtype("<i8")}


def load(path):
    """Returns ({name: numpy array}, metadata dict)."""
    with open(path, "rb") as f:
        n = struct.unpack("<Q", f.read(8))[0]
        header = json.loads(f.read(n))
        data = f.read()
    metadata = header.pop("__metadata__", {})
    tensors = {}
    for name, entry in header.items():
        begin, end = entry["data_offsets"]
        tensors[name] = np.frombuffer(data[begin:end], _DTYPES[entry["dtype"]]).reshape(entry["shape"]).copy()
    return tensors, metadata


def save(tensors, path, metadata=None):
    """Writes {name: numpy array} (float32 or int64) in the given order, the header padded to 8 bytes as the reference does."""
    header, blobs, offset = {}, [], 0
    if metadata:
        header["__metadata__"] = {str(k): str(v) for k, v in metadata.items()}
    for name, array in tensors.items():
        array = np.ascontiguousarray(array)
        dtype = "I64" if array.dtype.kind in "iu" else "F32"
        blob = array.astype(_DTYPES[dtype]).tobytes()
        header[name] = {"dtype": dtype, "shape": list(array.shape), "data_offsets": [offset, offset + len(blob)]}
        blobs.append(blob)
        offset += len(blob)
    text = json.dumps(header, separators=(",", ":")).encode("utf-8")
    text += b" " * ((8 - len(text) % 8) % 8)
    with open(path, "wb") as f:
        f.write(struct.pack("<Q", len(text)))
        f.write(text)
        for blob in blobs:
            f.write(blob)
