using System.Globalization;
using ScratchNet.Training.Reports;

namespace ScratchNet.Training;

/// <summary>
/// The loss became NaN or infinite: the run diverged. A user error, not a bug; its message names where, the likeliest
/// cause (too high a learning rate, a weight decay that overshoots, or weights that were ruined before training began)
/// and what was kept.
/// </summary>
public sealed class TrainingDivergedException : Exception
{
    /// <param name="where">"the loss is NaN at epoch 3, batch 17", or "the validation loss is NaN after epoch 2".</param>
    /// <param name="beforeAnyUpdate">True when the loss came from the weights training started from, before any update.</param>
    /// <param name="weightDecay">Optimizer:WeightDecay, which overshoots on its own once its product with the rate passes 1.</param>
    /// <param name="lastCheckpoint">The newest resume point written before it diverged, or null when none was.</param>
    public TrainingDivergedException(int epoch, int batch, string where, float learningRate, float weightDecay = 0f, bool beforeAnyUpdate = false, string? lastCheckpoint = null)
        : base($"Training diverged: {where}; {Cause(learningRate, weightDecay, beforeAnyUpdate)}. {Kept(lastCheckpoint)}")
    {
        Epoch = epoch;
        Batch = batch;
    }

    public TrainingDivergedException(int epoch, int batch, float loss, float learningRate, string? lastCheckpoint = null)
        : this(epoch, batch, $"the loss is {loss.ToString(CultureInfo.InvariantCulture)} at epoch {epoch}, batch {batch}", learningRate, lastCheckpoint: lastCheckpoint)
    {
    }

    public int Epoch { get; }

    public int Batch { get; }

    private const float MaxTenthAdvised = 10f;
    private const float SensibleRate = 0.01f;

    private static string Cause(float learningRate, float weightDecay, bool beforeAnyUpdate)
    {
        if (beforeAnyUpdate)
        {
            return "that loss comes from the weights training started from, before any update, so the learning rate is not the cause: "
                + "the model given as Model:InitFrom, or the checkpoint resumed, already overflows (diagnose --Model:InitFrom=FILE looks at it)";
        }

        // w ← w − η(g + λw) scales w by (1 − ηλ) each step (AdamW's decoupled decay too): past 1 it flips the sign, past 2 it grows.
        float product = learningRate * weightDecay;
        // The settings as the user set them; what is worked out from them (a product, a suggestion) to three digits.
        string rate = ReadableNumbers.AsSet(learningRate);
        if (product >= 1f)
        {
            return $"Optimizer:WeightDecay (now {ReadableNumbers.AsSet(weightDecay)}) times the learning rate ({rate}) is {ReadableNumbers.Significant(product)}, so the decay alone overshoots zero every step: "
                + $"lower Optimizer:WeightDecay below 1 / learning rate ({ReadableNumbers.Significant(1f / learningRate)}), e.g. to {ReadableNumbers.Significant(0.1f / learningRate)}";
        }

        // A tenth of an absurd rate (1E+30) is still absurd: past 10, name a rate that trains instead.
        string lower = learningRate > MaxTenthAdvised
            ? $"e.g. to {ReadableNumbers.Significant(SensibleRate)} (rates from 0.001 to 0.1 train these networks)"
            : $"e.g. to {ReadableNumbers.Significant(learningRate / 10f)}";
        return $"lower Optimizer:LearningRate (now {rate}), {lower}, the usual cause (a large Optimizer:WeightDecay does it too)";
    }

    private static string Kept(string? lastCheckpoint) => lastCheckpoint is null
        ? "No checkpoint had been written yet."
        : $"The checkpoints written before it are kept (the newest resume point: {lastCheckpoint}).";
}
