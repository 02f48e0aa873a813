using ScratchNet.Training.Options;

namespace ScratchNet.Training.Optimizers;

/// <summary>Builds the optimizer named in configuration.</summary>
public static class OptimizerFactory
{
    public static IReadOnlyList<string> Names { get; } = ["sgd"];

    public static bool IsKnown(string? name) => name is not null && Names.Contains(name.ToLowerInvariant());

    public static IOptimizer Create(OptimizerOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        return options.Name.ToLowerInvariant() switch
        {
            "sgd" => new Sgd(options.LearningRate),
            _ => throw new ArgumentException($"unknown optimizer '{options.Name}'; valid names: {string.Join(", ", Names)}", nameof(options)),
        };
    }
}
