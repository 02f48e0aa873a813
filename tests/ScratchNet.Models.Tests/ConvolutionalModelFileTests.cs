using System.Buffers.Binary;
using System.Security.Cryptography;
using System.Text;
using ScratchNet.Core.Layers;
using ScratchNet.Models.Native;
using ScratchNet.Models.Safetensors;

namespace ScratchNet.Models.Tests;

/// <summary>Convolutional networks through every model file: layers, hyper-parameters, shapes, weights and batch norm's running statistics.</summary>
public sealed class ConvolutionalModelFileTests
{
    private static readonly Shape Input = new(1, 9, 9);

    private static byte[] Write(SavedModel model, ModelFormat format)
    {
        using var stream = new MemoryStream();
        (format == ModelFormat.Native ? (Action<SavedModel, Stream>)NativeModelFormat.Write : SafetensorsModel.Write)(model, stream);
        return stream.ToArray();
    }

    private static byte[] Reseal(string header, byte[] file)
    {
        int length = (int)BinaryPrimitives.ReadUInt32LittleEndian(file.AsSpan(12));
        byte[] json = Encoding.UTF8.GetBytes(header);
        byte[] body = [.. file.AsSpan(0, 16), .. json, .. file.AsSpan(16 + length, file.Length - 32 - 16 - length)];
        BinaryPrimitives.WriteUInt32LittleEndian(body.AsSpan(12), (uint)json.Length);
        return [.. body, .. SHA256.HashData(body)];
    }

    private static string Header(byte[] file) => Encoding.UTF8.GetString(file, 16, (int)BinaryPrimitives.ReadUInt32LittleEndian(file.AsSpan(12)));

    [TestCase(ModelFormat.Native)]
    [TestCase(ModelFormat.Safetensors)]
    public void ACnnSavedAndLoadedPredictsExactlyAsTheTrainedNetworkEvaluates(ModelFormat format)
    {
        Sequential trained = TestModels.Network(TestModels.SmallCnn, Input);
        SavedModel model = SavedModel.FromNetwork(trained, TestModels.Configuration(TestModels.SmallCnn), TestModels.Manifest);
        float[] x = TestModels.Inputs(50, Input.Size);

        SavedModel loaded = ModelFile.Parse(Write(model, format), "cnn");
        Sequential network = loaded.CreateNetwork(50, "cnn");

        Assert.That(loaded.Layers, Is.EqualTo(model.Layers));
        Assert.That(loaded.InputShape, Is.EqualTo(Input));
        Assert.That(network.Layers.Select(l => LayerDefinition.Of(l).ToString()), Is.EqualTo(TestModels.SmallCnn.Where(l => !l.StartsWith("dropout", StringComparison.Ordinal))));
        Assert.That(network.State.Select(s => s.Value), Is.EqualTo(trained.State.Select(s => s.Value)), "batch norm's running statistics");
        Assert.That(network.IsTraining, Is.False);
        Assert.That(TestModels.Probabilities(network, x, 50), Is.EqualTo(TestModels.Probabilities(trained, x, 50)));
    }

    [Test]
    public void TheNativeHeaderListsEachLayerWithItsDefinitionAndShapesAndTheTensorsWithPytorchSuffixes()
    {
        SavedModel model = TestModels.Model(TestModels.SmallCnn, Input);

        string header = Header(Write(model, ModelFormat.Native));

        Assert.That(header, Does.Contain("{\"kind\":\"conv\",\"name\":\"conv1\",\"inputs\":64,\"outputs\":36,\"activationName\":null,\"definition\":\"conv 6 3x2 stride 2 pad 1\",\"inputShape\":{\"channels\":4,\"height\":4,\"width\":4},\"outputShape\":{\"channels\":6,\"height\":2,\"width\":3}}"));
        Assert.That(model.Tensors.Select(t => $"{t.Name}{t.ShapeText}"), Is.EqualTo(new[]
        {
            "conv0.weight(4, 1, 3, 3)", "conv0.bias(4)", "bn0.weight(4)", "bn0.bias(4)", "bn0.running_mean(4)", "bn0.running_var(4)",
            "conv1.weight(6, 4, 3, 2)", "conv1.bias(6)", "dense0.weight(12, 7)", "dense0.bias(7)",
            "bn1.weight(7)", "bn1.bias(7)", "bn1.running_mean(7)", "bn1.running_var(7)", "dense1.weight(7, 3)", "dense1.bias(3)",
        }));
    }

    [Test]
    public void SafetensorsMetadataNamesEachLayerAndTheInputShapeAndLeavesTheMlpKeysToMlps()
    {
        var (_, metadata) = SafetensorsFormat.Read(Write(TestModels.Model(TestModels.SmallCnn, Input), ModelFormat.Safetensors), "cnn.safetensors");

        Assert.That(metadata[SafetensorsModel.InputShapeKey], Is.EqualTo("1,9,9"));
        Assert.That(metadata[SafetensorsModel.LayersKey], Does.StartWith("conv0: conv 4 3x3 pad 1; bn0: batchnorm; relu0: relu; maxpool0: maxpool 2; conv1: conv 6 3x2 stride 2 pad 1;"));
        Assert.That(metadata.ContainsKey(SafetensorsModel.LayerSizesKey), Is.False);
        Assert.That(metadata["Model:Layers:8"], Is.EqualTo("dropout 0.25"), "the configuration keeps the run's own entries");
    }

    [TestCase("mlp-6-5-3-relu", new[] { 6, 5, 3 }, "relu")]
    [TestCase("mlp-4-3-3-2-tanh", new[] { 4, 3, 3, 2 }, "tanh")]
    public void FilesWrittenBeforeConvolutionalNetworksStillLoadAndPredictTheSame(string name, int[] sizes, string activation)
    {
        // Written by main at 90454f5 (before this change) from TestModels.Model(sizes, activation), whose seeds are fixed.
        Sequential original = TestModels.Network(sizes, activation);
        float[] x = TestModels.Inputs(10, sizes[0]);
        foreach (string extension in new[] { ".snm", ".safetensors" })
        {
            SavedModel loaded = ModelFile.Load(Path.Combine(TestContext.CurrentContext.TestDirectory, "Fixtures", name + extension));

            Assert.That(loaded.LayerSizes, Is.EqualTo(sizes), extension);
            Assert.That(loaded.Activation, Is.EqualTo(activation), extension);
            Assert.That(loaded.IsMlp, Is.True, extension);
            Assert.That(TestModels.Probabilities(loaded.CreateNetwork(10, name), x, 10), Is.EqualTo(TestModels.Probabilities(original, x, 10)), extension);
        }
    }

    [Test]
    public void AnMlpFileStaysReadableByBuildsBeforeConvolutionalNetworks()
    {
        // The fields older readers know keep their meaning; the new ones (definition, shapes) are additions they skip.
        string header = Header(Write(TestModels.Model([6, 5, 3]), ModelFormat.Native));

        Assert.That(header, Does.Contain("{\"kind\":\"dense\",\"name\":\"dense0\",\"inputs\":6,\"outputs\":5,\"activationName\":null,"));
        Assert.That(header, Does.Contain("{\"kind\":\"activation\",\"name\":\"relu0\",\"inputs\":5,\"outputs\":5,\"activationName\":\"relu\","));
        var (_, metadata) = SafetensorsFormat.Read(Write(TestModels.Model([6, 5, 3]), ModelFormat.Safetensors), "m.safetensors");
        Assert.That(metadata[SafetensorsModel.LayerSizesKey], Is.EqualTo("6,5,3"));
        Assert.That(metadata[SafetensorsModel.ActivationKey], Is.EqualTo("relu"));
    }

    [Test]
    public void AForgedImageSizeIsRefusedBeforeAnythingIsAllocated()
    {
        // A 3x3 filter fits any image, so only a ceiling ties a network's activations to something: 4,000 × 4,000 pixels
        // pooled down to 3 × 3 would ask for hundreds of megabytes per image (the 3x3 unfolding: 144 million values) while the
        // file holds a few hundred bytes.
        string[] layers = ["conv 1 3x3 pad 1", "maxpool 10", "flatten", "dense 2"];
        SavedModel small = TestModels.Model(layers, new Shape(1, 30, 30));
        byte[] file = Write(small with { Layers = [.. small.Layers.Select(Scale)], Configuration = new Dictionary<string, string>() }, ModelFormat.Native);

        long before = GC.GetAllocatedBytesForCurrentThread();
        var e = Assert.Throws<ModelFileException>(() => ModelFile.Parse(file, "huge.snm"));
        long allocated = GC.GetAllocatedBytesForCurrentThread() - before;

        Assert.That(e!.Message, Does.Contain("layer conv0 (conv 1 3x3 pad 1) on 1 × 4000 × 4000 inputs: it unfolds 144,000,000 values per image (C·kH·kW × OutH·OutW), more than 16,777,216, the most a ScratchNet model may take"));
        Assert.That(allocated, Is.LessThan(1 << 20));

        static LayerSpec Scale(LayerSpec layer) => layer.Name switch
        {
            "conv0" => layer with { Inputs = 16_000_000, Outputs = 16_000_000, InputShape = new RowShape(1, 4_000, 4_000), OutputShape = new RowShape(1, 4_000, 4_000) },
            "maxpool0" => layer with { Definition = "maxpool 1333", Inputs = 16_000_000, InputShape = new RowShape(1, 4_000, 4_000) },
            _ => layer,
        };
    }

    [Test]
    public void AForwardPassOfTooManyRowsForTheModelsImagesIsRefusedWithTheKeyToLower()
    {
        SavedModel model = TestModels.Model(["conv 64 3x3 pad 1", "relu", "flatten", "dense 2"], new Shape(1, 64, 64), capacity: 1);

        var e = Assert.Throws<ModelFileException>(() => model.CreateNetwork(10_000, "wide.snm"));

        Assert.That(e!.Message, Does.Contain("too many for 10,000 images at once").And.Contain("Training:EvaluationBatchSize"));
    }

    [TestCase("\"definition\":\"conv 4 3x3 pad 1\"", "\"definition\":\"conv 4 1x1\"", "tensor conv0.weight has shape (4, 1, 3, 3), but its layer needs (4, 1, 1, 1)")]
    [TestCase("\"definition\":\"conv 6 3x2 stride 2 pad 1\"", "\"definition\":\"conv 6 3x2 pad 1\"", "layer conv1 (conv 6 3x2 pad 1) turns 4 × 4 × 4 inputs into 6 × 4 × 5, but the file says 6 × 2 × 3")]
    [TestCase("\"definition\":\"maxpool 2\"", "\"definition\":\"maxpol 2\"", "'maxpol' is not a layer (did you mean maxpool?)")]
    [TestCase("\"kind\":\"conv\",\"name\":\"conv1\"", "\"kind\":\"deconv\",\"name\":\"conv1\"", "unknown kind 'deconv'")]
    [TestCase("\"kind\":\"conv\",\"name\":\"conv1\"", "\"kind\":\"dense\",\"name\":\"conv1\"", "layer conv1 is of kind dense, but its definition 'conv 6 3x2 stride 2 pad 1' is another")]
    [TestCase("\"definition\":\"flatten\"", "\"definition\":\"batchnorm\"", "is of kind flatten, but its definition 'batchnorm' is another")]
    [TestCase("\"name\":\"relu0\"", "\"name\":\"relu0; rm -rf\"", "a layer name is a letter or _ then letters, digits or _")]
    [TestCase("\"inputShape\":{\"channels\":4,\"height\":4,\"width\":4}", "\"inputShape\":{\"channels\":2,\"height\":8,\"width\":4}", "layer conv1 expects 2 × 8 × 4 inputs, but maxpool0 gives 4 × 4 × 4")]
    [TestCase("\"Model:Layers:9\":\"dense 7\"", "\"Model:Layers:9\":\"dense 8\"", "its configuration says Model:Layers = [")]
    public void AHeaderWhoseLayersDisagreeWithThemselvesOrTheirTensorsIsRefusedNamingTheLayer(string from, string to, string expected)
    {
        byte[] file = Write(TestModels.Model(TestModels.SmallCnn, Input), ModelFormat.Native);
        string header = Header(file);
        Assert.That(header, Does.Contain(from));

        var e = Assert.Throws<ModelFileException>(() => ModelFile.Parse(Reseal(header.Replace(from, to, StringComparison.Ordinal), file), "cnn.snm"));

        Assert.That(e!.Message, Does.Contain(expected).And.StartWith("The model file cnn.snm is invalid: "));
    }

    [Test]
    public void ANegativeRunningVarianceIsRefusedInsteadOfGivingNanPredictions()
    {
        SavedModel model = TestModels.Model(TestModels.SmallCnn, Input);
        NamedTensor variance = model.Tensors.Single(t => t.Name == "bn0.running_var");
        SavedModel forged = model with { Tensors = [.. model.Tensors.Select(t => t == variance ? t with { Data = [.. t.Data.Select(v => -v)] } : t)] };

        var e = Assert.Throws<ModelFileException>(() => ModelFile.Parse(Write(forged, ModelFormat.Native), "cnn.snm"));

        Assert.That(e!.Message, Does.Contain("bn0.running_var holds a value that is negative"));
    }

    [TestCase(ModelFormat.Safetensors, "dense1.weight", float.NaN, "NaN")]
    [TestCase(ModelFormat.Safetensors, "conv0.bias", float.PositiveInfinity, "Infinity")]
    [TestCase(ModelFormat.Native, "bn1.weight", float.NegativeInfinity, "-Infinity")]
    [TestCase(ModelFormat.Native, "dense0.bias", float.NaN, "NaN")]
    public void ANonFiniteValueInAnyTensorIsRefusedNamingTheTensor_WhenLoadedOrUsedAsInitialWeights(ModelFormat format, string tensor, float value, string shown)
    {
        // Safetensors has no checksum, and a native file's can be recomputed: a NaN weight would give NaN predictions with exit 0.
        SavedModel model = TestModels.Model(TestModels.SmallCnn, Input);
        SavedModel forged = model with { Tensors = [.. model.Tensors.Select(t => t.Name == tensor ? t with { Data = [value, .. t.Data.Skip(1)] } : t)] };
        byte[] file = Write(forged, format);
        string path = Path.Combine(Path.GetTempPath(), $"scratchnet-nonfinite-{Guid.NewGuid():N}");
        File.WriteAllBytes(path, file);
        try
        {
            var loaded = Assert.Throws<ModelFileException>(() => ModelFile.Parse(file, "m"));
            var initial = Assert.Throws<ModelFileException>(() => ModelFile.LoadTensors(path));

            Assert.That(loaded!.Message, Does.Contain($"is invalid: tensor {tensor} holds {shown} at index 0 of "));
            Assert.That(initial!.Message, Does.Contain($"tensor {tensor} holds {shown} at index 0"));
        }
        finally
        {
            File.Delete(path);
        }
    }

    [Test]
    public void ASafetensorsFileWithoutScratchnetMetadataSaysHowToUseIt()
    {
        byte[] file = Write(TestModels.Model(TestModels.SmallCnn, Input), ModelFormat.Safetensors);
        var (tensors, _) = SafetensorsFormat.Read(file, "torch.safetensors");

        var e = Assert.Throws<ModelFileException>(() => SafetensorsModel.ToModel(tensors, new Dictionary<string, string>(), "torch.safetensors"));

        Assert.That(e!.Message, Does.Contain("--Model:InitFrom=torch.safetensors and Model:Layers"));
    }
}
