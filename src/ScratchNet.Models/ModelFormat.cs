namespace ScratchNet.Models;

/// <summary>The formats a model can be written in.</summary>
public enum ModelFormat
{
    /// <summary>ScratchNet's own <c>.snm</c>: layers, configuration, manifest and a SHA-256 checksum.</summary>
    Native,

    /// <summary><c>.safetensors</c>: the tensors plus the architecture and manifest as metadata.</summary>
    Safetensors,

    /// <summary><c>.onnx</c>: a Gemm / activation / Softmax graph for ONNX Runtime and friends; write-only.</summary>
    Onnx,
}
