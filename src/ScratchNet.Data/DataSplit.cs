namespace ScratchNet.Data;

/// <summary>
/// One part of a dataset, held as row-major float32 ready for the kernels.
/// Features: (Count, FeatureCount) with pixel values scaled to [0, 1].
/// Targets: (Count, ClassCount) one-hot. Labels: (Count) the class index of each row.
/// </summary>
public sealed class DataSplit
{
    public DataSplit(float[] features, float[] targets, byte[] labels, int featureCount, int classCount)
    {
        ArgumentNullException.ThrowIfNull(features);
        ArgumentNullException.ThrowIfNull(targets);
        ArgumentNullException.ThrowIfNull(labels);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(featureCount);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(classCount);
        int count = labels.Length;
        if (features.Length != (long)count * featureCount)
        {
            throw new ArgumentException($"features hold {features.Length} values, expected {count} rows x {featureCount} columns", nameof(features));
        }

        if (targets.Length != (long)count * classCount)
        {
            throw new ArgumentException($"targets hold {targets.Length} values, expected {count} rows x {classCount} classes", nameof(targets));
        }

        Features = features;
        Targets = targets;
        Labels = labels;
        FeatureCount = featureCount;
        ClassCount = classCount;
    }

    public float[] Features { get; }

    public float[] Targets { get; }

    public byte[] Labels { get; }

    public int Count => Labels.Length;

    public int FeatureCount { get; }

    public int ClassCount { get; }

    /// <summary>Builds a split from labels alone, writing the one-hot targets.</summary>
    public static DataSplit FromLabels(float[] features, byte[] labels, int featureCount, int classCount)
    {
        ArgumentNullException.ThrowIfNull(labels);
        var targets = new float[labels.Length * classCount];
        for (int i = 0; i < labels.Length; i++)
        {
            if (labels[i] >= classCount)
            {
                throw new ArgumentException($"label {labels[i]} at row {i} is outside the {classCount} classes", nameof(labels));
            }

            targets[(i * classCount) + labels[i]] = 1f;
        }

        return new DataSplit(features, targets, labels, featureCount, classCount);
    }
}
