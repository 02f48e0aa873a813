using Microsoft.Extensions.Options;

namespace ScratchNet.Training.Options;

/// <summary>Checks the Training section. Every message names the key, the value and what is allowed.</summary>
public sealed class TrainingOptionsValidator : IValidateOptions<TrainingOptions>
{
    public ValidateOptionsResult Validate(string? name, TrainingOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        var errors = new List<string>();
        OptionRules.AtLeast(errors, "Training:Epochs", options.Epochs, 1);
        OptionRules.Within(errors, "Training:BatchSize", options.BatchSize, TrainingOptions.MaxBatchRows, " rows");
        OptionRules.Within(errors, "Training:EvaluationBatchSize", options.EvaluationBatchSize, TrainingOptions.MaxBatchRows, " rows");
        if (options.TryParseThreads(out string? threadsError) is null)
        {
            errors.Add(threadsError!);
        }

        return OptionRules.Result(errors);
    }
}
