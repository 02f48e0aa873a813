using Microsoft.Extensions.Logging;
using ScratchNet.Training.Optimizers;

namespace ScratchNet.Training.Callbacks;

/// <summary>
/// Warns, once at the start, when <c>adamw</c> runs with <c>Optimizer:WeightDecay</c> 0 (its default, shared by every
/// optimizer): its decoupled decay then does nothing, so it trains exactly as <c>adam</c>. Someone porting
/// <c>torch.optim.AdamW(params, lr)</c> gets PyTorch's default λ = 0.01 there and 0 here without a word otherwise. The
/// run is valid (it is Adam), so this is a warning.
/// </summary>
public sealed partial class AdamWWithoutDecayWarning(ILogger<AdamWWithoutDecayWarning> logger) : ITrainingCallback
{
    /// <summary>torch.optim.AdamW's default weight_decay, named in the warning.</summary>
    public const float PytorchDefaultWeightDecay = 0.01f;

    public void OnTrainBegin(TrainingContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        if (context.Optimizer is AdamW { WeightDecay: 0f } adamw)
        {
            LogNoDecay(logger, adamw.Name, PytorchDefaultWeightDecay);
        }
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Optimizer {Optimizer} runs with Optimizer:WeightDecay 0, so it decays nothing and trains exactly as adam, where PyTorch's AdamW defaults to weight_decay {PytorchDefault}; set Optimizer:WeightDecay to the decay you want, or name adam")]
    private static partial void LogNoDecay(ILogger logger, string optimizer, float pytorchDefault);
}
