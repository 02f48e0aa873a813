using System.Buffers.Binary;
using System.Security.Cryptography;
using ScratchNet.Files;

namespace ScratchNet.Data.Idx;

/// <summary>
/// Reads unsigned-byte IDX files (LeCun's MNIST format), raw or gzip-compressed. Every check names the
/// file and the numbers involved, because a damaged download is the usual cause and the fix is to fetch again.
/// </summary>
public static class IdxReader
{
    public const byte UnsignedByteType = 0x08;

    public const int MaxDimensions = 4;

    // A forged header may declare gigabytes; compressed input is read in growing chunks so memory tracks
    // what the stream really delivers (at most twice it) rather than what the header claims.
    private const int InitialChunkBytes = 1 << 20;

    public static IdxArray Read(string path) => Read(path, contentHash: null);

    /// <param name="path">The IDX file, raw or gzip.</param>
    /// <param name="contentHash">
    /// When given, receives every byte of the file as it is read (the file as stored, compressed or not), including any
    /// the parse leaves unread, so the caller can check the file's hash without reading it a second time.
    /// </param>
    public static IdxArray Read(string path, IncrementalHash? contentHash)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        FileKind kind = FileKinds.Of(path);
        if (kind is not (FileKind.Regular or FileKind.Unknown or FileKind.Missing))
        {
            // A pipe would block the open until something writes to it, and a device would be read forever.
            throw new InvalidDataFormatException($"{ShownName.Of(path)} {FileKinds.NotA(kind, "a regular file")}; put the IDX file itself there.");
        }

        using var file = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, bufferSize: 1 << 16, FileOptions.SequentialScan);
        if (contentHash is null)
        {
            // The name only goes into messages: shown as every line for a person shows it.
            return Read(file, ShownName.Of(path));
        }

        using var hashing = new HashingStream(file, contentHash);
        IdxArray array = Read(hashing, ShownName.Of(path), rawLength: file.Length);
        hashing.HashRest();
        return array;
    }

    /// <param name="stream">Raw or gzip IDX content, read from its current position to its end.</param>
    /// <param name="name">The file name used in error messages.</param>
    public static IdxArray Read(Stream stream, string name)
    {
        ArgumentNullException.ThrowIfNull(stream);
        ArgumentNullException.ThrowIfNull(name);
        return Read(stream, name, stream.CanSeek ? stream.Length - stream.Position : null);
    }

    // rawLength: the bytes left in the stream, where known, so a raw file's size is checked against its header up front.
    private static IdxArray Read(Stream stream, string name, long? rawLength)
    {
        using var content = GzipDetector.OpenContent(stream, out bool isGzip);
        try
        {
            return ReadContent(content, name, isGzip ? null : rawLength);
        }
        catch (InvalidDataException ex)
        {
            throw new InvalidDataFormatException($"{name} is not a valid gzip stream ({ex.Message}). Replace it with an intact copy.");
        }
    }

    private static IdxArray ReadContent(Stream content, string name, long? contentLength)
    {
        Span<byte> header = stackalloc byte[4 + (4 * MaxDimensions)];
        ReadHeaderBytes(content, header[..4], name);
        if (header[0] != 0 || header[1] != 0)
        {
            throw new InvalidDataFormatException(
                $"{name} is not an IDX file: it starts 0x{header[0]:X2} 0x{header[1]:X2}, an IDX file starts 0x00 0x00.");
        }

        byte type = header[2];
        if (type != UnsignedByteType)
        {
            throw new InvalidDataFormatException(
                $"{name} holds IDX element type 0x{type:X2} ({TypeName(type)}); ScratchNet reads only 0x08 (unsigned byte).");
        }

        int rank = header[3];
        if (rank is < 1 or > MaxDimensions)
        {
            throw new InvalidDataFormatException($"{name} declares {rank} dimensions; an IDX file here has 1 to {MaxDimensions}.");
        }

        ReadHeaderBytes(content, header.Slice(4, 4 * rank), name);
        var dimensions = new int[rank];
        Int128 declared = 1;
        for (int i = 0; i < rank; i++)
        {
            dimensions[i] = BinaryPrimitives.ReadInt32BigEndian(header.Slice(4 + (4 * i), 4));
            if (dimensions[i] <= 0)
            {
                throw new InvalidDataFormatException($"{name} declares dimension {i} as {dimensions[i]}; every dimension must be positive.");
            }

            declared *= dimensions[i];
        }

        string shape = string.Join(" x ", dimensions);
        if (declared > Array.MaxLength)
        {
            throw new InvalidDataFormatException(
                $"{name} declares {shape} = {declared} bytes, more than one array can hold ({Array.MaxLength}); the header is damaged or forged.");
        }

        int expected = (int)declared;
        long headerLength = 4 + (4L * rank);
        if (contentLength is long length)
        {
            long available = length - headerLength;
            if (available != expected)
            {
                throw LengthMismatch(name, shape, expected, available);
            }
        }

        byte[] data = contentLength is null ? ReadGrowing(content, expected) : ReadExact(content, expected);
        if (data.Length != expected)
        {
            throw LengthMismatch(name, shape, expected, data.Length);
        }

        if (content.ReadByte() >= 0)
        {
            throw new InvalidDataFormatException(
                $"{name} holds more data than its header declares ({shape} = {expected} bytes); the file is damaged. Replace it with an intact copy.");
        }

        return new IdxArray(dimensions, data);
    }

    private static InvalidDataFormatException LengthMismatch(string name, string shape, int expected, long actual) =>
        new(actual < expected
            ? $"{name} is truncated: its header declares {shape} = {expected} bytes of data, but only {actual} follow. Replace it with an intact copy."
            : $"{name} has {actual} bytes of data, but its header declares {shape} = {expected}. Replace it with an intact copy.");

    private static void ReadHeaderBytes(Stream content, Span<byte> destination, string name)
    {
        int read = content.ReadAtLeast(destination, destination.Length, throwOnEndOfStream: false);
        if (read < destination.Length)
        {
            throw new InvalidDataFormatException($"{name} is truncated inside its IDX header; the file is damaged or empty. Replace it with an intact copy.");
        }
    }

    private static byte[] ReadExact(Stream content, int expected)
    {
        var data = new byte[expected];
        int read = content.ReadAtLeast(data, expected, throwOnEndOfStream: false);
        return read == expected ? data : data[..read];
    }

    private static byte[] ReadGrowing(Stream content, int expected)
    {
        var buffer = new byte[Math.Min(expected, InitialChunkBytes)];
        int filled = 0;
        while (filled < expected)
        {
            if (filled == buffer.Length)
            {
                Array.Resize(ref buffer, (int)Math.Min(expected, 2L * buffer.Length));
            }

            int read = content.Read(buffer.AsSpan(filled));
            if (read == 0)
            {
                break;
            }

            filled += read;
        }

        return filled == buffer.Length ? buffer : buffer[..filled];
    }

    private static string TypeName(byte type) => type switch
    {
        0x09 => "signed byte",
        0x0B => "int16",
        0x0C => "int32",
        0x0D => "float32",
        0x0E => "float64",
        _ => "not an IDX type",
    };
}
