using Microsoft.Extensions.Logging;
using ScratchNet.Core.Layers;
using ScratchNet.Training.Results;

namespace ScratchNet.Training.Callbacks;

/// <summary>
/// Says, once at the end, when the run's held-out accuracy is no better than always answering the most common class:
/// a finished run with exit 0 reads as success, though nothing was learned (a learning rate of 50 kills every ReLU and
/// ends at 11 % on MNIST; weights of zeros never break their symmetry). The hint names where to look, and the sigmoid
/// when the network has one.
/// </summary>
public sealed partial class NotLearningHint(ILogger<NotLearningHint> logger) : ITrainingCallback
{
    // Within a point of the guess: sampling noise on a small hold-out, not learning.
    private const double Margin = 0.01;

    // An activation whose slope is at most this everywhere (sigmoid: 0.25) shrinks the gradient at every layer it sits in.
    private const float ShrinkingSlope = 0.5f;

    public void OnTrainEnd(TrainingContext context, TrainingResult result)
    {
        ArgumentNullException.ThrowIfNull(context);
        ArgumentNullException.ThrowIfNull(result);
        if (result.History.Count == 0 || context.Dataset.Validation.Count == 0)
        {
            return;
        }

        double guess = MostCommonShare(context.Dataset.Validation.Labels);
        double accuracy = result.FinalValidation.Accuracy;
        // Where the most common class is (nearly) the whole held-out split (a split of 1 row), no accuracy could beat the
        // guess, and the split's own warning has said why its score means little.
        if (accuracy > guess + Margin || guess + Margin >= 1)
        {
            return;
        }

        if (context.Network.Layers.OfType<ActivationLayer>().Select(a => a.Activation).FirstOrDefault(a => a.MaxSlope <= ShrinkingSlope) is { } shrinking)
        {
            LogNotLearningWithShrinkingActivation(logger, result.HeldOutName, accuracy, guess, shrinking.Name, shrinking.MaxSlope, context.StepsThisSession);
        }
        else
        {
            LogNotLearning(logger, result.HeldOutName, accuracy, guess, context.StepsThisSession);
        }
    }

    /// <summary>The accuracy of always answering the most common class: its share of <paramref name="labels"/>.</summary>
    public static double MostCommonShare(IReadOnlyList<byte> labels)
    {
        ArgumentNullException.ThrowIfNull(labels);
        return labels.Count == 0 ? 0 : (double)labels.GroupBy(l => l).Max(g => g.Count()) / labels.Count;
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "The network has not learned: its {HeldOut} accuracy, {Accuracy:F4}, is no better than always answering the most common class ({Guess:F4}). diagnose checks its gradients and whether it can learn one batch; the usual causes are Optimizer:LearningRate (too high kills every ReLU, too low moves nothing), Model:Initializer=zeros, and too few steps to learn in ({Steps} this session: train longer or on more images)")]
    private static partial void LogNotLearning(ILogger logger, string heldOut, double accuracy, double guess, long steps);

    // A sigmoid's slope is at most 0.25 (IActivation.MaxSlope), so every sigmoid layer shrinks the gradient fourfold or
    // more: at the reference learning rate a sigmoid MLP ends at the guess where the same network with relu learns
    // (docs/how-it-learns.md). Any activation as flat says the same.
    [LoggerMessage(Level = LogLevel.Warning, Message = "The network has not learned: its {HeldOut} accuracy, {Accuracy:F4}, is no better than always answering the most common class ({Guess:F4}). Its {Activation} activations pass back at most {MaxSlope} of the gradient each, so small learning rates barely move it: raise Optimizer:LearningRate (tenfold or a hundredfold) or use relu or tanh (Model:Activation, or the {Activation} entries of Model:Layers); diagnose shows the update sizes. Too few steps can also be the cause ({Steps} this session)")]
    private static partial void LogNotLearningWithShrinkingActivation(ILogger logger, string heldOut, double accuracy, double guess, string activation, float maxSlope, long steps);
}
