using System.Globalization;

namespace ScratchNet.Models;

/// <summary>One float32 tensor of a model file, row-major.</summary>
public sealed record NamedTensor(string Name, IReadOnlyList<int> Shape, float[] Data)
{
    public string ShapeText => $"({string.Join(", ", Shape)})";

    /// <summary>
    /// The problem with a tensor read from a file whose values are not all finite, or null: no trained weight, bias or
    /// statistic is NaN or ±infinity, and safetensors has no checksum to catch damage, so every reader checks each value.
    /// </summary>
    public string? NonFiniteProblem()
    {
        int index = Array.FindIndex(Data, v => !float.IsFinite(v));
        return index < 0
            ? null
            : string.Create(CultureInfo.InvariantCulture, $"tensor {Name} holds {Data[index]} at index {index:N0} of {Data.Length:N0}; every stored weight and statistic is a finite number");
    }
}
