using System.Buffers.Binary;
using System.Security.Cryptography;
using System.Text;
using ScratchNet.Dashboard.Explorer;
using ScratchNet.Dashboard.Runs;
using ScratchNet.Dashboard.Tests.Support;
using ScratchNet.Models;

namespace ScratchNet.Dashboard.Tests.Runs;

/// <summary>
/// Every kind of model-file fault, as the CLI says it and as the dashboard shows it. The runs list showed a reason cut
/// out of the CLI's sentence, which held only while every throw site worded it "The model file PATH …; give …": a
/// safetensors fault came out as "cannot be opened: The safetensors file model.snm is invalid: …". The reason is now the
/// exception's <see cref="ModelFileException.Problem"/>, and the CLI line its message, word for word as before.
/// </summary>
public sealed class ModelFileFaultTests
{
    private const string Run = "r";
    private const string Label = $"{Run}/{RunsFolder.ModelFile}";
    private const string GiveWritten = "; give a file written by 'train' or 'export'.";
    private const string Restore = "; train or export it again, or restore it from a copy.";

    private TempDirectory _temp = null!;
    private string _runs = null!;

    // A fault, what it does to a good native model.snm (784 → 2 → 10), and the line the CLI prints for it: {0} the file,
    // {1} its length in bytes, {3} the good file's.
    private static readonly object[][] Faults =
    [
        ["empty", "The model file {0} is empty (0 bytes)" + GiveWritten],
        ["foreign", "The model file {0} is neither a ScratchNet model (.snm) nor a safetensors file" + GiveWritten],
        ["shorter than any model", "The model file {0} is invalid: it is 20 bytes long, shorter than the smallest model file (48 bytes); it is truncated" + Restore],
        ["truncated", "The model file {0} is invalid: it has 2000 bytes of the {3} its header describes, so it is truncated" + Restore],
        ["longer", "The model file {0} is invalid: it has {1} bytes, more than the {3} its header describes, so it is damaged" + Restore],
        ["other version", "The model file {0} is invalid: it is format version 2, and this build reads version 1 only."],
        ["header beyond the file", "The model file {0} is invalid: its header claims 100000 bytes, but only {2} follow the prefix."],
        ["checksum", "The model file {0} is invalid: its SHA-256 checksum does not match its contents; the file is damaged or truncated" + Restore],
        ["unknown layer kind", "The model file {0} is invalid: layer relu0 has the unknown kind 'bogus'; valid: dense, activation, conv, maxpool, avgpool, batchnorm, flatten."],
        ["shape mismatch", "The model file {0} is invalid: tensor dense1.weight has shape (10, 2), but its layer needs (2, 10)."],
        ["safetensors header beyond the file", "The safetensors file {0} is invalid: its header claims 1000 bytes, but the file has 2 after the length."],
        ["safetensors not F32", "The safetensors file {0} is invalid: tensor w has dtype F16; ScratchNet reads F32 only (and skips PyTorch's I64 *.num_batches_tracked)."],
        ["safetensors without architecture", "The safetensors file {0} has no scratchnet.layers or scratchnet.layer_sizes metadata, so its architecture is unknown; use it with --Model:InitFrom={0} and Model:Layers (or Model:LayerSizes) instead."],
        ["safetensors bad layer sizes", "The safetensors file {0} has scratchnet.layer_sizes='1,0', which is not a list of positive sizes."],
    ];

    [SetUp]
    public void SetUp()
    {
        _temp = new TempDirectory();
        _runs = _temp.Combine("runs");
        Directory.CreateDirectory(_runs);
    }

    [TearDown]
    public void TearDown() => _temp.Dispose();

    [TestCaseSource(nameof(Faults))]
    public void TheCliLineAndTheDashboardsReasonAreTheFaultsParts(string fault, string line)
    {
        string path = Path.Combine(TestModels.WriteRun(_runs, Run, 1, 0.5, withModel: true), RunsFolder.ModelFile);
        long good = new FileInfo(path).Length;
        File.WriteAllBytes(path, Damage(fault, File.ReadAllBytes(path)));
        long length = new FileInfo(path).Length;

        // What the CLI refuses the file with: its header's fault where the header shows one, else what loading it whole finds.
        ModelFileException? headerFault = Refusal(() => ModelFile.LoadRecord(path));
        ModelFileException e = headerFault ?? Refusal(() => ModelFile.Load(path)) ?? throw new AssertionException($"{fault}: the file loads");

        Assert.That(e.Message, Is.EqualTo(Line(line, path, length, good)), "the CLI's line");
        Assert.That(e.File, Is.EqualTo(path));
        Assert.That(e.Message, Does.StartWith($"The ").And.Contain($" {path} {e.Problem}"), "the problem follows the file's name");
        Assert.That(e.Problem, Does.Not.EndWith("."), "the message ends the sentence, not the problem");

        // The runs list shows its header's fault after the file's name; a fault found only in the tensors is the explorer's to say.
        Assert.That(RunModelFile.Problem(path), Is.EqualTo(headerFault?.Problem), "the runs list's reason");

        // The explorer says the whole line, naming the file as the runs folder does, never where the server keeps it.
        var opened = Assert.Throws<ModelFileException>(() => new ModelCatalog(new RunsFolder(_runs), null).Open(Run));
        Assert.That(opened!.Message, Is.EqualTo(Line(line, Label, length, good)), "the explorer's line");
        Assert.That(opened.Problem, Is.EqualTo(e.Problem));
        Assert.That(opened.File, Is.EqualTo(Label));
        Assert.That(opened.Message, Does.Not.Contain(_runs));
    }

    private static string Line(string line, string file, long length, long good) =>
        string.Format(System.Globalization.CultureInfo.InvariantCulture, line, file, length, length - 16 - 32, good);

    private static ModelFileException? Refusal(Action load)
    {
        try
        {
            load();
            return null;
        }
        catch (ModelFileException e)
        {
            return e;
        }
    }

    private static byte[] Damage(string fault, byte[] good) => fault switch
    {
        "empty" => [],
        "foreign" => "not a model"u8.ToArray(),
        "shorter than any model" => good[..20],
        "truncated" => good[..2000],
        "longer" => [.. good, 0, 0, 0, 0, 0],
        "other version" => WithUInt32(good, 8, 2),
        "header beyond the file" => WithUInt32(good, 12, 100_000),
        "checksum" => WithByte(good, good.Length - 33, (byte)(good[^33] ^ 1)),
        "unknown layer kind" => WithHeader(good, header => header.Replace("\"kind\":\"activation\"", "\"kind\":\"bogus\"", StringComparison.Ordinal)),
        "shape mismatch" => WithHeader(good, header => header.Replace("\"shape\":[2,10]", "\"shape\":[10,2]", StringComparison.Ordinal)),
        "safetensors header beyond the file" => [.. BitConverter.GetBytes(1000UL), .. "{}"u8],
        "safetensors not F32" => Safetensors("""{"w":{"dtype":"F16","shape":[1],"data_offsets":[0,2]}}""", 2),
        "safetensors without architecture" => Safetensors("""{"w":{"dtype":"F32","shape":[1],"data_offsets":[0,4]}}""", 4),
        "safetensors bad layer sizes" => Safetensors("""{"__metadata__":{"scratchnet.layer_sizes":"1,0"},"w":{"dtype":"F32","shape":[1],"data_offsets":[0,4]}}""", 4),
        _ => throw new ArgumentOutOfRangeException(nameof(fault), fault, "no such fault"),
    };

    private static byte[] WithUInt32(byte[] bytes, int offset, uint value)
    {
        byte[] copy = [.. bytes];
        BinaryPrimitives.WriteUInt32LittleEndian(copy.AsSpan(offset), value);
        return copy;
    }

    private static byte[] WithByte(byte[] bytes, int offset, byte value)
    {
        byte[] copy = [.. bytes];
        copy[offset] = value;
        return copy;
    }

    // A native file whose header is edited and whose checksum is made again, so only the edit is wrong with it.
    private static byte[] WithHeader(byte[] good, Func<string, string> edit)
    {
        int length = (int)BinaryPrimitives.ReadUInt32LittleEndian(good.AsSpan(12));
        string header = Encoding.UTF8.GetString(good, 16, length);
        string edited = edit(header);
        Assert.That(edited, Is.Not.EqualTo(header), "the edit applies to this header");
        byte[] headerBytes = Encoding.UTF8.GetBytes(edited);
        byte[] prefix = WithUInt32(good[..16], 12, (uint)headerBytes.Length);
        byte[] body = [.. prefix, .. headerBytes, .. good.AsSpan(16 + length, good.Length - 16 - length - 32)];
        return [.. body, .. SHA256.HashData(body)];
    }

    private static byte[] Safetensors(string header, int dataBytes)
    {
        byte[] json = Encoding.UTF8.GetBytes(header);
        return [.. BitConverter.GetBytes((ulong)json.Length), .. json, .. new byte[dataBytes]];
    }
}
