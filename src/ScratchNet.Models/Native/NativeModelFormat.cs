using System.Buffers.Binary;
using System.Security.Cryptography;
using System.Text.Json;
using ScratchNet.Files;

namespace ScratchNet.Models.Native;

/// <summary>
/// ScratchNet's own model file (<c>.snm</c>), version 1. Little-endian throughout:
/// <code>
/// offset 0   8 bytes  magic 89 'S' 'N' 'M' 0D 0A 1A 0A (PNG-style: catches text-mode and 7-bit damage)
/// offset 8   u32      format version (1)
/// offset 12  u32      header length H
/// offset 16  H bytes  UTF-8 JSON: format, layers (kind, name, inputs, outputs, activation), tensors (name, shape,
///                     offset, length), configuration (key → value), manifest (seed, datasetSha256, codeVersion, createdUtc),
///                     and, added later without a version change (readers skip keys they do not know), imageShape
///                     (channels, height, width of the images a flat first layer was trained on) and dataHistory
/// 16 + H     …        tensor data, float32, in header order, back to back
/// end − 32   32 bytes SHA-256 of every byte before it
/// </code>
/// </summary>
public static class NativeModelFormat
{
    public const int Version = 1;

    public const string FormatName = "scratchnet-model";

    private const int PrefixLength = 16;
    private const int ChecksumLength = 32;

    // A header longer than this is not one ScratchNet wrote (the reference model's is about 2 KB).
    private const int MaxHeaderLength = 16 << 20;

    internal static ReadOnlySpan<byte> Magic => [0x89, (byte)'S', (byte)'N', (byte)'M', 0x0D, 0x0A, 0x1A, 0x0A];

    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web) { MaxDepth = 16, WriteIndented = false };

    public static bool HasMagic(ReadOnlySpan<byte> start) => start.Length >= Magic.Length && start[..Magic.Length].SequenceEqual(Magic);

    public static void Write(SavedModel model, Stream destination)
    {
        ArgumentNullException.ThrowIfNull(model);
        ArgumentNullException.ThrowIfNull(destination);
        long offset = 0;
        var entries = new List<NativeTensorEntry>(model.Tensors.Count);
        foreach (NamedTensor tensor in model.Tensors)
        {
            entries.Add(new NativeTensorEntry(tensor.Name, [.. tensor.Shape], offset, tensor.Data.Length * 4L));
            offset += tensor.Data.Length * 4L;
        }

        var header = new NativeHeader
        {
            Format = FormatName,
            Layers = [.. model.Layers],
            Tensors = entries,
            Configuration = model.Configuration.ToDictionary(StringComparer.Ordinal),
            Manifest = model.Manifest,
            ImageShape = model.ImageShape,
            DataHistory = model.DataHistory.Count == 0 ? null : [.. model.DataHistory],
        };
        byte[] headerBytes = JsonSerializer.SerializeToUtf8Bytes(header, Json);

        using var hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        void Emit(ReadOnlySpan<byte> bytes)
        {
            hash.AppendData(bytes);
            destination.Write(bytes);
        }

        Span<byte> prefix = stackalloc byte[PrefixLength];
        Magic.CopyTo(prefix);
        BinaryPrimitives.WriteUInt32LittleEndian(prefix[8..], Version);
        BinaryPrimitives.WriteUInt32LittleEndian(prefix[12..], (uint)headerBytes.Length);
        Emit(prefix);
        Emit(headerBytes);
        foreach (NamedTensor tensor in model.Tensors)
        {
            Emit(Float32Bytes.ToBytes(tensor.Data));
        }

        destination.Write(hash.GetHashAndReset());
    }

    /// <summary>Parses a whole file held in memory, trusting nothing in it.</summary>
    /// <param name="source">The file, for error messages.</param>
    /// <exception cref="ModelFileException">Names what is wrong: magic, version, checksum, header, sizes, layers.</exception>
    public static SavedModel Read(ReadOnlySpan<byte> file, string source)
    {
        CheckPrefix(file, file.Length, source);

        // The checksum comes before any parsing, so a damaged file is reported as damaged, not as whatever its bytes now say.
        ReadOnlySpan<byte> body = file[..^ChecksumLength];
        Span<byte> actual = stackalloc byte[ChecksumLength];
        SHA256.HashData(body, actual);
        if (!actual.SequenceEqual(file[^ChecksumLength..]))
        {
            // A file cut short fails its checksum too: where its header still reads, it is told by its length, as the
            // header's read (ReadRecord, the dashboard's runs list) tells it.
            throw LengthFault(file, source) ?? Invalid(source, "its SHA-256 checksum does not match its contents; the file is damaged or truncated", Restore);
        }

        int headerLength = HeaderLength(file, file.Length, source);
        NativeHeader header = ParseHeader(body.Slice(PrefixLength, headerLength), source);
        ReadOnlySpan<byte> data = body[(PrefixLength + headerLength)..];
        var tensors = ReadTensors(header.Tensors!, data, source);
        var model = new SavedModel(header.Layers!, tensors, header.Configuration ?? [], header.Manifest) { ImageShape = header.ImageShape, DataHistory = header.DataHistory ?? [] };
        ModelStructure.Check(model, source);
        return model;
    }

    /// <summary>
    /// The configuration a file records, from its header alone: the tensors (up to a gigabyte) are not read and the
    /// checksum is not checked, so this is for settings only; <see cref="Read"/> checks the whole file before it is used. The
    /// file's length is checked against the header, so a file cut short is refused here already.
    /// </summary>
    /// <param name="file">Positioned at the start of the file.</param>
    /// <exception cref="ModelFileException">The prefix or the header is not a native model's.</exception>
    public static IReadOnlyDictionary<string, string> ReadConfiguration(Stream file, string source) => ReadRecord(file, source).Configuration;

    /// <summary>As <see cref="ReadConfiguration"/>, with the data history the file records (<see cref="SavedModel.DataHistory"/>).</summary>
    public static (IReadOnlyDictionary<string, string> Configuration, IReadOnlyList<DataHistoryEntry> DataHistory) ReadRecord(Stream file, string source)
    {
        ArgumentNullException.ThrowIfNull(file);
        Span<byte> prefix = stackalloc byte[PrefixLength];
        int read = file.ReadAtLeast(prefix, PrefixLength, throwOnEndOfStream: false);
        CheckPrefix(prefix[..read], file.Length, source);
        byte[] header = new byte[HeaderLength(prefix, file.Length, source)];
        file.ReadExactly(header);
        NativeHeader parsed = ParseHeader(header, source);

        // The tensors are not read, but the header says how long they are: a file cut short (a copy or a save stopped
        // midway) is told here, by its length, where only Read's checksum would have found it.
        ModelFileException? fault = LengthFault(parsed, header.Length, file.Length, source);
        return fault is null ? (parsed.Configuration ?? [], parsed.DataHistory ?? []) : throw fault;
    }

    /// <summary>What a model file whose contents are lost (cut short, damaged) is remedied with.</summary>
    private const string Restore = "train or export it again, or restore it from a copy";

    // A whole file in memory whose header reads but whose length is not what that header describes; null where its header
    // does not read (then its checksum's fault stands) or the length is right.
    private static ModelFileException? LengthFault(ReadOnlySpan<byte> file, string source)
    {
        try
        {
            int headerLength = HeaderLength(file, file.Length, source);
            return LengthFault(ParseHeader(file.Slice(PrefixLength, headerLength), source), headerLength, file.Length, source);
        }
        catch (ModelFileException)
        {
            return null;
        }
    }

    // The one wording of a file whose length is not the one its header describes, for the whole read and the header's.
    private static ModelFileException? LengthFault(NativeHeader header, int headerLength, long fileLength, string source)
    {
        long expected = PrefixLength + headerLength + ChecksumLength;
        foreach (NativeTensorEntry entry in header.Tensors!)
        {
            // Saturated, so forged lengths cannot overflow the sum, while the message still says what the header describes.
            long length = entry.Length < 0 ? throw Invalid(source, $"tensor {entry.Name} claims {entry.Length} bytes") : entry.Length;
            expected = expected > long.MaxValue - length ? long.MaxValue : expected + length;
        }

        return expected == fileLength ? null
            : expected > fileLength ? Invalid(source, $"it has {fileLength} bytes of the {expected} its header describes, so it is truncated", Restore)
            : Invalid(source, $"it has {fileLength} bytes, more than the {expected} its header describes, so it is damaged", Restore);
    }

    // The magic bytes, a length that holds at least the prefix and the checksum, and this build's version.
    private static void CheckPrefix(ReadOnlySpan<byte> prefix, long fileLength, string source)
    {
        if (!HasMagic(prefix))
        {
            throw Invalid(source, "it does not start with the ScratchNet model magic bytes; it is not a .snm model file");
        }

        if (fileLength < PrefixLength + ChecksumLength)
        {
            throw Invalid(source, $"it is {fileLength} bytes long, shorter than the smallest model file ({PrefixLength + ChecksumLength} bytes); it is truncated", Restore);
        }

        uint version = BinaryPrimitives.ReadUInt32LittleEndian(prefix[8..]);
        if (version != Version)
        {
            throw Invalid(source, $"it is format version {version}, and this build reads version {Version} only");
        }
    }

    // The header's length from the prefix, once it fits between the prefix and the checksum.
    private static int HeaderLength(ReadOnlySpan<byte> prefix, long fileLength, string source)
    {
        uint headerLength = BinaryPrimitives.ReadUInt32LittleEndian(prefix[12..]);
        long room = fileLength - PrefixLength - ChecksumLength;
        return headerLength > MaxHeaderLength || headerLength > room
            ? throw Invalid(source, $"its header claims {headerLength} bytes, but only {room} follow the prefix")
            : (int)headerLength;
    }

    private static NativeHeader ParseHeader(ReadOnlySpan<byte> json, string source)
    {
        NativeHeader? header;
        try
        {
            header = JsonSerializer.Deserialize<NativeHeader>(json, Json);
        }
        catch (JsonException e)
        {
            throw Invalid(source, $"its header is not valid JSON ({e.Message})");
        }

        if (header is null || header.Format != FormatName)
        {
            throw Invalid(source, $"its header's format is '{header?.Format}', expected '{FormatName}'");
        }

        if (header.Layers is null || header.Layers.Count == 0 || header.Tensors is null)
        {
            throw Invalid(source, "its header lists no layers or no tensors");
        }

        if (header.Layers.Any(l => l is null) || header.Tensors.Any(t => t is null || t.Name is null || t.Shape is null))
        {
            throw Invalid(source, "its header has an empty layer or tensor entry");
        }

        // JSON null is a valid value for a Dictionary<string, string>; the checks after this one compare the values.
        if (header.Configuration?.Values.Any(v => v is null) == true)
        {
            throw Invalid(source, "its header has a configuration value that is not a string");
        }

        if (header.DataHistory is { } history && DataHistoryEntry.Problem(history) is { } problem)
        {
            throw Invalid(source, problem);
        }

        return header;
    }

    // Every size is checked against the bytes actually present before anything is allocated, so a forged header
    // can never make the loader allocate more than the file holds.
    private static List<NamedTensor> ReadTensors(List<NativeTensorEntry> entries, ReadOnlySpan<byte> data, string source)
    {
        var tensors = new List<NamedTensor>(entries.Count);
        long expectedOffset = 0;
        foreach (NativeTensorEntry entry in entries)
        {
            long elements = 1;
            foreach (int dimension in entry.Shape)
            {
                // elements stays ≤ data.Length / 4 < 2^29, so the product never overflows a long.
                elements *= dimension;
                if (dimension <= 0 || elements > data.Length / 4)
                {
                    throw Invalid(source, $"tensor {entry.Name} has shape ({string.Join(", ", entry.Shape)}), which does not fit the {data.Length} data bytes");
                }
            }

            if (entry.Offset != expectedOffset || entry.Length != elements * 4 || entry.Offset + entry.Length > data.Length)
            {
                throw Invalid(source, $"tensor {entry.Name} claims bytes {entry.Offset}..{entry.Offset + entry.Length} for shape ({string.Join(", ", entry.Shape)}), but the data section holds {data.Length} bytes and the tensor should start at {expectedOffset} and take {elements * 4}");
            }

            var tensor = new NamedTensor(entry.Name, entry.Shape, Float32Bytes.FromBytes(data.Slice((int)entry.Offset, (int)entry.Length)));
            tensors.Add(tensor.NonFiniteProblem() is { } nonFinite ? throw Invalid(source, nonFinite) : tensor);
            expectedOffset += entry.Length;
        }

        if (expectedOffset != data.Length)
        {
            throw Invalid(source, $"its tensors take {expectedOffset} bytes, but its data section holds {data.Length}");
        }

        return tensors;
    }

    private static ModelFileException Invalid(string source, string problem, string? remedy = null) => new(source, $"is invalid: {problem}", remedy);
}
