namespace ScratchNet.Data.Idx;

/// <summary>Checks and converts MNIST-shaped IDX content: images (n, rows, cols) and labels (n).</summary>
public static class MnistLoader
{
    public const int ClassCount = 10;

    /// <summary>Pixels per image; the images must be a rank-3 array (count, rows, columns).</summary>
    public static int FeatureCount(IdxArray images, string name)
    {
        ArgumentNullException.ThrowIfNull(images);
        if (images.Dimensions.Length != 3)
        {
            throw new InvalidDataFormatException(
                $"{name} has shape ({string.Join(" x ", images.Dimensions)}); an image file has three dimensions (count x rows x columns){(images.Dimensions.Length != 4 ? string.Empty : images.Dimensions[1] == 1 || images.Dimensions[3] == 1 ? ": its images have one channel already, so write the file without that dimension" : ": ScratchNet reads grey images, so convert colour images to one grey channel first")}.");
        }

        return images.Dimensions[1] * images.Dimensions[2];
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
        if (labels.Dimensions.Length != 1)
        {
            throw new InvalidDataFormatException(
                $"{name} has shape ({string.Join(" x ", labels.Dimensions)}); a label file has one dimension.");
        }

        byte[] data = labels.Data;
        int bad = data.AsSpan().IndexOfAnyInRange((byte)classCount, byte.MaxValue);
        if (bad >= 0 && classesNamed)
        {
            int largest = data.Max();
            throw new DataSettingsException(
                $"Data:ClassNames names {classCount} classes, but {name} has label {data[bad]} at row {bad} (its largest is {largest}); give one name for each class 0 to {largest}, or leave Data:ClassNames out");
        }

        if (bad >= 0)
        {
            throw new InvalidDataFormatException(
                $"{name} has label {data[bad]} at row {bad}; labels must be 0 to {classCount - 1}.");
        }

        return data;
    }

    /// <summary>Fails when an image file and its label file disagree on how many rows they hold.</summary>
    public static void CheckCountsAgree(IdxArray images, string imagesName, IdxArray labels, string labelsName)
    {
        ArgumentNullException.ThrowIfNull(images);
        ArgumentNullException.ThrowIfNull(labels);
        if (images.Count != labels.Count)
        {
            throw new InvalidDataFormatException(
                $"{imagesName} holds {images.Count} images but {labelsName} holds {labels.Count} labels; they must pair one to one. Replace them with a matching pair.");
        }
    }
}
