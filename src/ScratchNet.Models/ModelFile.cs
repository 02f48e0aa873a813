using ScratchNet.Files;
using ScratchNet.Models.Native;
using ScratchNet.Models.Onnx;
using ScratchNet.Models.Safetensors;

namespace ScratchNet.Models;

/// <summary>Reads and writes model files, telling the formats apart by their first bytes, never by the file name.</summary>
public static class ModelFile
{
    // Larger than any MLP this project trains by three orders of magnitude; a bigger file is refused before it is read.
    // NetworkLimits.MaxStoredValues keeps every model train saves within it.
    private const long MaxFileBytes = 1L << 30;

    // What to give instead of a file that is no model at all.
    private const string GiveWritten = "give a file written by 'train' or 'export'";

    /// <summary>The extensions <see cref="FormatFromExtension"/> knows, one per format.</summary>
    public static IReadOnlyList<string> Extensions { get; } = [".onnx", ".safetensors", ".snm"];

    /// <summary>The format a file name's extension names (.onnx, .safetensors, .snm), or null for any other extension.</summary>
    public static ModelFormat? FormatFromExtension(string path) => Path.GetExtension(path).ToLowerInvariant() switch
    {
        ".safetensors" => ModelFormat.Safetensors,
        ".onnx" => ModelFormat.Onnx,
        ".snm" => ModelFormat.Native,
        _ => null,
    };

    /// <summary>Loads a native or safetensors model with its architecture.</summary>
    /// <exception cref="ModelFileException">The file is missing, unreadable or invalid; the message says which.</exception>
    public static SavedModel Load(string path) => Parse(ReadAll(path), path);

    /// <summary>Parses a native or safetensors model held in memory, as <see cref="Load"/> does after reading the file.</summary>
    /// <param name="source">The file, for error messages.</param>
    /// <exception cref="ModelFileException">The bytes are not a valid model of either format.</exception>
    public static SavedModel Parse(byte[] bytes, string source)
    {
        ArgumentNullException.ThrowIfNull(bytes);
        if (NativeModelFormat.HasMagic(bytes))
        {
            return NativeModelFormat.Read(bytes, source);
        }

        var (tensors, metadata) = ReadSafetensors(bytes, source);
        return SafetensorsModel.ToModel(tensors, metadata, source);
    }

    /// <summary>
    /// Reads only the run configuration a native or safetensors file records, from its header, for a command to adopt
    /// before it loads the model: the tensors, up to a gigabyte, are read once, by <see cref="Load"/>, which also checks them.
    /// </summary>
    /// <exception cref="ModelFileException">The file is missing, unreadable, or its header is invalid; a .snm also when its length is not the one its header describes (cut short).</exception>
    public static IReadOnlyDictionary<string, string> LoadConfiguration(string path) => LoadRecord(path).Configuration;

    /// <summary>
    /// As <see cref="LoadConfiguration"/>, with the data history the file records (<see cref="SavedModel.DataHistory"/>):
    /// what a run that starts from its weights carries on, from the header alone.
    /// </summary>
    /// <exception cref="ModelFileException">The file is missing, unreadable, or its header is invalid.</exception>
    public static (IReadOnlyDictionary<string, string> Configuration, IReadOnlyList<DataHistoryEntry> DataHistory) LoadRecord(string path)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(path);
        try
        {
            using FileStream file = InputFile.OpenRead(path, MaxFileBytes, "the model file");
            Span<byte> start = stackalloc byte[9];
            int read = file.ReadAtLeast(start, start.Length, throwOnEndOfStream: false);
            file.Position = 0;
            if (NativeModelFormat.HasMagic(start[..read]))
            {
                return NativeModelFormat.ReadRecord(file, path);
            }

            ThrowUnlessSafetensors(start[..read], path);
            IReadOnlyDictionary<string, string> metadata = SafetensorsFormat.ReadMetadata(file, path);
            return (SafetensorsModel.Configuration(metadata), SafetensorsModel.DataHistory(metadata, path));
        }
        catch (InputFileException e)
        {
            throw Refused(e, path);
        }
        catch (IOException e)
        {
            throw new ModelFileException(path, $"cannot be read: {e.Message}", GiveWritten, e);
        }
    }

    /// <summary>Loads only the tensors of a native or safetensors file, for starting training from them.</summary>
    /// <exception cref="ModelFileException">The file is missing, unreadable or invalid.</exception>
    public static IReadOnlyList<NamedTensor> LoadTensors(string path)
    {
        byte[] bytes = ReadAll(path);
        return NativeModelFormat.HasMagic(bytes) ? NativeModelFormat.Read(bytes, path).Tensors : ReadSafetensors(bytes, path).Tensors;
    }

    /// <summary>Writes atomically (see <see cref="AtomicFile"/>), so a failure never leaves half a file.</summary>
    /// <exception cref="FileWriteException">The file could not be written (disk full, no permission, a directory or device by that name).</exception>
    public static void Save(SavedModel model, string path, ModelFormat format)
    {
        ArgumentNullException.ThrowIfNull(model);
        Action<Stream> write = format switch
        {
            ModelFormat.Native => stream => NativeModelFormat.Write(model, stream),
            ModelFormat.Safetensors => stream => SafetensorsModel.Write(model, stream),
            ModelFormat.Onnx => stream => OnnxExporter.Write(model, stream),
            _ => throw new ArgumentOutOfRangeException(nameof(format), format, "unknown model format"),
        };
        AtomicFile.Write(path, write, flushToDisk: true);
    }

    private static (IReadOnlyList<NamedTensor> Tensors, IReadOnlyDictionary<string, string> Metadata) ReadSafetensors(byte[] bytes, string path)
    {
        ThrowUnlessSafetensors(bytes, path);
        return SafetensorsFormat.Read(bytes, path);
    }

    // A safetensors header is JSON right after its 8-byte length; anything else is neither format.
    private static void ThrowUnlessSafetensors(ReadOnlySpan<byte> start, string path)
    {
        // A save cut short before its first byte (or a file made by touch) is no format at all: "neither" would send the user looking for the wrong one.
        if (start.Length == 0)
        {
            throw new ModelFileException(path, "is empty (0 bytes)", GiveWritten);
        }

        if (start.Length < 9 || start[8] != (byte)'{')
        {
            // export writes ONNX for other runtimes; "not written by train or export" would be untrue of it.
            throw FormatFromExtension(path) == ModelFormat.Onnx
                ? new ModelFileException(path, "is ONNX, which export writes for other runtimes (onnxruntime, Netron) and ScratchNet does not read back",
                    "give the .snm it was exported from (a run's model.snm) or a .safetensors export of it")
                : new ModelFileException(path, "is neither a ScratchNet model (.snm) nor a safetensors file", GiveWritten);
        }
    }

    // The file is no readable file at all (missing, a folder, a device); InputFile's words say which, and a run folder
    // given for its model is told the model inside it.
    private static ModelFileException Refused(InputFileException e, string path)
    {
        string inside = Path.Combine(path, "model.snm");
        string remedy = Directory.Exists(path) && File.Exists(inside) ? $"give the model inside it, {ShownName.Of(inside)}" : GiveWritten;
        return new ModelFileException(e.File ?? path, e.Problem, remedy, e);
    }

    private static byte[] ReadAll(string path)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(path);
        try
        {
            return InputFile.ReadAllBytes(path, MaxFileBytes, "the model file");
        }
        catch (InputFileException e)
        {
            throw Refused(e, path);
        }
    }
}
