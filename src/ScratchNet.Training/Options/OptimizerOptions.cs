namespace ScratchNet.Training.Options;

/// <summary>The optimizer's settings (section "Optimizer").</summary>
public sealed class OptimizerOptions
{
    public const string SectionName = "Optimizer";

    /// <summary>The optimizer's name; see <see cref="Optimizers.OptimizerFactory.Names"/>.</summary>
    public string Name { get; set; } = "sgd";

    public float LearningRate { get; set; } = 0.003f;
}
