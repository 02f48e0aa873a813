using System.Globalization;

namespace ScratchNet.Training;

/// <summary>
/// How much memory a configured network needs, checked before anything is allocated, so a typo such as
/// <c>Model:LayerSizes=784,2000000000,10</c> or <c>Training:BatchSize=2000000000</c> is one clear line instead of an
/// exhausted machine. Estimates are deliberately generous lower bounds of what the trainer allocates.
/// </summary>
public static class MemoryBudget
{

    /// <summary>Per activation value and row: the layer output, its pre-activation and its gradient, float32 each.</summary>
    public const int BytesPerActivation = 3 * sizeof(float);

    /// <summary>The memory this process may use: the GC's view of the machine (or container) limit.</summary>
    public static long Available => GC.GetGCMemoryInfo().TotalAvailableMemoryBytes;

    /// <summary>Weights, gradients and optimizer state of an MLP with these layer sizes, float32 each.</summary>
    /// <param name="sizes">Model:LayerSizes.</param>
    /// <param name="stateArrays">Arrays the size of each parameter the optimizer keeps (<c>IOptimizer.StateArrays</c>: momentum 1, Adam's moments 2).</param>
    public static long ParameterBytes(IReadOnlyList<int> sizes, int stateArrays)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(stateArrays);
        ArgumentNullException.ThrowIfNull(sizes);
        long parameters = 0;
        for (int i = 0; i + 1 < sizes.Count; i++)
        {
            parameters += ((long)sizes[i] * sizes[i + 1]) + sizes[i + 1];
        }

        return parameters * (2 + stateArrays) * sizeof(float);
    }

    /// <summary>Activation buffers for <paramref name="rows"/> rows through every layer.</summary>
    public static long ActivationBytes(IReadOnlyList<int> sizes, int rows)
    {
        ArgumentNullException.ThrowIfNull(sizes);
        long width = 0;
        foreach (int size in sizes)
        {
            width += size;
        }

        return width * rows * BytesPerActivation;
    }

    /// <summary>"3.2 GB" for messages.</summary>
    public static string Describe(long bytes) => bytes switch
    {
        >= 1L << 30 => string.Create(CultureInfo.InvariantCulture, $"{bytes / (double)(1L << 30):F1} GiB"),
        >= 1L << 20 => string.Create(CultureInfo.InvariantCulture, $"{bytes / (double)(1L << 20):F1} MiB"),
        _ => string.Create(CultureInfo.InvariantCulture, $"{bytes / 1024.0:F1} KiB"),
    };
}
