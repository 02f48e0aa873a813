using System.Buffers.Binary;
using System.Globalization;
using System.Text.Json;
using System.Text.Unicode;
using ScratchNet.Files;

namespace ScratchNet.Models.Safetensors;

/// <summary>
/// The safetensors format (huggingface/safetensors): an unsigned 64-bit little-endian header length N, N bytes of
/// UTF-8 JSON (<c>{"name": {"dtype": "F32", "shape": [...], "data_offsets": [begin, end]}, "__metadata__": {...}}</c>,
/// padded with spaces to a multiple of 8), then the tensors' bytes, little-endian, offsets relative to the data start.
/// Only F32 tensors are read or written, except that PyTorch's batch-norm counters (<c>*.num_batches_tracked</c>, I64
/// scalars, which <c>safetensors.torch.save_file(model.state_dict(), …)</c> writes) are accepted and skipped, so such a
/// file loads as it is.
/// </summary>
public static class SafetensorsFormat
{
    public const string MetadataKey = "__metadata__";

    public const string BatchCounterSuffix = ".num_batches_tracked";

    // The reference implementation refuses headers over 100 MB; so does this one.
    private const long MaxHeaderLength = 100_000_000;

    public static void Write(IReadOnlyList<NamedTensor> tensors, IReadOnlyDictionary<string, string> metadata, Stream destination)
    {
        ArgumentNullException.ThrowIfNull(tensors);
        ArgumentNullException.ThrowIfNull(metadata);
        ArgumentNullException.ThrowIfNull(destination);
        using var json = new MemoryStream();
        using (var writer = new Utf8JsonWriter(json))
        {
            writer.WriteStartObject();
            writer.WriteStartObject(MetadataKey);
            foreach ((string key, string value) in metadata.OrderBy(p => p.Key, StringComparer.Ordinal))
            {
                writer.WriteString(key, value);
            }

            writer.WriteEndObject();
            long offset = 0;
            foreach (NamedTensor tensor in tensors)
            {
                writer.WriteStartObject(tensor.Name);
                writer.WriteString("dtype", "F32");
                writer.WriteStartArray("shape");
                foreach (int dimension in tensor.Shape)
                {
                    writer.WriteNumberValue(dimension);
                }

                writer.WriteEndArray();
                writer.WriteStartArray("data_offsets");
                writer.WriteNumberValue(offset);
                offset += tensor.Data.Length * 4L;
                writer.WriteNumberValue(offset);
                writer.WriteEndArray();
                writer.WriteEndObject();
            }

            writer.WriteEndObject();
        }

        // Padding to 8 bytes keeps the data aligned for readers that map the file (the format allows trailing spaces).
        int padding = (int)((8 - (json.Length % 8)) % 8);
        for (int i = 0; i < padding; i++)
        {
            json.WriteByte((byte)' ');
        }

        Span<byte> length = stackalloc byte[8];
        BinaryPrimitives.WriteUInt64LittleEndian(length, (ulong)json.Length);
        destination.Write(length);
        json.Position = 0;
        json.CopyTo(destination);
        foreach (NamedTensor tensor in tensors)
        {
            destination.Write(Float32Bytes.ToBytes(tensor.Data));
        }
    }

    /// <summary>The <c>__metadata__</c> of a file, from its header alone: the tensors are not read.</summary>
    /// <param name="file">Positioned at the start of the file.</param>
    /// <exception cref="ModelFileException">The header is malformed.</exception>
    public static IReadOnlyDictionary<string, string> ReadMetadata(Stream file, string source)
    {
        ArgumentNullException.ThrowIfNull(file);
        Span<byte> length = stackalloc byte[8];
        if (file.ReadAtLeast(length, length.Length, throwOnEndOfStream: false) < length.Length)
        {
            throw Invalid(source, $"it is {file.Length} bytes long, too short for a safetensors header length");
        }

        ulong headerLength = BinaryPrimitives.ReadUInt64LittleEndian(length);
        if (headerLength > MaxHeaderLength || headerLength > (ulong)(file.Length - 8))
        {
            throw Invalid(source, $"its header claims {headerLength} bytes, but the file has {file.Length - 8} after the length");
        }

        byte[] header = new byte[headerLength];
        file.ReadExactly(header);
        var metadata = new Dictionary<string, string>(StringComparer.Ordinal);
        using JsonDocument document = Parse(header, source);
        if (document.RootElement.TryGetProperty(MetadataKey, out JsonElement element))
        {
            CopyMetadata(element, metadata, source);
        }

        return metadata;
    }

    /// <summary>Parses a whole file held in memory, trusting nothing in it.</summary>
    /// <param name="source">The file, for error messages.</param>
    /// <exception cref="ModelFileException">The header is malformed, a dtype is not F32, or offsets disagree with shapes or the file's length.</exception>
    public static (IReadOnlyList<NamedTensor> Tensors, IReadOnlyDictionary<string, string> Metadata) Read(ReadOnlySpan<byte> file, string source)
    {
        if (file.Length < 8)
        {
            throw Invalid(source, $"it is {file.Length} bytes long, too short for a safetensors header length");
        }

        ulong headerLength = BinaryPrimitives.ReadUInt64LittleEndian(file);
        if (headerLength > MaxHeaderLength || headerLength > (ulong)(file.Length - 8))
        {
            throw Invalid(source, $"its header claims {headerLength} bytes, but the file has {file.Length - 8} after the length");
        }

        ReadOnlySpan<byte> data = file[(8 + (int)headerLength)..];
        ReadOnlySpan<byte> header = file.Slice(8, (int)headerLength);

        using (JsonDocument document = Parse(header, source))
        {
            var metadata = new Dictionary<string, string>(StringComparer.Ordinal);
            var entries = new List<Entry>();
            foreach (JsonProperty property in document.RootElement.EnumerateObject())
            {
                if (property.Name == MetadataKey)
                {
                    CopyMetadata(property.Value, metadata, source);
                }
                else
                {
                    entries.Add(ReadEntry(property, source));
                }
            }

            return (ReadData(entries, data, source), metadata);
        }
    }

    // The header as a JSON object, trusting nothing in it.
    private static JsonDocument Parse(ReadOnlySpan<byte> header, string source)
    {
        // JsonDocument checks UTF-8 only when a string is read (an InvalidOperationException then), so check it here.
        if (!Utf8.IsValid(header))
        {
            throw Invalid(source, "its header is not valid UTF-8");
        }

        JsonDocument document;
        try
        {
            document = JsonDocument.Parse(header.ToArray(), new JsonDocumentOptions { MaxDepth = 8 });
        }
        catch (JsonException e)
        {
            throw Invalid(source, $"its header is not valid JSON ({e.Message})");
        }

        if (document.RootElement.ValueKind != JsonValueKind.Object)
        {
            document.Dispose();
            throw Invalid(source, "its header is not a JSON object");
        }

        return document;
    }

    private static void CopyMetadata(JsonElement element, Dictionary<string, string> metadata, string source)
    {
        if (element.ValueKind != JsonValueKind.Object)
        {
            throw Invalid(source, $"its {MetadataKey} is not an object");
        }

        foreach (JsonProperty entry in element.EnumerateObject())
        {
            metadata[entry.Name] = entry.Value.ValueKind == JsonValueKind.String
                ? entry.Value.GetString()!
                : throw Invalid(source, $"its metadata value {entry.Name} is not a string");
        }
    }

    /// <param name="Skipped">A PyTorch batch counter: its bytes are accounted for, but it is not returned.</param>
    private readonly record struct Entry(string Name, int[] Shape, long Begin, long End, bool Skipped);

    private static Entry ReadEntry(JsonProperty property, string source)
    {
        JsonElement value = property.Value;
        if (value.ValueKind != JsonValueKind.Object
            || !value.TryGetProperty("dtype", out JsonElement dtype) || dtype.ValueKind != JsonValueKind.String
            || !value.TryGetProperty("shape", out JsonElement shape) || shape.ValueKind != JsonValueKind.Array
            || !value.TryGetProperty("data_offsets", out JsonElement offsets) || offsets.ValueKind != JsonValueKind.Array || offsets.GetArrayLength() != 2)
        {
            throw Invalid(source, $"tensor {property.Name} lacks a dtype, a shape or two data_offsets");
        }

        bool counter = dtype.GetString() == "I64" && property.Name.EndsWith(BatchCounterSuffix, StringComparison.Ordinal) && shape.GetArrayLength() <= 1;
        if (dtype.GetString() != "F32" && !counter)
        {
            throw Invalid(source, $"tensor {property.Name} has dtype {dtype.GetString()}; ScratchNet reads F32 only (and skips PyTorch's I64 *{BatchCounterSuffix})");
        }

        var dimensions = new int[shape.GetArrayLength()];
        int d = 0;
        foreach (JsonElement dimension in shape.EnumerateArray())
        {
            dimensions[d++] = dimension.ValueKind == JsonValueKind.Number && dimension.TryGetInt32(out int size) && size >= 0
                ? size
                : throw Invalid(source, $"tensor {property.Name} has a shape entry that is not a non-negative 32-bit integer");
        }

        long[] bounds = new long[2];
        int b = 0;
        foreach (JsonElement bound in offsets.EnumerateArray())
        {
            bounds[b++] = bound.ValueKind == JsonValueKind.Number && bound.TryGetInt64(out long at) && at >= 0
                ? at
                : throw Invalid(source, $"tensor {property.Name} has a data offset that is not a non-negative integer");
        }

        return new Entry(property.Name, dimensions, bounds[0], bounds[1], counter);
    }

    // As the reference reader: tensors must tile the data section exactly, no gaps, no overlaps, nothing after.
    // Shapes are checked against their byte ranges, which are checked against the bytes present, before allocating.
    private static List<NamedTensor> ReadData(List<Entry> entries, ReadOnlySpan<byte> data, string source)
    {
        entries.Sort((a, b) => a.Begin.CompareTo(b.Begin));
        var tensors = new List<NamedTensor>(entries.Count);
        long expected = 0;
        foreach ((string name, int[] shape, long begin, long end, bool skipped) in entries)
        {
            int width = skipped ? 8 : 4;
            long elements = 1;
            foreach (int dimension in shape)
            {
                elements *= dimension;
                if (elements > data.Length / 4)
                {
                    throw Invalid(source, $"tensor {name} has shape ({string.Join(", ", shape)}), more than the {data.Length} data bytes hold");
                }
            }

            if (begin != expected || end < begin || end > data.Length || end - begin != elements * width)
            {
                throw Invalid(source, string.Create(CultureInfo.InvariantCulture, $"tensor {name} has data_offsets [{begin}, {end}] for shape ({string.Join(", ", shape)}), but it should start at {expected} and take {elements * width} of the {data.Length} data bytes"));
            }

            if (!skipped)
            {
                var tensor = new NamedTensor(name, shape, Float32Bytes.FromBytes(data.Slice((int)begin, (int)(end - begin))));
                tensors.Add(tensor.NonFiniteProblem() is { } nonFinite ? throw Invalid(source, nonFinite) : tensor);
            }

            expected = end;
        }

        if (expected != data.Length)
        {
            throw Invalid(source, $"its tensors cover {expected} bytes, but {data.Length} data bytes follow the header");
        }

        return tensors;
    }

    private static ModelFileException Invalid(string source, string problem) => ModelFileException.Safetensors(source, $"is invalid: {problem}");
}
