using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Security.Cryptography;
using ScratchNet.Data.Splits;

namespace ScratchNet.Data;

/// <summary>
/// The identity of the data a run saw: what a model file's manifest and a checkpoint record, and what a resume compares
/// against the data it loads.
/// </summary>
public static class DatasetHash
{
    // About 1 MB of floats per block: large enough that hashing, not the loop, sets the pace.
    private const int HashBlockFloats = 1 << 18;

    // A loaded dataset's rows never change, so its hash is computed once (about 0.2 s for MNIST's 70,000 images) however
    // many parts of a run ask for it: the resume check, the checkpoints and the model file. Keyed by instance, not by value.
    private static readonly ConditionalWeakTable<Dataset, Identity> Computed = [];

    // Records written before the image shape joined the hash (2026-11-26) hold the same digest without the shape's bytes.
    private sealed record Identity(string Sha256, string WithoutShape);

    /// <summary>
    /// SHA-256 over the data exactly as the run saw it: the training then the validation split, each as its
    /// float32 features (little-endian bytes) followed by its labels, then the rows' shape (channels, height, width as
    /// little-endian int32); lower-case hex. It changes with the split, its seed, the pixel scaling and the image shape.
    /// </summary>
    /// <remarks>
    /// Pixel-backed splits are converted a block of rows at a time (the same floats the trainer reads), so the hash is the
    /// same whichever way a split holds its data and the whole float copy is never built.
    /// </remarks>
    public static string Sha256(Dataset dataset)
    {
        ArgumentNullException.ThrowIfNull(dataset);
        return Computed.GetValue(dataset, Compute).Sha256;
    }

    /// <summary>
    /// True when <paramref name="recordedSha256"/>, as a checkpoint or model file records it, names this data: today's
    /// <see cref="Sha256"/>, or the digest files written before the image shape joined it hold (the same bytes without
    /// the shape), so an older run's record still matches the data it trained on.
    /// </summary>
    public static bool Identifies(Dataset dataset, string recordedSha256)
    {
        ArgumentNullException.ThrowIfNull(dataset);
        ArgumentNullException.ThrowIfNull(recordedSha256);
        Identity identity = Computed.GetValue(dataset, Compute);
        return string.Equals(recordedSha256, identity.Sha256, StringComparison.OrdinalIgnoreCase)
            || string.Equals(recordedSha256, identity.WithoutShape, StringComparison.OrdinalIgnoreCase);
    }

    private static Identity Compute(Dataset dataset)
    {
        if (!BitConverter.IsLittleEndian)
        {
            throw new PlatformNotSupportedException("the dataset hash is defined over little-endian floats");
        }

        using var hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        float[] buffer = [];
        foreach (DataSplit split in new[] { dataset.Train, dataset.Validation })
        {
            int blockRows = Math.Max(1, HashBlockFloats / split.FeatureCount);
            if (split.IsPixelBacked && buffer.Length < blockRows * split.FeatureCount)
            {
                buffer = new float[blockRows * split.FeatureCount];
            }

            for (int start = 0; start < split.Count; start += blockRows)
            {
                int rows = Math.Min(blockRows, split.Count - start);
                hash.AppendData(MemoryMarshal.AsBytes(split.ReadFeatures(start, rows, buffer).Span));
            }

            hash.AppendData(split.Labels);
        }

        string withoutShape = Convert.ToHexStringLower(hash.GetCurrentHash());

        // The same bytes read as other images (an IDX header rewritten from 28 × 28 to 14 × 56) are other data to a network.
        Span<byte> shape = stackalloc byte[3 * sizeof(int)];
        System.Buffers.Binary.BinaryPrimitives.WriteInt32LittleEndian(shape, dataset.InputShape.Channels);
        System.Buffers.Binary.BinaryPrimitives.WriteInt32LittleEndian(shape[4..], dataset.InputShape.Height);
        System.Buffers.Binary.BinaryPrimitives.WriteInt32LittleEndian(shape[8..], dataset.InputShape.Width);
        hash.AppendData(shape);

        return new Identity(Convert.ToHexStringLower(hash.GetHashAndReset()), withoutShape);
    }
}
