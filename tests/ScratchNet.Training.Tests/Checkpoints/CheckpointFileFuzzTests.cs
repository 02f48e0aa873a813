using System.Buffers.Binary;
using System.Security.Cryptography;
using ScratchNet.Training.Checkpoints;
using ScratchNet.Training.Results;

namespace ScratchNet.Training.Tests.Checkpoints;

/// <summary>
/// Mutation fuzzing of the checkpoint reader over checkpoints written by <see cref="CheckpointFile.Write"/>; half the
/// inputs get their SHA-256 recomputed so the damage reaches the payload parser (a forged file, not a torn one). Only
/// <see cref="CheckpointException"/> may come out, nothing hangs, nothing allocates much beyond the input's size.
/// CI runs 2,000 inputs; SCRATCHNET_TEST_FUZZ_ITERATIONS / SCRATCHNET_TEST_FUZZ_SEED set a dedicated run.
/// </summary>
public sealed class CheckpointFileFuzzTests
{
    private const int PrefixLength = 20;

    // Payload length (int64) at 12, payload from 20, its SHA-256 right after it.
    private static readonly FileLayout Layout = new(12, 8, PrefixLength, JsonHeader: false, Reseal);

    private static readonly byte[][] Seeds = [Bytes(Sample(1, tensors: 2)), Bytes(Sample(3, tensors: 4)), Bytes(new Checkpoint())];

    // A payload within one chunk is parsed from the buffer its checksum was computed over; a larger one (16-byte chunks)
    // is read again from the stream, through PayloadReadStream.
    [TestCase(CheckpointFile.ChunkBytes)]
    [TestCase(16)]
    public void MutatedCheckpointsRaiseOnlyCheckpointExceptionNeverHangAndNeverAllocateBeyondTheirSize(int chunkBytes)
    {
        FuzzStats stats = FuzzLoop.Run<CheckpointException>(
            2_000,
            rng => FileMutator.Mutate(Seeds[rng.NextInt(Seeds.Length)], Layout, rng),
            input =>
            {
                using var stream = new MemoryStream(input, writable: false);
                Checkpoint c = CheckpointFile.Read(stream, FuzzLoop.Source, chunkBytes);
                long values = c.Tensors.Values.Sum(t => (long)t.Length) + c.Words.Values.Sum(w => (long)w.Length) + c.ShuffleState.Length;
                if (values * 4 > input.Length)
                {
                    throw new AssertionException($"accepted {values} values from {input.Length} bytes: (base64) {Convert.ToBase64String(input)}");
                }
            },
            allocationMultiple: 8,
            allocationConstant: 64 << 10);
        Assert.That(stats.Accepted, Is.GreaterThan(0), "resealed flips in the values leave a valid checkpoint that must still read");
    }

    [TestCase(-1)]
    [TestCase(int.MaxValue)]
    public void AForgedTensorLengthWithAValidChecksumIsACheckpointExceptionNotAnAllocation(int forged)
    {
        var c = new Checkpoint();
        c.Tensors["t"] = [1f, 2f];
        byte[] file = Bytes(c);
        // The tensor's length follows its key ("t": one length byte and one char) after the fixed fields and counts.
        int at = file.AsSpan(PrefixLength).IndexOf("\u0001t"u8) + PrefixLength + 2;
        Assert.That(BinaryPrimitives.ReadInt32LittleEndian(file.AsSpan(at)), Is.EqualTo(2));
        BinaryPrimitives.WriteInt32LittleEndian(file.AsSpan(at), forged);

        using var stream = new MemoryStream(Reseal(file));
        var e = Assert.Throws<CheckpointException>(() => CheckpointFile.Read(stream, "forged.ckpt"));
        Assert.That(e!.Damaged, Is.True);
        Assert.That(e.Message, Does.Contain("forged.ckpt"));
    }

    private static Checkpoint Sample(int epoch, int tensors)
    {
        var c = new Checkpoint { ConfigurationHash = "0123abcd", Epoch = epoch, Batch = 5, LossSum = 1.5, ShuffleState = [1, 2, 3, 4] };
        c.History.Add(new EpochMetrics(1, 0.5, 0.4, 0.9, 1.25, 0.1));
        for (int i = 0; i < tensors; i++)
        {
            c.Tensors[$"param/dense{i}.weight"] = [.. Enumerable.Range(0, 6 + i).Select(v => v * 0.25f)];
        }

        c.Scalars["optimizer.steps"] = 42;
        c.Words["rng/dropout0"] = [5, 6, 7, 8];
        return c;
    }

    private static byte[] Bytes(Checkpoint checkpoint)
    {
        using var stream = new MemoryStream();
        CheckpointFile.Write(stream, checkpoint);
        return stream.ToArray();
    }

    private static byte[] Reseal(byte[] bytes)
    {
        if (bytes.Length < PrefixLength)
        {
            return bytes;
        }

        long length = BinaryPrimitives.ReadInt64LittleEndian(bytes.AsSpan(12));
        if (length < 0 || length > bytes.Length - PrefixLength - 32)
        {
            return bytes;
        }

        byte[] copy = [.. bytes];
        SHA256.HashData(copy.AsSpan(PrefixLength, (int)length), copy.AsSpan(PrefixLength + (int)length, 32));
        return copy;
    }
}
