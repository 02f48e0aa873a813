namespace ScratchNet.Data.Idx;

/// <summary>Checks and converts MNIST-shaped IDX content: images (n, rows, cols) and labels (n).</summary>
public static class MnistLoader
{
    public const int ClassCount = 10;

    /// <summary>Pixels per image; the images must be a rank-3 array (count, rows, columns).</summary>
    public static int FeatureCount(IdxArray images, string name)
    {
        ArgumentNullException.ThrowIfNull(images);
        return FeatureCount(images.Dimensions, name);
    }

    private static int FeatureCount(int[] dimensions, string name)
    {
        if (dimensions.Length != 3)
        {
            throw new InvalidDataFormatException(
                $"{name} has shape ({string.Join(" x ", dimensions)}); an image file has three dimensions (count x rows x columns){(dimensions.Length != 4 ? string.Empty : dimensions[1] == 1 || dimensions[3] == 1 ? ": its images have one channel already, so write the file without that dimension" : ": ScratchNet reads grey images, so convert colour images to one grey channel first")}.");
        }

        return dimensions[1] * dimensions[2];
    }

    private static void CheckLabelShape(int[] dimensions, string name)
    {
        if (dimensions.Length != 1)
        {
            throw new InvalidDataFormatException(
                $"{name} has shape ({string.Join(" x ", dimensions)}); a label file has one dimension.");
        }
    }

    /// <summary>
    /// The checks a pair of files' headers alone allow, made before either file's data is read: an image file of three
    /// dimensions, a label file of one, and as many labels as images. A header is a few bytes; the data it declares may be
    /// gigabytes that a damaged or forged file inflates to.
    /// </summary>
    public static void CheckPair(IdxHeader images, string imagesName, IdxHeader labels, string labelsName)
    {
        ArgumentNullException.ThrowIfNull(images);
        ArgumentNullException.ThrowIfNull(labels);
        FeatureCount(images.Dimensions, imagesName);
        CheckLabelShape(labels.Dimensions, labelsName);
        CheckCountsAgree(images.Count, imagesName, labels.Count, labelsName);
    }

    /// <summary>All images as row-major floats (count, rows × columns) scaled to [0, 1].</summary>
    public static float[] ToFeatures(IdxArray images, string name)
    {
        FeatureCount(images, name);
        var features = new float[images.Data.Length];
        PixelScaler.Scale(images.Data, features);
        return features;
    }

    /// <summary>The labels, after checking the file is rank 1 and every label names one of the classes.</summary>
    /// <param name="classesNamed">
    /// True when <paramref name="classCount"/> is the number of names Data:ClassNames gives: a label beyond them is then
    /// the settings' fault (too few names, <see cref="DataSettingsException"/>), not the file's.
    /// </param>
    public static byte[] ToLabels(IdxArray labels, string name, int classCount = ClassCount, bool classesNamed = false)
    {
        ArgumentNullException.ThrowIfNull(labels);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(classCount);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(classCount, byte.MaxValue);
        CheckLabelShape(labels.Dimensions, name);
        byte[] data = labels.Data;
        int bad = data.AsSpan().IndexOfAnyInRange((byte)classCount, byte.MaxValue);
        if (bad >= 0 && classesNamed)
        {
            int largest = data.Max();
            string damaged = DamageHint(data, name) is { } hint ? $"; but {hint}: if so, replace it" : string.Empty;
            throw new DataSettingsException(
                $"Data:ClassNames names {classCount} classes, but {name} has label {data[bad]} at row {bad} (its largest is {largest}); give one name for each class 0 to {largest}, or leave Data:ClassNames out{damaged}");
        }

        if (bad >= 0)
        {
            throw new InvalidDataFormatException(
                $"{name} has label {data[bad]} at row {bad}; labels must be 0 to {classCount - 1}.");
        }

        return data;
    }

    /// <summary>
    /// When a few rows' labels stand far above all the others (label 72 in one row of 10,000, where the rest are 0 to 9 and
    /// no row has 10 to 71): a phrase saying the file may be damaged, else null. A sound label file uses its classes from
    /// 0 up; unused labels below a rarely used one are what a flipped byte leaves, and a network resized to 73 classes
    /// would train on it.
    /// </summary>
    public static string? DamageHint(ReadOnlySpan<byte> labels, string name)
    {
        Span<int> counts = stackalloc int[byte.MaxValue + 1];
        foreach (byte label in labels)
        {
            counts[label]++;
        }

        int largest = byte.MaxValue;
        while (largest > 0 && counts[largest] == 0)
        {
            largest--;
        }

        int gap = counts[..largest].IndexOf(0);
        if (gap <= 0)
        {
            return null;
        }

        int above = 0;
        for (int label = gap + 1; label <= largest; label++)
        {
            above += counts[label];
        }

        // One row in a hundred or more is a class of its own, however oddly numbered; fewer is a stray.
        if ((long)above * RareShare >= labels.Length)
        {
            return null;
        }

        int next = gap + 1;
        while (counts[next] == 0)
        {
            next++;
        }

        int row = labels.IndexOfAnyInRange((byte)next, byte.MaxValue);
        string unused = next - 1 == gap ? $"{gap}" : $"{gap} to {next - 1}";
        string rows = above == 1 ? "1 row" : $"{above} rows";
        return $"{name} may be damaged: label {labels[row]} at row {row} stands far above the others ({rows} of {labels.Length} above {gap - 1}, none with {unused})";
    }

    // Labels above the first unused one in fewer than one row in this many are strays (DamageHint).
    private const int RareShare = 100;

    /// <summary>Fails when an image file and its label file disagree on how many rows they hold.</summary>
    public static void CheckCountsAgree(IdxArray images, string imagesName, IdxArray labels, string labelsName)
    {
        ArgumentNullException.ThrowIfNull(images);
        ArgumentNullException.ThrowIfNull(labels);
        CheckCountsAgree(images.Count, imagesName, labels.Count, labelsName);
    }

    private static void CheckCountsAgree(int images, string imagesName, int labels, string labelsName)
    {
        if (images != labels)
        {
            throw new InvalidDataFormatException(
                $"{imagesName} holds {images} images but {labelsName} holds {labels} labels; they must pair one to one. Replace them with a matching pair.");
        }
    }
}
