using ScratchNet.Core.Layers;

namespace ScratchNet.Models;

/// <summary>Copies tensors into a network's dense layers by name, checking every shape.</summary>
public static class NetworkWeights
{
    /// <summary>
    /// Fills every dense layer's weight (in, out) and bias (out; (1, out) is accepted too) from <paramref name="tensors"/>.
    /// Every tensor must be used: a leftover one means the file was made for another architecture.
    /// </summary>
    /// <param name="source">The file, for error messages.</param>
    /// <exception cref="ModelFileException">A tensor is missing, has another shape, or is left over.</exception>
    public static void CopyInto(Sequential network, IReadOnlyList<NamedTensor> tensors, string source)
    {
        ArgumentNullException.ThrowIfNull(network);
        ArgumentNullException.ThrowIfNull(tensors);
        var byName = new Dictionary<string, NamedTensor>(StringComparer.Ordinal);
        foreach (NamedTensor tensor in tensors)
        {
            byName[tensor.Name] = tensor;
        }

        var used = new HashSet<string>(StringComparer.Ordinal);
        foreach (ILayer layer in network.Layers)
        {
            if (layer is Dense dense)
            {
                Copy(byName, used, source, dense.Weight, [dense.InputSize, dense.OutputSize], null);
                Copy(byName, used, source, dense.BiasParameter, [dense.OutputSize], [1, dense.OutputSize]);
            }
            else if (layer.Parameters.Count > 0)
            {
                throw new ModelFileException($"Cannot load {source} into layer {layer.Name}: only dense layers take weights from a file.");
            }
        }

        string[] leftover = [.. tensors.Select(t => t.Name).Where(n => !used.Contains(n))];
        if (leftover.Length > 0)
        {
            throw new ModelFileException(
                $"The model file {source} has tensors the network does not: {string.Join(", ", leftover)}; the network's are {string.Join(", ", network.Parameters.Select(p => p.Name))}. Set Model:LayerSizes to the file's architecture.");
        }
    }

    private static void Copy(Dictionary<string, NamedTensor> byName, HashSet<string> used, string source, Parameter parameter, int[] shape, int[]? alternative)
    {
        if (!byName.TryGetValue(parameter.Name, out NamedTensor? tensor))
        {
            throw new ModelFileException($"The model file {source} has no tensor {parameter.Name}, which the network needs with shape ({string.Join(", ", shape)}); it has {string.Join(", ", byName.Keys)}.");
        }

        if (!tensor.Shape.SequenceEqual(shape) && (alternative is null || !tensor.Shape.SequenceEqual(alternative)))
        {
            throw new ModelFileException($"Tensor {parameter.Name} in {source} has shape {tensor.ShapeText}, but the network's is ({string.Join(", ", shape)}); set Model:LayerSizes to the file's architecture.");
        }

        tensor.Data.AsSpan().CopyTo(parameter.Value);
        used.Add(parameter.Name);
    }
}
