using System.Security.Cryptography;
using ScratchNet.Core.Layers;
using ScratchNet.Core.Random;
using ScratchNet.Models.Native;
using ScratchNet.Models.Safetensors;

namespace ScratchNet.Models.Tests;

/// <summary>
/// Mutation fuzzing of the model readers over valid files written by our own writers, through
/// <see cref="ModelFile.Parse"/> (what <see cref="ModelFile.Load"/> runs after reading the file). Only
/// <see cref="ModelFileException"/> may come out, no input may take long, and no input may make the reader allocate much
/// beyond its own size. The seeds include convolutional networks. CI runs 2,000 inputs per format; a dedicated run sets SCRATCHNET_TEST_FUZZ_ITERATIONS (e.g. 100000)
/// and optionally SCRATCHNET_TEST_FUZZ_SEED.
/// </summary>
public sealed class ModelFileFuzzTests
{
    private const int DefaultIterations = 2_000;

    // The parse copies the tensors (1×), the header to a string and a JSON DOM (a few × the header), plus messages.
    private const int AllocationMultiple = 8;
    private const long AllocationConstant = 256 << 10;

    // MLPs, and convolutional networks with every layer kind a file holds (conv with stride and padding, both pools, batch
    // norm after conv and dense, flatten), so mutations reach definitions, (c, h, w) shapes and running statistics.
    private static readonly SavedModel[] Models =
    [
        TestModels.Model([6, 5, 3]),
        TestModels.Model([4, 3]),
        TestModels.Model([3, 4, 4, 2], "tanh"),
        TestModels.Model(TestModels.SmallCnn, new Shape(1, 9, 9)),
        TestModels.Model(["conv 2 2x2 stride 2", "sigmoid", "avgpool 2", "flatten", "batchnorm", "dense 2"], new Shape(2, 8, 8)),
    ];

    // Native: u32 header length at 12, JSON from 16, SHA-256 of everything before the last 32 bytes.
    private static readonly FileLayout Native = new(12, 4, 16, JsonHeader: true, ResealNative);

    // Safetensors: u64 header length at 0, JSON from 8, no checksum.
    private static readonly FileLayout Safetensors = new(0, 8, 8, JsonHeader: true, Reseal: null);

    private static readonly byte[][] NativeSeeds = [.. Models.Select(m => Write(m, NativeModelFormat.Write))];

    private static readonly byte[][] SafetensorsSeeds = [.. Models.Select(m => Write(m, SafetensorsModel.Write))];

    [Test]
    public void MutatedNativeModelsRaiseOnlyModelFileExceptionNeverHangAndNeverAllocateBeyondTheirSize()
    {
        FuzzStats stats = FuzzLoop.Run<ModelFileException>(
            DefaultIterations,
            rng => FileMutator.Mutate(NativeSeeds[rng.NextInt(NativeSeeds.Length)], Native, rng),
            ParseAndCheck,
            AllocationMultiple,
            AllocationConstant);
        Assert.That(stats.Accepted, Is.GreaterThan(0), "resealed flips in the weights leave a valid model that must still load");
    }

    [Test]
    public void MutatedSafetensorsModelsRaiseOnlyModelFileExceptionNeverHangAndNeverAllocateBeyondTheirSize()
    {
        FuzzStats stats = FuzzLoop.Run<ModelFileException>(
            DefaultIterations,
            rng => FileMutator.Mutate(SafetensorsSeeds[rng.NextInt(SafetensorsSeeds.Length)], Safetensors, rng),
            ParseAndCheck,
            AllocationMultiple,
            AllocationConstant);
        Assert.That(stats.Accepted, Is.GreaterThan(0), "flips in the weights leave a valid model that must still load");
    }

    /// <summary>An accepted model must be whole: it builds a network of the shape it claims.</summary>
    private static void ParseAndCheck(byte[] input)
    {
        SavedModel model = ModelFile.Parse(input, FuzzLoop.Source);
        foreach (NamedTensor tensor in model.Tensors)
        {
            long product = tensor.Shape.Aggregate(1L, (p, d) => p * d);
            if (product != tensor.Data.Length || tensor.Data.Length * 4L > input.Length)
            {
                throw new AssertionException($"accepted tensor {tensor.Name} {tensor.ShapeText} with {tensor.Data.Length} values from (base64) {Convert.ToBase64String(input)}");
            }
        }

        _ = model.CreateNetwork(capacity: 1, FuzzLoop.Source);
    }

    private static byte[] ResealNative(byte[] bytes)
    {
        if (bytes.Length < 32)
        {
            return bytes;
        }

        byte[] copy = [.. bytes];
        SHA256.HashData(copy.AsSpan(0, copy.Length - 32), copy.AsSpan(copy.Length - 32));
        return copy;
    }

    private static byte[] Write(SavedModel model, Action<SavedModel, Stream> write)
    {
        using var stream = new MemoryStream();
        write(model, stream);
        return stream.ToArray();
    }
}
