using Microsoft.Extensions.Options;
using ScratchNet.Core.Activations;
using ScratchNet.Core.Initializers;
using ScratchNet.Training.Optimizers;

namespace ScratchNet.Training.Options;

/// <summary>Checks the Training, Model and Optimizer sections. Every message names the key, the value and what is allowed.</summary>
public sealed class TrainingOptionsValidator : IValidateOptions<TrainingOptions>, IValidateOptions<ModelOptions>, IValidateOptions<OptimizerOptions>
{
    public ValidateOptionsResult Validate(string? name, TrainingOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        var errors = new List<string>();
        RequirePositive(errors, "Training:Epochs", options.Epochs);
        RequirePositive(errors, "Training:BatchSize", options.BatchSize);
        RequirePositive(errors, "Training:EvaluationBatchSize", options.EvaluationBatchSize);
        if (options.TryParseThreads(out string? threadsError) is null)
        {
            errors.Add(threadsError!);
        }

        return Result(errors);
    }

    public ValidateOptionsResult Validate(string? name, ModelOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        var errors = new List<string>();
        if (options.TryParseLayerSizes(out string? sizeError) is null)
        {
            errors.Add(sizeError!);
        }

        if (!Activation.IsKnown(options.Activation))
        {
            errors.Add($"Model:Activation '{options.Activation}' is unknown; valid: {string.Join(", ", Activation.Names)}");
        }

        if (!Initializer.IsKnown(options.Initializer))
        {
            errors.Add($"Model:Initializer '{options.Initializer}' is unknown; valid: {string.Join(", ", Initializer.Names)}");
        }

        if (!string.IsNullOrWhiteSpace(options.InitFrom) && !File.Exists(options.InitFrom))
        {
            errors.Add($"Model:InitFrom '{options.InitFrom}' does not exist; give the path of a .snm or .safetensors file, e.g. runs/20260101-120000/model.snm");
        }

        if (!(options.Dropout >= 0f && options.Dropout < 1f))
        {
            errors.Add($"Model:Dropout must be in [0, 1), got {options.Dropout}");
        }

        return Result(errors);
    }

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
            errors.Add($"Optimizer:LearningRate must be a positive number, got {options.LearningRate}");
        }

        RequireFraction(errors, "Optimizer:Momentum", options.Momentum);
        RequireFraction(errors, "Optimizer:Beta1", options.Beta1);
        RequireFraction(errors, "Optimizer:Beta2", options.Beta2);
        RequireFraction(errors, "Optimizer:Alpha", options.Alpha);
        if (!(options.WeightDecay >= 0f) || float.IsInfinity(options.WeightDecay))
        {
            errors.Add($"Optimizer:WeightDecay must be a number ≥ 0, got {options.WeightDecay}");
        }

        if (!(options.Epsilon > 0f) || float.IsInfinity(options.Epsilon))
        {
            errors.Add($"Optimizer:Epsilon must be a positive number, got {options.Epsilon}");
        }

        if (options.Nesterov && options.Momentum == 0f)
        {
            errors.Add("Optimizer:Nesterov needs Optimizer:Momentum above 0 (e.g. 0.9)");
        }

        return Result(errors);
    }

    /// <summary>Decay rates and momentum live in [0, 1).</summary>
    private static void RequireFraction(List<string> errors, string key, float value)
    {
        if (!(value >= 0f && value < 1f))
        {
            errors.Add($"{key} must be in [0, 1), got {value}");
        }
    }

    private static void RequirePositive(List<string> errors, string key, int value)
    {
        if (value <= 0)
        {
            errors.Add($"{key} must be at least 1, got {value}");
        }
    }

    private static ValidateOptionsResult Result(List<string> errors) =>
        errors.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(errors);
}
