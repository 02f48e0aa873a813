using System.Runtime.InteropServices;
using System.Security.Cryptography;
using ScratchNet.Data.Splits;

namespace ScratchNet.Data.Tests;

public sealed class DatasetHashTests
{
    [Test]
    public void Sha256_ChangesWithOneLabel()
    {
        DataSplit a = DataSplit.FromLabels([0, 1, 0, 1], [0, 1], 2, 2);
        DataSplit b = DataSplit.FromLabels([0, 1, 0, 1], [1, 1], 2, 2);

        Assert.That(DatasetHash.Sha256(new Dataset("d", a, a, ["x", "y"])), Is.Not.EqualTo(DatasetHash.Sha256(new Dataset("d", b, a, ["x", "y"]))));
    }

    [Test]
    public void Sha256_IsTheSameWhetherASplitHoldsPixelsOrTheirFloats()
    {
        byte[] pixels = [0, 255, 17, 128, 3, 64];
        float[] floats = [.. pixels.Select(p => p / 255f)];
        DataSplit bytes = DataSplit.FromPixels(pixels, [0, 1, 1], 2, 2);
        DataSplit scaled = DataSplit.FromLabels(floats, [0, 1, 1], 2, 2);

        Assert.That(DatasetHash.Sha256(new Dataset("d", bytes, bytes, ["x", "y"])), Is.EqualTo(DatasetHash.Sha256(new Dataset("d", scaled, scaled, ["x", "y"]))).And.Match("^[0-9a-f]{64}$"));
    }

    [Test]
    public void Sha256_ChangesWithTheImageShape_OfTheSameBytes()
    {
        DataSplit rows = DataSplit.FromLabels(new float[2 * 12], [0, 1], 12, 2);

        Assert.That(DatasetHash.Sha256(new Dataset("d", rows, rows, ["x", "y"]) { InputShape = new(1, 3, 4) }),
            Is.Not.EqualTo(DatasetHash.Sha256(new Dataset("d", rows, rows, ["x", "y"]) { InputShape = new(1, 4, 3) })));
    }

    [Test]
    public void Identifies_TheDataItsHashNames_AndNoOther()
    {
        DataSplit a = DataSplit.FromLabels([0, 1, 0, 1], [0, 1], 2, 2);
        DataSplit b = DataSplit.FromLabels([0, 1, 0, 1], [1, 1], 2, 2);
        var data = new Dataset("d", a, a, ["x", "y"]);

        Assert.That(DatasetHash.Identifies(data, DatasetHash.Sha256(data)), Is.True);
        Assert.That(DatasetHash.Identifies(data, DatasetHash.Sha256(new Dataset("d", b, a, ["x", "y"]))), Is.False);
        Assert.That(DatasetHash.Identifies(data, string.Empty), Is.False);
    }

    [Test]
    public void Identifies_TheDigestWrittenBeforeTheShapeJoinedIt()
    {
        // Model files and checkpoints written before 2026-11-26 hashed the splits' floats and labels alone.
        float[] features = [0.5f, 1, 0, 0.25f, 3, 2];
        byte[] labels = [0, 1, 1];
        DataSplit split = DataSplit.FromLabels(features, labels, 2, 2);
        byte[] legacy = [.. MemoryMarshal.AsBytes(features.AsSpan()), .. labels, .. MemoryMarshal.AsBytes(features.AsSpan()), .. labels];

        Assert.That(DatasetHash.Identifies(new Dataset("d", split, split, ["x", "y"]), Convert.ToHexStringLower(SHA256.HashData(legacy))), Is.True);
    }
}
