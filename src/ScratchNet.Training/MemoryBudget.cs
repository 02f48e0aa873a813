using System.Globalization;

namespace ScratchNet.Training;

/// <summary>
/// The memory a run may use and an MLP's parameter bytes, checked before anything is allocated, so a typo such as
/// <c>Model:LayerSizes=784,2000000000,10</c> is one clear line instead of an exhausted machine. What a whole run
/// allocates (activations, buffers, copies) is counted by <see cref="TrainingFootprint"/>.
/// </summary>
public static class MemoryBudget
{
    /// <summary>The memory this process may use: the GC's view of the machine (or container) limit.</summary>
    public static long Available => GC.GetGCMemoryInfo().TotalAvailableMemoryBytes;

    /// <summary>Weights, gradients and optimizer state of an MLP with these layer sizes, float32 each.</summary>
    /// <param name="sizes">Model:LayerSizes.</param>
    /// <param name="stateArrays">Arrays the size of each parameter the optimizer keeps (<c>IOptimizer.StateArrays</c>: momentum 1, Adam's moments 2).</param>
    public static long ParameterBytes(IReadOnlyList<int> sizes, int stateArrays)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(stateArrays);
        return Parameters(sizes) * (2 + stateArrays) * sizeof(float);
    }

    /// <summary>The weights and biases of an MLP with these layer sizes.</summary>
    /// <param name="sizes">Model:LayerSizes.</param>
    public static long Parameters(IReadOnlyList<int> sizes)
    {
        ArgumentNullException.ThrowIfNull(sizes);
        long parameters = 0;
        for (int i = 0; i + 1 < sizes.Count; i++)
        {
            parameters += ((long)sizes[i] * sizes[i + 1]) + sizes[i + 1];
        }

        return parameters;
    }

    /// <summary>"3.2 GB" for messages.</summary>
    public static string Describe(long bytes) => bytes switch
    {
        >= 1L << 30 => string.Create(CultureInfo.InvariantCulture, $"{bytes / (double)(1L << 30):F1} GiB"),
        >= 1L << 20 => string.Create(CultureInfo.InvariantCulture, $"{bytes / (double)(1L << 20):F1} MiB"),
        _ => string.Create(CultureInfo.InvariantCulture, $"{bytes / 1024.0:F1} KiB"),
    };
}
