using System.Globalization;
using ScratchNet.Core.Layers;

namespace ScratchNet.Training;

/// <summary>
/// The memory a training run allocates for its network and batches, worked out before anything is allocated, and the
/// refusal naming the key at fault when it is more than the machine allows. It counts what the code holds: the network's
/// arrays as its layers allocate them (<see cref="NetworkBuilder.Values"/>: outputs for the larger of the two batches,
/// gradients and dropout masks for the training batch only, a fused conv → relu → maxpool block without the convolution's
/// output), the training step's batch, the evaluator's chunk and every validation row's probabilities, and the copies of
/// the weights kept while training (the evaluated snapshot, early stopping's best). The data set, the runtime and the
/// copy a model file is written from once training is over are not counted: they are what the other half of the machine is for.
/// </summary>
/// <param name="Layers">The network, as Model:Layers or the MLP shorthand (<see cref="Sequential.MlpLayers"/>) describes it.</param>
/// <param name="Input">One input row's shape.</param>
/// <param name="Classes">Outputs per row.</param>
/// <param name="ValidationRows">Rows of the split each epoch evaluates (their probabilities are kept).</param>
/// <param name="Threads">Threads the kernels keep scratch for.</param>
/// <param name="StateArrays">Arrays the optimizer keeps per parameter (momentum 1, Adam 2).</param>
/// <param name="WeightCopies">Copies of the weights and statistics kept beside them (the evaluated snapshot: 1; early stopping's best: 1 more).</param>
/// <param name="FusesBlocks">Training:FuseBlocks: false holds every convolution's output for the batch (<see cref="Sequential.FusesBlocks"/>).</param>
public sealed record TrainingFootprint(IReadOnlyList<LayerDefinition> Layers, Shape Input, int Classes, int ValidationRows, int Threads, int StateArrays, int WeightCopies = 1, bool FusesBlocks = true)
{
    /// <summary>Bytes the run holds while training on <paramref name="batchRows"/> rows and evaluating <paramref name="evaluationRows"/> at once.</summary>
    /// <exception cref="NetworkDefinitionException">The network does not fit its input, or one of its arrays would exceed a limit.</exception>
    public long Bytes(int batchRows, int evaluationRows) => Bytes(batchRows, evaluationRows, StateArrays);

    /// <summary>
    /// The refusal for a run that does not fit in <paramref name="budget"/> bytes, naming only the keys at fault, each with
    /// the largest value that fits beside the other; null when it fits.
    /// </summary>
    /// <param name="network">The network's key and value as the message names them ("Model:LayerSizes 784,128,10", "Model:Layers").</param>
    /// <param name="configuredBatch">Training:BatchSize as configured (<paramref name="batchRows"/> is it, capped at the training split).</param>
    /// <param name="configuredEvaluation">Training:EvaluationBatchSize as configured (<paramref name="evaluationRows"/> is it, capped at the validation split).</param>
    /// <param name="stateName">The optimizer's state, as messages name it ("momentum", "adam").</param>
    public string? Refusal(long budget, int batchRows, int evaluationRows, int configuredBatch, int configuredEvaluation, string network, string stateName)
    {
        long needed = Bytes(batchRows, evaluationRows);
        if (needed <= budget)
        {
            return null;
        }

        string allows = string.Create(CultureInfo.InvariantCulture, $"this machine allows {MemoryBudget.Describe(budget)} (half its memory)");
        if (Fits(1, 1, budget) is false)
        {
            // No batch size helps: the weights, their gradients and the optimizer's state alone are too many.
            bool stateless = StateArrays > 0 && Bytes(1, 1, stateArrays: 0) <= budget;
            return $"{network} needs about {MemoryBudget.Describe(Bytes(1, 1))} for its weights, gradients{(StateArrays > 0 ? $" and {stateName}'s state" : string.Empty)}; {allows}: make the layers {(Input.IsFlat ? "narrower" : "smaller")}"
                + (stateless ? ", or train with plain SGD (Optimizer:Name=sgd, no momentum), which keeps no state" : string.Empty);
        }

        // The training batch is at fault when it does not fit even beside the smallest evaluation chunk (a chunk no larger
        // than the batch costs nothing more than the batch's own forward pass); the evaluation batch when it does not fit
        // beside the training batch as it is, or as it is once lowered to fit.
        var faults = new List<(string Key, int Configured, int Limit)>();
        int batch = batchRows;
        if (Fits(batchRows, Math.Min(evaluationRows, batchRows), budget) is false)
        {
            batch = Largest(batchRows, b => Fits(b, Math.Min(evaluationRows, b), budget) is true);
            faults.Add(("Training:BatchSize", configuredBatch, batch));
        }

        if (evaluationRows > batch && Fits(batch, evaluationRows, budget) is false)
        {
            faults.Add(("Training:EvaluationBatchSize", configuredEvaluation, Largest(evaluationRows, e => Fits(batch, e, budget) is true)));
        }

        if (faults.Count == 0)
        {
            return null;
        }

        string keys = string.Join(" and ", faults.Select(f => string.Create(CultureInfo.InvariantCulture, $"{f.Key} {f.Configured}")));
        string limits = string.Join(" and ", faults.Select(f => string.Create(CultureInfo.InvariantCulture, $"{f.Key} ≤ {f.Limit}")));
        return $"{keys} {(faults.Count == 1 ? "needs" : "need")} about {MemoryBudget.Describe(needed)} with {network}; {allows}, so {(faults.Count == 1 ? "the limit here is" : "the limits here are")} {limits}";
    }

    // The largest rows in [1, above) that fit; the memory grows with the rows, so a bisection finds it.
    private static int Largest(int above, Func<int, bool> fits)
    {
        int low = 0, high = above;
        while (high - low > 1)
        {
            int middle = low + ((high - low) / 2);
            (low, high) = fits(middle) ? (middle, high) : (low, middle);
        }

        return low;
    }

    // Null when the network does not fit its input or an array limit (the builder's to report, naming the layer).
    private bool? Fits(int batchRows, int evaluationRows, long budget)
    {
        try
        {
            return Bytes(batchRows, evaluationRows) <= budget;
        }
        catch (NetworkDefinitionException)
        {
            return null;
        }
    }

    private long Bytes(int batchRows, int evaluationRows, int stateArrays)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(batchRows);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(evaluationRows);
        long network = NetworkBuilder.Values(Layers, Input, Math.Max(batchRows, evaluationRows), Threads, stateArrays, trainingRows: batchRows, FusesBlocks);
        long stored = NetworkLimits.CheckModel(Layers, Input, out _).Stored;

        // The step's batch, targets, probabilities and logits' gradient; the evaluator's chunk and its probabilities, and
        // the probabilities of every validation row, kept by the last evaluation and the final one.
        long step = (long)batchRows * (Input.Size + (3L * Classes));
        long evaluation = ((long)evaluationRows * (Input.Size + Classes)) + (2L * ValidationRows * Classes);
        return ((network + step + evaluation + (WeightCopies * stored)) * sizeof(float)) + batchRows;
    }
}
