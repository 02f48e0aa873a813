using ScratchNet.Core.Layers;
using ScratchNet.Core.Losses;
using ScratchNet.Core.Metrics;
using ScratchNet.Data;
using ScratchNet.Training.Results;
using ScratchNet.Training.Reports;
using ScratchNet.Data.Splits;

namespace ScratchNet.Training;

/// <summary>Runs a network over a whole split in chunks and scores it: mean loss, accuracy, confusion matrix, and the worst mistakes.</summary>
public sealed class Evaluator
{
    /// <summary>How many of the most confidently wrong rows a result keeps (as many as misclassified.png shows).</summary>
    public const int MistakesKept = 25;

    private readonly float[] _probabilities;

    // One chunk of features as float32 for pixel-backed splits; sized on first use, then reused so a chunk allocates nothing.
    private float[] _features = [];

    public Evaluator(int chunkRows, int classes)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(chunkRows);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(classes);
        ChunkRows = chunkRows;
        _probabilities = new float[chunkRows * classes];
    }

    public int ChunkRows { get; }

    /// <param name="keepProbabilities">Also return every row's class probabilities (<see cref="EvaluationResult.Probabilities"/>), in a new array.</param>
    /// <param name="cancellationToken">Checked before each chunk (Ctrl+C during evaluate).</param>
    public EvaluationResult Evaluate(Sequential network, DataSplit split, bool keepProbabilities = false, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(network);
        ArgumentNullException.ThrowIfNull(split);
        int classes = split.ClassCount;
        int features = split.FeatureCount;
        int chunk = Math.Min(ChunkRows, network.Capacity);
        var confusion = new ConfusionMatrix(classes);
        var mistakes = new WorstMistakes(MistakesKept);
        double lossSum = 0.0;

        // Evaluation mode: dropout is the identity. The caller's mode comes back afterwards.
        if (split.IsPixelBacked && _features.Length < chunk * features)
        {
            _features = new float[chunk * features];
        }

        float[]? kept = keepProbabilities ? new float[split.Count * classes] : null;
        bool wasTraining = network.IsTraining;
        network.IsTraining = false;
        for (int start = 0; start < split.Count; start += chunk)
        {
            if (cancellationToken.IsCancellationRequested)
            {
                network.IsTraining = wasTraining;
                cancellationToken.ThrowIfCancellationRequested();
            }

            int n = Math.Min(chunk, split.Count - start);
            float[] logits = network.Forward(split.ReadFeatures(start, n, _features), n);
            Span<float> probabilities = kept is null ? _probabilities.AsSpan(0, n * classes) : kept.AsSpan(start * classes, n * classes);
            float loss = SoftmaxCrossEntropy.Forward(logits.AsSpan(0, n * classes), split.Targets.AsSpan(start * classes, n * classes), probabilities, n, classes);
            lossSum += (double)loss * n;
            confusion.AddBatch(probabilities, split.Labels.AsSpan(start, n), n);
            mistakes.Add(probabilities, split.Labels.AsSpan(start, n), start, classes);
        }

        network.IsTraining = wasTraining;

        double meanLoss = split.Count == 0 ? 0.0 : lossSum / split.Count;
        return new EvaluationResult(meanLoss, confusion.Accuracy, confusion) { Mistakes = mistakes.Result(), Probabilities = kept };
    }
}
