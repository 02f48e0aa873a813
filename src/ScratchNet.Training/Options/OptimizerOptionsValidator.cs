using Microsoft.Extensions.Options;
using ScratchNet.Training.Optimizers;

namespace ScratchNet.Training.Options;

/// <summary>Checks the Optimizer section. Every message names the key, the value and what is allowed.</summary>
public sealed class OptimizerOptionsValidator : IValidateOptions<OptimizerOptions>
{
    public ValidateOptionsResult Validate(string? name, OptimizerOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        var errors = new List<string>();
        if (!OptimizerFactory.IsKnown(options.Name))
        {
            errors.Add($"Optimizer:Name '{options.Name}' is unknown; valid: {string.Join(", ", OptimizerFactory.Names)}");
        }

        if (!(options.LearningRate > 0f) || float.IsInfinity(options.LearningRate))
        {
            errors.Add($"Optimizer:LearningRate must be a finite positive number, got {options.LearningRate}");
        }

        OptionRules.Fraction(errors, "Optimizer:Momentum", options.Momentum);
        OptionRules.Fraction(errors, "Optimizer:Beta1", options.Beta1);
        OptionRules.Fraction(errors, "Optimizer:Beta2", options.Beta2);
        OptionRules.Fraction(errors, "Optimizer:Alpha", options.Alpha);
        if (!(options.WeightDecay >= 0f) || float.IsInfinity(options.WeightDecay))
        {
            errors.Add($"Optimizer:WeightDecay must be a finite number ≥ 0, got {options.WeightDecay}");
        }

        if (!(options.Epsilon > 0f) || float.IsInfinity(options.Epsilon))
        {
            errors.Add($"Optimizer:Epsilon must be a finite positive number, got {options.Epsilon}");
        }

        if (options.Nesterov && options.Momentum == 0f)
        {
            errors.Add("Optimizer:Nesterov needs Optimizer:Momentum above 0 (e.g. 0.9)");
        }

        return OptionRules.Result(errors);
    }
}
