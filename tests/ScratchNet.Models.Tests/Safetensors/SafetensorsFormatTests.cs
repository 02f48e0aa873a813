using System.Buffers.Binary;
using System.Text;
using System.Text.Json;
using ScratchNet.Models.Safetensors;

namespace ScratchNet.Models.Tests.Safetensors;

public sealed class SafetensorsFormatTests
{
    private static readonly int[] Sizes = [6, 4, 3];

    private static byte[] Bytes(SavedModel model)
    {
        using var stream = new MemoryStream();
        SafetensorsModel.Write(model, stream);
        return stream.ToArray();
    }

    private static byte[] File(string header, byte[] data)
    {
        byte[] json = Encoding.UTF8.GetBytes(header);
        var file = new byte[8 + json.Length + data.Length];
        BinaryPrimitives.WriteUInt64LittleEndian(file, (ulong)json.Length);
        json.CopyTo(file, 8);
        data.CopyTo(file, 8 + json.Length);
        return file;
    }

    [Test]
    public void Write_FollowsTheSpec_LengthPrefixedPaddedJsonThenLittleEndianF32()
    {
        SavedModel model = TestModels.Model(Sizes);

        byte[] file = Bytes(model);

        ulong headerLength = BinaryPrimitives.ReadUInt64LittleEndian(file);
        Assert.That(headerLength % 8, Is.Zero, "the header is padded to 8 bytes");
        using JsonDocument header = JsonDocument.Parse(file.AsMemory(8, (int)headerLength));
        JsonElement weight = header.RootElement.GetProperty("dense0.weight");
        Assert.That(weight.GetProperty("dtype").GetString(), Is.EqualTo("F32"));
        Assert.That(weight.GetProperty("shape").EnumerateArray().Select(e => e.GetInt32()), Is.EqualTo(new[] { 6, 4 }));
        JsonElement bias = header.RootElement.GetProperty("dense1.bias");
        Assert.That(bias.GetProperty("shape").EnumerateArray().Select(e => e.GetInt32()), Is.EqualTo(new[] { 3 }));
        long begin = bias.GetProperty("data_offsets")[0].GetInt64();
        float first = BinaryPrimitives.ReadSingleLittleEndian(file.AsSpan(8 + (int)headerLength + (int)begin));
        Assert.That(first, Is.EqualTo(model.Tensors.Single(t => t.Name == "dense1.bias").Data[0]));
        JsonElement metadata = header.RootElement.GetProperty("__metadata__");
        Assert.That(metadata.GetProperty("scratchnet.layer_sizes").GetString(), Is.EqualTo("6,4,3"));
        Assert.That(metadata.GetProperty("scratchnet.seed").GetString(), Is.EqualTo("42"));
        Assert.That(metadata.GetProperty("Model:Activation").GetString(), Is.EqualTo("relu"));
    }

    [Test]
    public void RoundTrip_RebuildsTheModel()
    {
        SavedModel model = TestModels.Model(Sizes, "sigmoid");
        var (tensors, metadata) = SafetensorsFormat.Read(Bytes(model), "m.safetensors");

        SavedModel loaded = SafetensorsModel.ToModel(tensors, metadata, "m.safetensors");

        Assert.That(loaded.Layers, Is.EqualTo(model.Layers));
        Assert.That(loaded.Tensors.Select(t => t.Data), Is.EqualTo(model.Tensors.Select(t => t.Data)));
        Assert.That(loaded.Manifest, Is.EqualTo(TestModels.Manifest));
        Assert.That(loaded.Configuration, Is.EquivalentTo(model.Configuration));
    }

    [Test]
    public void Read_AcceptsAnEmptyMetadataFreeFile_AndToModelExplainsWhatIsMissing()
    {
        byte[] file = File("{\"w\":{\"dtype\":\"F32\",\"shape\":[2],\"data_offsets\":[0,8]}}", new byte[8]);

        var (tensors, metadata) = SafetensorsFormat.Read(file, "x.safetensors");

        Assert.That(tensors.Single().Shape, Is.EqualTo(new[] { 2 }));
        var e = Assert.Throws<ModelFileException>(() => SafetensorsModel.ToModel(tensors, metadata, "x.safetensors"));
        Assert.That(e!.Message, Does.Contain("scratchnet.layer_sizes").And.Contain("--Model:InitFrom"));
    }

    [Test]
    public void Read_RejectsAHeaderLengthBeyondTheFile()
    {
        byte[] file = Bytes(TestModels.Model(Sizes));
        BinaryPrimitives.WriteUInt64LittleEndian(file, ulong.MaxValue);

        var e = Assert.Throws<ModelFileException>(() => SafetensorsFormat.Read(file, "m.safetensors"));
        Assert.That(e!.Message, Does.Contain("header claims"));
    }

    [Test]
    public void Read_RejectsAHeaderThatIsNotUtf8_FoundByTheFuzzer()
    {
        byte[] file = File("{\"__metadata__\":{\"k\":\"v\"}}", []);
        file[8 + 22] = 0xFF; // inside the value "v": JsonDocument parses it and fails only when the string is read

        var e = Assert.Throws<ModelFileException>(() => SafetensorsFormat.Read(file, "m.safetensors"));
        Assert.That(e!.Message, Does.Contain("not valid UTF-8").And.Contain("m.safetensors"));
    }

    [Test]
    public void Read_SkipsPyTorchsBatchCounters_WhichSaveFileWritesAsI64()
    {
        // safetensors.torch.save_file(model.state_dict(), path) writes "1.num_batches_tracked" as an I64 scalar.
        byte[] data = [.. BitConverter.GetBytes(1.5f), .. BitConverter.GetBytes(100L), .. BitConverter.GetBytes(2.5f)];
        byte[] file = File("{\"1.running_mean\":{\"dtype\":\"F32\",\"shape\":[1],\"data_offsets\":[0,4]},\"1.num_batches_tracked\":{\"dtype\":\"I64\",\"shape\":[],\"data_offsets\":[4,12]},\"1.running_var\":{\"dtype\":\"F32\",\"shape\":[1],\"data_offsets\":[12,16]}}", data);

        var (tensors, _) = SafetensorsFormat.Read(file, "torch.safetensors");

        Assert.That(tensors.Select(t => $"{t.Name}={t.Data.Single()}"), Is.EqualTo(new[] { "1.running_mean=1.5", "1.running_var=2.5" }));
    }

    [TestCase("{\"w\":{\"dtype\":\"I64\",\"shape\":[],\"data_offsets\":[0,8]}}", 8, "dtype I64; ScratchNet reads F32 only")]
    [TestCase("{\"w\":{\"dtype\":\"F16\",\"shape\":[2],\"data_offsets\":[0,4]}}", 4, "dtype F16")]
    [TestCase("{\"w\":{\"dtype\":\"F32\",\"shape\":[3],\"data_offsets\":[0,8]}}", 8, "more than the 8 data bytes")]
    [TestCase("{\"w\":{\"dtype\":\"F32\",\"shape\":[2000000000,2000000000],\"data_offsets\":[0,8]}}", 8, "more than the 8 data bytes")]
    [TestCase("{\"a\":{\"dtype\":\"F32\",\"shape\":[2],\"data_offsets\":[0,8]},\"b\":{\"dtype\":\"F32\",\"shape\":[2],\"data_offsets\":[4,12]}}", 12, "should start at 8")]
    [TestCase("{\"w\":{\"dtype\":\"F32\",\"shape\":[1],\"data_offsets\":[0,4]}}", 8, "cover 4 bytes, but 8")]
    [TestCase("{\"w\":{\"dtype\":\"F32\",\"shape\":[-1],\"data_offsets\":[0,4]}}", 4, "non-negative")]
    [TestCase("{\"w\":{\"dtype\":\"F32\"}}", 0, "lacks a dtype, a shape or two data_offsets")]
    [TestCase("[1,2]", 0, "not a JSON object")]
    [TestCase("{\"w\": ", 0, "not valid JSON")]
    public void Read_RejectsMalformedHeaders(string header, int dataBytes, string expected)
    {
        var e = Assert.Throws<ModelFileException>(() => SafetensorsFormat.Read(File(header, new byte[dataBytes]), "m.safetensors"));
        Assert.That(e!.Message, Does.Contain(expected).And.Contain("m.safetensors"));
    }
}
