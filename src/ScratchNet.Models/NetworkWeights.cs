using ScratchNet.Core.Layers;
using ScratchNet.Files;

namespace ScratchNet.Models;

/// <summary>
/// Copies tensors into a network by name, checking every shape: each layer's parameters (weights, biases, batch norm's
/// γ and β) and its state (batch norm's running mean and variance).
/// </summary>
/// <remarks>
/// Two naming schemes are read, and the name decides the layout:
/// <list type="bullet">
/// <item>ScratchNet's, <c>{layer}.{tensor}</c> (<c>conv0.weight</c>, <c>dense1.bias</c>, <c>bn0.running_var</c>), in
/// ScratchNet's layout: a dense weight is (in, out).</item>
/// <item>PyTorch's <c>nn.Sequential</c> state_dict, <c>{index}.{tensor}</c>, where index is the layer's position in the
/// network (Model:Layers' index, dropout and activations counted, as nn.Sequential counts its modules), in PyTorch's
/// layout: an <c>nn.Linear</c> weight is (out, in) and is transposed on the way in. Conv weights (out, in, kH, kW), biases
/// and batch norm's tensors have the same layout in both. <c>{index}.num_batches_tracked</c> is accepted and ignored
/// (ScratchNet's running averages always use momentum 0.1).</item>
/// </list>
/// </remarks>
public static class NetworkWeights
{
    // Every refusal here is a file made for another architecture than the configured one.
    private const string SetArchitecture = "set Model:Layers (or Model:LayerSizes) to the file's architecture";

    /// <summary>
    /// Fills every layer's tensors from <paramref name="tensors"/>. Every tensor must be used: a leftover one means the file
    /// was made for another architecture.
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
        for (int index = 0; index < network.Layers.Count; index++)
        {
            ILayer layer = network.Layers[index];
            foreach ((string name, float[] destination) in layer.Parameters.Select(p => (p.Name, p.Value)).Concat(layer.State.Select(s => (s.Name, s.Value))))
            {
                string suffix = name.StartsWith(layer.Name + ".", StringComparison.Ordinal) ? name[layer.Name.Length..] : "." + name;
                int[] shape = FileShape(layer, name, destination.Length);
                if (byName.TryGetValue(name, out NamedTensor? tensor))
                {
                    Copy(tensor, shape, destination, transpose: false, source);
                    used.Add(name);
                }
                else if (byName.TryGetValue($"{index}{suffix}", out NamedTensor? torch))
                {
                    // PyTorch's nn.Linear keeps its weight (out, in); ScratchNet's dense weight is (in, out).
                    bool linearWeight = layer is Dense && suffix == ".weight";
                    Copy(torch, linearWeight ? [shape[1], shape[0]] : shape, destination, linearWeight, source);
                    used.Add(torch.Name);
                }
                else
                {
                    throw new ModelFileException(
                        source,
                        $"has no tensor {name} (or {index}{suffix}, PyTorch's name), which the network needs with shape ({string.Join(", ", shape)}); it has {string.Join(", ", byName.Keys)}",
                        SetArchitecture);
                }
            }

            if (layer is BatchNorm)
            {
                used.Add($"{index}.num_batches_tracked");
            }
        }

        string[] leftover = [.. tensors.Select(t => t.Name).Where(n => !used.Contains(n))];
        if (leftover.Length > 0)
        {
            throw new ModelFileException(
                source,
                $"has tensors the network does not: {string.Join(", ", leftover)}; the network's are {string.Join(", ", network.Parameters.Select(p => p.Name).Concat(network.State.Select(s => s.Name)))}",
                SetArchitecture);
        }
    }

    // A dense bias is a (1, out) parameter but an (out) tensor in files, as every other bias.
    private static int[] FileShape(ILayer layer, string name, int length)
    {
        IReadOnlyList<int> dimensions = layer.Parameters.FirstOrDefault(p => p.Name == name)?.Dimensions ?? layer.State.First(s => s.Name == name).Dimensions;
        return layer is Dense && dimensions.Count == 2 && dimensions[0] == 1 ? [length] : [.. dimensions];
    }

    private static void Copy(NamedTensor tensor, int[] shape, float[] destination, bool transpose, string source)
    {
        // (1, out) biases come from other tools; they hold the same values as (out).
        bool rowVector = shape.Length == 1 && tensor.Shape.Count == 2 && tensor.Shape[0] == 1 && tensor.Shape[1] == shape[0];
        if (!tensor.Shape.SequenceEqual(shape) && !rowVector)
        {
            throw new ModelFileException(source, $"has tensor {tensor.Name} of shape {tensor.ShapeText}, but the network's is ({string.Join(", ", shape)})", SetArchitecture);
        }

        if (!transpose)
        {
            tensor.Data.AsSpan().CopyTo(destination);
            return;
        }

        // tensor: (rows, columns) → destination: (columns, rows)
        int rows = shape[0], columns = shape[1];
        for (int r = 0; r < rows; r++)
        {
            for (int c = 0; c < columns; c++)
            {
                destination[(c * rows) + r] = tensor.Data[(r * columns) + c];
            }
        }
    }
}
