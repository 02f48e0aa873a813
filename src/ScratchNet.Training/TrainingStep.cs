using ScratchNet.Core.Layers;
using ScratchNet.Core.Losses;
using ScratchNet.Core.Metrics;
using ScratchNet.Training.Optimizers;

namespace ScratchNet.Training;

/// <summary>
/// One minibatch step on the batch in <see cref="X"/> and <see cref="Y"/>: forward → softmax + cross-entropy →
/// backward → optimizer step. It owns the batch buffers, allocated once, so a step allocates nothing. The
/// trainer runs it for every batch; the step benchmark and the allocation test run this same code.
/// </summary>
public sealed class TrainingStep
{
    private readonly Sequential _network;
    private readonly IOptimizer _optimizer;
    private readonly IReadOnlyList<Parameter> _parameters;
    private readonly float[] _probabilities;
    private readonly float[] _dLogits;
    private readonly int _classes;

    public TrainingStep(Sequential network, IOptimizer optimizer, int batchSize)
    {
        ArgumentNullException.ThrowIfNull(network);
        ArgumentNullException.ThrowIfNull(optimizer);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(batchSize);
        _network = network;
        _optimizer = optimizer;
        _parameters = network.Parameters;
        _classes = network.OutputSize;
        X = new float[batchSize * network.InputSize];
        Y = new float[batchSize * _classes];
        Labels = new byte[batchSize];
        _probabilities = new float[batchSize * _classes];
        _dLogits = new float[batchSize * _classes];
    }

    /// <summary>The batch's features, (batch, inputs) row-major: fill the first n rows before <see cref="Run"/>.</summary>
    public float[] X { get; }

    /// <summary>The batch's one-hot targets, (batch, classes).</summary>
    public float[] Y { get; }

    /// <summary>The batch's class indices, for a sampler that fills them with the rest.</summary>
    public byte[] Labels { get; }

    /// <summary>How many of the last <see cref="Run"/>'s rows had their label as the arg-max, before the update.</summary>
    public int Correct { get; private set; }

    /// <summary>Trains on the first <paramref name="n"/> rows of the batch.</summary>
    /// <returns>Their mean cross-entropy before the update.</returns>
    public float Run(int n)
    {
        int length = n * _classes;
        float[] logits = _network.Forward(X, n);
        float loss = SoftmaxCrossEntropy.Forward(logits.AsSpan(0, length), Y.AsSpan(0, length), _probabilities.AsSpan(0, length), n, _classes);
        Correct = Accuracy.CountCorrect(_probabilities.AsSpan(0, length), Labels.AsSpan(0, n), n, _classes);
        SoftmaxCrossEntropy.Backward(_probabilities.AsSpan(0, length), Y.AsSpan(0, length), _dLogits.AsSpan(0, length), n, _classes);
        _network.Backward(_dLogits, n);
        _optimizer.Step(_parameters);
        return loss;
    }
}
