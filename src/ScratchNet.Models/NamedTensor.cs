namespace ScratchNet.Models;

/// <summary>One float32 tensor of a model file, row-major.</summary>
public sealed record NamedTensor(string Name, IReadOnlyList<int> Shape, float[] Data)
{
    public string ShapeText => $"({string.Join(", ", Shape)})";
}
