using ScratchNet.Core.Layers;
using ScratchNet.Core.Losses;
using ScratchNet.Data;
using ScratchNet.Data.Splits;

namespace ScratchNet.Training.Reports;

/// <summary>A network's class probabilities for every row of a split, for the reports that need more than the confusion matrix.</summary>
public static class Predictions
{
    // → probabilities: (split.Count, classes), each row a softmax
    public static float[] Probabilities(Sequential network, DataSplit split)
    {
        ArgumentNullException.ThrowIfNull(network);
        ArgumentNullException.ThrowIfNull(split);
        int classes = split.ClassCount;
        int features = split.FeatureCount;
        int chunk = network.Capacity;
        var probabilities = new float[split.Count * classes];
        float[] buffer = !split.IsPixelBacked ? [] : new float[chunk * features];
        for (int start = 0; start < split.Count; start += chunk)
        {
            int n = Math.Min(chunk, split.Count - start);
            float[] logits = network.Forward(split.ReadFeatures(start, n, buffer), n);
            Softmax.Forward(logits.AsSpan(0, n * classes), probabilities.AsSpan(start * classes, n * classes), n, classes);
        }

        return probabilities;
    }
}
