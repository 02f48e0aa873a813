namespace ScratchNet.Training.Options;

/// <summary>The optimizer's settings (section "Optimizer"). Keys an optimizer does not use are ignored by it.</summary>
public sealed class OptimizerOptions
{
    public const string SectionName = "Optimizer";

    /// <summary>The optimizer's name: sgd, adam, adamw or rmsprop (see <see cref="Optimizers.OptimizerFactory.Names"/>).</summary>
    public string Name { get; set; } = "sgd";

    public float LearningRate { get; set; } = 0.003f;

    /// <summary>sgd, rmsprop: momentum μ in [0, 1); 0 turns it off.</summary>
    public float Momentum { get; set; }

    /// <summary>sgd: Nesterov momentum (needs Momentum &gt; 0).</summary>
    public bool Nesterov { get; set; }

    /// <summary>L2 weight decay λ ≥ 0 for sgd, adam, rmsprop (added to the gradient); decoupled decay for adamw.</summary>
    public float WeightDecay { get; set; }

    /// <summary>adam, adamw: decay of the first moment, in [0, 1).</summary>
    public float Beta1 { get; set; } = 0.9f;

    /// <summary>adam, adamw: decay of the second moment, in [0, 1).</summary>
    public float Beta2 { get; set; } = 0.999f;

    /// <summary>adam, adamw, rmsprop: added to the denominator so it never is zero.</summary>
    public float Epsilon { get; set; } = 1e-8f;

    /// <summary>rmsprop: decay of the squared-gradient average, in [0, 1).</summary>
    public float Alpha { get; set; } = 0.99f;
}
