using ScratchNet.Training.Options;

namespace ScratchNet.Training.Optimizers;

/// <summary>Builds the optimizer named in configuration.</summary>
public static class OptimizerFactory
{
    public static IReadOnlyList<string> Names { get; } = ["sgd", "adam", "adamw", "rmsprop"];

    public static bool IsKnown(string? name) => name is not null && Names.Contains(name.ToLowerInvariant());

    public static IOptimizer Create(OptimizerOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        return options.Name.ToLowerInvariant() switch
        {
            "sgd" => new Sgd(options.LearningRate, options.Momentum, options.Nesterov, options.WeightDecay),
            "adam" => new Adam(options.LearningRate, options.Beta1, options.Beta2, options.Epsilon, options.WeightDecay),
            "adamw" => new AdamW(options.LearningRate, options.Beta1, options.Beta2, options.Epsilon, options.WeightDecay),
            "rmsprop" => new RmsProp(options.LearningRate, options.Alpha, options.Epsilon, options.Momentum, options.WeightDecay),
            _ => throw new ArgumentException($"unknown optimizer '{options.Name}'; valid names: {string.Join(", ", Names)}", nameof(options)),
        };
    }
}
