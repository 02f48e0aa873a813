using System.Buffers.Binary;
using System.Security.Cryptography;
using System.Text;
using ScratchNet.Core.Layers;
using ScratchNet.Models.Native;

namespace ScratchNet.Models.Tests.Native;

public sealed class NativeModelFormatTests
{
    private static readonly int[] Sizes = [12, 7, 5, 3];

    private static byte[] Bytes(SavedModel model)
    {
        using var stream = new MemoryStream();
        NativeModelFormat.Write(model, stream);
        return stream.ToArray();
    }

    /// <summary>A file with any header and data, and a correct checksum, so the checks after the checksum are reached.</summary>
    private static byte[] Forged(string header, byte[] data, uint version = 1, uint? headerLength = null)
    {
        byte[] json = Encoding.UTF8.GetBytes(header);
        var body = new byte[16 + json.Length + data.Length];
        NativeModelFormat.Magic.CopyTo(body);
        BinaryPrimitives.WriteUInt32LittleEndian(body.AsSpan(8), version);
        BinaryPrimitives.WriteUInt32LittleEndian(body.AsSpan(12), headerLength ?? (uint)json.Length);
        json.CopyTo(body, 16);
        data.CopyTo(body, 16 + json.Length);
        return [.. body, .. SHA256.HashData(body)];
    }

    private static string HeaderOf(byte[] file) => Encoding.UTF8.GetString(file, 16, (int)BinaryPrimitives.ReadUInt32LittleEndian(file.AsSpan(12)));

    private static byte[] DataOf(byte[] file)
    {
        int start = 16 + (int)BinaryPrimitives.ReadUInt32LittleEndian(file.AsSpan(12));
        return file[start..^32];
    }

    [Test]
    public void RoundTrip_KeepsLayersTensorsConfigurationAndManifest()
    {
        SavedModel model = TestModels.Model(Sizes, "tanh");

        SavedModel loaded = NativeModelFormat.Read(Bytes(model), "m.snm");

        Assert.That(loaded.Layers, Is.EqualTo(model.Layers));
        Assert.That(loaded.Tensors.Select(t => t.Name), Is.EqualTo(new[] { "dense0.weight", "dense0.bias", "dense1.weight", "dense1.bias", "dense2.weight", "dense2.bias" }));
        for (int i = 0; i < model.Tensors.Count; i++)
        {
            Assert.That(loaded.Tensors[i].Shape, Is.EqualTo(model.Tensors[i].Shape));
            Assert.That(loaded.Tensors[i].Data, Is.EqualTo(model.Tensors[i].Data), model.Tensors[i].Name);
        }

        Assert.That(loaded.Configuration, Is.EquivalentTo(model.Configuration));
        Assert.That(loaded.Manifest, Is.EqualTo(TestModels.Manifest));
        Assert.That(loaded.LayerSizes, Is.EqualTo(Sizes));
        Assert.That(loaded.Activation, Is.EqualTo("tanh"));
    }

    [Test]
    public void LoadedNetwork_ComputesTheSameOutputsAsTheOriginal()
    {
        Sequential original = TestModels.Network(Sizes, "leaky_relu");
        SavedModel model = SavedModel.FromNetwork(original, TestModels.Configuration(Sizes, "leaky_relu"), TestModels.Manifest);
        float[] x = TestModels.Inputs(20, Sizes[0]);

        Sequential loaded = NativeModelFormat.Read(Bytes(model), "m.snm").CreateNetwork(20, "m.snm");

        Assert.That(TestModels.Probabilities(loaded, x, 20), Is.EqualTo(TestModels.Probabilities(original, x, 20)));
    }

    [Test]
    public void Read_RejectsAFlippedDataByte_ByChecksum()
    {
        byte[] file = Bytes(TestModels.Model(Sizes));
        file[^40] ^= 0x01;

        var e = Assert.Throws<ModelFileException>(() => NativeModelFormat.Read(file, "m.snm"));
        Assert.That(e!.Message, Does.Contain("checksum").And.Contain("m.snm"));
    }

    [Test]
    public void Read_RejectsATruncatedFile()
    {
        byte[] file = Bytes(TestModels.Model(Sizes));

        var e = Assert.Throws<ModelFileException>(() => NativeModelFormat.Read(file[..^100], "m.snm"));
        Assert.That(e!.Message, Does.Contain("its header describes, so it is truncated; train or export it again, or restore it from a copy"));
        Assert.Throws<ModelFileException>(() => NativeModelFormat.Read(file[..20], "m.snm"));
    }

    [Test]
    public void Read_RejectsOtherFiles_ByMagic()
    {
        var e = Assert.Throws<ModelFileException>(() => NativeModelFormat.Read("{\"hello\": 1}"u8, "notes.json"));
        Assert.That(e!.Message, Does.Contain("not a .snm model file"));
    }

    [Test]
    public void Read_RejectsANewerVersion_NamingBoth()
    {
        byte[] file = Bytes(TestModels.Model(Sizes));
        byte[] forged = Forged(HeaderOf(file), DataOf(file), version: 2);

        var e = Assert.Throws<ModelFileException>(() => NativeModelFormat.Read(forged, "m.snm"));
        Assert.That(e!.Message, Does.Contain("version 2").And.Contain("version 1 only"));
    }

    [Test]
    public void Read_RejectsAHeaderLengthBeyondTheFile()
    {
        byte[] file = Bytes(TestModels.Model(Sizes));
        byte[] forged = Forged(HeaderOf(file), DataOf(file), headerLength: uint.MaxValue);

        var e = Assert.Throws<ModelFileException>(() => NativeModelFormat.Read(forged, "m.snm"));
        Assert.That(e!.Message, Does.Contain("header claims"));
    }

    [Test]
    public void Read_RejectsAForgedHugeShape_BeforeAllocating()
    {
        byte[] file = Bytes(TestModels.Model(Sizes));
        string header = HeaderOf(file).Replace("\"shape\":[12,7]", "\"shape\":[2000000000,2000000000]", StringComparison.Ordinal);
        Assert.That(header, Does.Contain("2000000000"));

        var e = Assert.Throws<ModelFileException>(() => NativeModelFormat.Read(Forged(header, DataOf(file)), "m.snm"));
        Assert.That(e!.Message, Does.Contain("dense0.weight").And.Contain("does not fit"));
    }

    [Test]
    public void Read_RejectsTensorsThatDoNotTileTheData()
    {
        byte[] file = Bytes(TestModels.Model(Sizes));

        var e = Assert.Throws<ModelFileException>(() => NativeModelFormat.Read(Forged(HeaderOf(file), [.. DataOf(file), 0, 0, 0, 0]), "m.snm"));
        Assert.That(e!.Message, Does.Contain("data section holds"));
    }

    [Test]
    public void Read_NeverInstantiatesATypeNamedInTheFile()
    {
        byte[] file = Bytes(TestModels.Model(Sizes));
        string header = HeaderOf(file).Replace("\"kind\":\"activation\"", "\"kind\":\"System.Diagnostics.Process, System\",\"$type\":\"System.Diagnostics.Process\"", StringComparison.Ordinal);
        Assert.That(header, Does.Contain("Process"));

        var e = Assert.Throws<ModelFileException>(() => NativeModelFormat.Read(Forged(header, DataOf(file)), "m.snm"));
        Assert.That(e!.Message, Does.Contain("unknown kind 'System.Diagnostics.Process, System'"));
    }

    [Test]
    public void Read_RejectsAnUnknownActivation()
    {
        byte[] file = Bytes(TestModels.Model(Sizes));
        string header = HeaderOf(file).Replace("\"activationName\":\"relu\"", "\"activationName\":\"swish\"", StringComparison.Ordinal);

        var e = Assert.Throws<ModelFileException>(() => NativeModelFormat.Read(Forged(header, DataOf(file)), "m.snm"));
        Assert.That(e!.Message, Does.Contain("unknown activation 'swish'"));
    }

    [Test]
    public void Read_RejectsLayersThatDisagreeWithTheConfiguration()
    {
        byte[] file = Bytes(TestModels.Model(Sizes));
        string header = HeaderOf(file).Replace("\"Model:LayerSizes\":\"12,7,5,3\"", "\"Model:LayerSizes\":\"12,8,5,3\"", StringComparison.Ordinal);
        Assert.That(header, Does.Contain("12,8,5,3"));

        var e = Assert.Throws<ModelFileException>(() => NativeModelFormat.Read(Forged(header, DataOf(file)), "m.snm"));
        Assert.That(e!.Message, Does.Contain("Model:LayerSizes=12,8,5,3").And.Contain("12,7,5,3"));
    }

    [Test]
    public void Read_RejectsANullConfigurationValue_FoundByTheFuzzer()
    {
        byte[] file = Bytes(TestModels.Model(Sizes));
        string header = HeaderOf(file).Replace("\"Model:LayerSizes\":\"12,7,5,3\"", "\"Model:LayerSizes\":null", StringComparison.Ordinal);
        Assert.That(header, Does.Contain("\"Model:LayerSizes\":null"));

        var e = Assert.Throws<ModelFileException>(() => NativeModelFormat.Read(Forged(header, DataOf(file)), "m.snm"));
        Assert.That(e!.Message, Does.Contain("configuration value that is not a string"));
    }

    [Test]
    public void Read_RejectsATensorWhoseShapeDoesNotFitItsLayer()
    {
        byte[] file = Bytes(TestModels.Model(Sizes));
        string header = HeaderOf(file).Replace("\"shape\":[12,7]", "\"shape\":[7,12]", StringComparison.Ordinal);

        var e = Assert.Throws<ModelFileException>(() => NativeModelFormat.Read(Forged(header, DataOf(file)), "m.snm"));
        Assert.That(e!.Message, Does.Contain("dense0.weight has shape (7, 12), but its layer needs (12, 7)"));
    }

    [Test]
    public void Read_RejectsMalformedJson()
    {
        var e = Assert.Throws<ModelFileException>(() => NativeModelFormat.Read(Forged("{\"format\": ", []), "m.snm"));
        Assert.That(e!.Message, Does.Contain("not valid JSON"));
    }
}
