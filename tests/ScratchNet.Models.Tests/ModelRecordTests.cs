using System.Buffers.Binary;
using System.Text;
using ScratchNet.Core.Layers;
using ScratchNet.Models.Native;
using ScratchNet.Models.Onnx;
using ScratchNet.Models.Safetensors;

namespace ScratchNet.Models.Tests;

/// <summary>
/// What a model records of its data beside its layers: the images an MLP's flat rows were made from, and the data earlier
/// runs trained its weights on. Both survive every format and export, and a model without them writes the file it always did.
/// </summary>
public sealed class ModelRecordTests
{
    private static readonly RowShape Images = new(1, 12, 20);

    private static readonly DataHistoryEntry[] History =
    [
        new("/runs/a/model.snm", new Dictionary<string, string> { ["Data:Dataset"] = "mnist", ["Data:Split"] = "official" }),
        new("parent.snm", null),
        new("torch.safetensors", new Dictionary<string, string>()),
    ];

    private static SavedModel NonSquareMlp() =>
        SavedModel.FromNetwork(TestModels.Network([240, 16, 10]), TestModels.Configuration([240, 16, 10]), TestModels.Manifest, new Shape(1, 12, 20)) with { DataHistory = History };

    private static byte[] Write(SavedModel model, ModelFormat format)
    {
        using var stream = new MemoryStream();
        (format == ModelFormat.Native ? (Action<SavedModel, Stream>)NativeModelFormat.Write : SafetensorsModel.Write)(model, stream);
        return stream.ToArray();
    }

    private static void AssertSameHistory(IReadOnlyList<DataHistoryEntry> actual, string because)
    {
        Assert.That(actual.Select(e => e.Source), Is.EqualTo(History.Select(e => e.Source)), because);
        for (int i = 0; i < History.Length; i++)
        {
            Assert.That(actual[i].Data, History[i].Data is null ? Is.Null : Is.EquivalentTo(History[i].Data!), $"{because}: entry {i}");
        }
    }

    [Test]
    public void AnMlpOnImagesThatAreNoSquare_RecordsTheirShape_AndOneOnSquareImagesRecordsNone()
    {
        Assert.That(NonSquareMlp().ImageShape, Is.EqualTo(Images));
        Assert.That(NonSquareMlp().DataShape, Is.EqualTo(new Shape(1, 12, 20)));
        Assert.That(NonSquareMlp().InputShape, Is.EqualTo(Shape.Flat(240)), "the network still takes flat rows");
        Assert.That(SavedModel.FromNetwork(TestModels.Network([784, 10]), new Dictionary<string, string>(), null, new Shape(1, 28, 28)).ImageShape, Is.Null, "a square follows from 784 values");
        Assert.That(SavedModel.FromNetwork(TestModels.Network([240, 10]), new Dictionary<string, string>(), null, Shape.Flat(240)).ImageShape, Is.Null, "flat data: no images");
        Assert.That(SavedModel.FromNetwork(TestModels.Network([240, 10]), new Dictionary<string, string>(), null).ImageShape, Is.Null);
        Assert.That(TestModels.Model(["flatten", "dense 3"], new Shape(1, 12, 20)).ImageShape, Is.Null, "flatten records its input itself");
    }

    [TestCase(ModelFormat.Native)]
    [TestCase(ModelFormat.Safetensors)]
    public void TheImageShapeAndTheDataHistory_SurviveEveryFormat_AndAnExportBetweenThem(ModelFormat format)
    {
        SavedModel loaded = ModelFile.Parse(Write(NonSquareMlp(), format), "m");
        ModelFormat other = format == ModelFormat.Native ? ModelFormat.Safetensors : ModelFormat.Native;
        SavedModel exported = ModelFile.Parse(Write(loaded, other), "m2");

        foreach ((SavedModel model, string because) in new[] { (loaded, $"{format}"), (exported, $"{format} then {other}") })
        {
            Assert.That(model.ImageShape, Is.EqualTo(Images), because);
            Assert.That(model.DataShape, Is.EqualTo(new Shape(1, 12, 20)), because);
            AssertSameHistory(model.DataHistory, because);
            Assert.That(model.LayerSizes, Is.EqualTo(new[] { 240, 16, 10 }), because);
        }
    }

    [Test]
    public void TheSafetensorsExportNamesTheImagesBesideTheFlatInputShape_AndItsHistoryFromTheHeaderAlone()
    {
        byte[] file = Write(NonSquareMlp(), ModelFormat.Safetensors);
        var (_, metadata) = SafetensorsFormat.Read(file, "m.safetensors");
        string path = Path.Combine(Path.GetTempPath(), $"scratchnet-record-{Guid.NewGuid():N}.safetensors");
        File.WriteAllBytes(path, file);
        try
        {
            Assert.That(metadata[SafetensorsModel.ImageShapeKey], Is.EqualTo("1,12,20"));
            Assert.That(metadata[SafetensorsModel.InputShapeKey], Is.EqualTo("240,1,1"), "what builds before the image shape read: the network's own input");
            Assert.That(metadata[SafetensorsModel.LayerSizesKey], Is.EqualTo("240,16,10"));
            AssertSameHistory(ModelFile.LoadRecord(path).DataHistory, "read from the header");
        }
        finally
        {
            File.Delete(path);
        }
    }

    [Test]
    public void TheOnnxExportOfSuchAnMlpTakesFlatRows_AndItsDescriptionNamesTheImages()
    {
        global::Onnx.ModelProto proto = OnnxExporter.ToProto(NonSquareMlp());

        Assert.That(proto.Graph.Input.Single().Type.TensorType.Shape.Dim.Select(d => d.DimValue).Last(), Is.EqualTo(240));
        Assert.That(proto.Graph.Node.Select(n => n.OpType), Is.EqualTo(new[] { "Gemm", "Relu", "Gemm", "Softmax" }));
        Assert.That(proto.DocString, Does.Contain("the pixels of 1 × 12 × 20 images row by row"));
    }

    [Test]
    public void AModelWithoutThem_WritesTheFileItAlwaysDid()
    {
        // No new key in either format: files of square MLPs and of runs from the initialiser are as before.
        SavedModel square = SavedModel.FromNetwork(TestModels.Network([16, 5, 3]), TestModels.Configuration([16, 5, 3]), TestModels.Manifest, new Shape(1, 4, 4));
        byte[] native = Write(square, ModelFormat.Native);
        string header = Encoding.UTF8.GetString(native, 16, (int)BinaryPrimitives.ReadUInt32LittleEndian(native.AsSpan(12)));
        var (_, metadata) = SafetensorsFormat.Read(Write(square, ModelFormat.Safetensors), "m.safetensors");

        Assert.That(header, Does.Not.Contain("imageShape").And.Not.Contain("dataHistory"));
        Assert.That(metadata.Keys, Has.None.EqualTo(SafetensorsModel.ImageShapeKey).And.None.EqualTo(SafetensorsModel.DataHistoryKey));
        Assert.That(ModelFile.Parse(native, "m").DataHistory, Is.Empty);
    }

    [TestCase("mlp-6-5-3-relu")]
    [TestCase("mlp-4-3-3-2-tanh")]
    public void FilesWrittenBeforeThemLoadWithNoImageShapeAndNoHistory(string name)
    {
        foreach (string extension in new[] { ".snm", ".safetensors" })
        {
            string path = Path.Combine(TestContext.CurrentContext.TestDirectory, "Fixtures", name + extension);
            SavedModel loaded = ModelFile.Load(path);

            Assert.That(loaded.ImageShape, Is.Null, extension);
            Assert.That(loaded.DataShape, Is.EqualTo(loaded.InputShape), extension);
            Assert.That(loaded.DataHistory, Is.Empty, extension);
            Assert.That(ModelFile.LoadRecord(path).DataHistory, Is.Empty, extension);
        }
    }

    [Test]
    public void AnImageShapeThatDoesNotFitTheFirstLayer_OrAHistoryThatIsNoList_IsRefusedNamingIt()
    {
        var (tensors, metadata) = SafetensorsFormat.Read(Write(NonSquareMlp(), ModelFormat.Safetensors), "m.safetensors");
        byte[] With(string key, string value)
        {
            using var stream = new MemoryStream();
            SafetensorsFormat.Write(tensors, new Dictionary<string, string>(metadata) { [key] = value }, stream);
            return stream.ToArray();
        }

        var shape = Assert.Throws<ModelFileException>(() => ModelFile.Parse(With(SafetensorsModel.ImageShapeKey, "1,12,21"), "m.safetensors"));
        var history = Assert.Throws<ModelFileException>(() => ModelFile.Parse(With(SafetensorsModel.DataHistoryKey, "{\"source\":1}"), "m.safetensors"));
        var nulls = Assert.Throws<ModelFileException>(() => ModelFile.Parse(With(SafetensorsModel.DataHistoryKey, "[null]"), "m.safetensors"));
        var images = Assert.Throws<ModelFileException>(() => SafetensorsModel.Write(
            TestModels.Model(["flatten", "dense 3"], new Shape(1, 12, 20)) with { ImageShape = Images }, Stream.Null));

        Assert.That(shape!.Message, Does.Contain("its image shape 1 × 12 × 21 (252 values) does not fit its first layer dense0, which takes 240 inputs"));
        Assert.That(history!.Message, Does.Contain($"its {SafetensorsModel.DataHistoryKey} is not a JSON list of entries"));
        Assert.That(nulls!.Message, Does.Contain("its data history has an entry without a source"));
        Assert.That(images!.Message, Does.Contain("does not fit its first layer"), "a first layer on images records them itself");
    }
}
