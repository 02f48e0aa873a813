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
        try
        {
            using FileStream file = Open(path);
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
        catch (InvalidDataException)
        {
            // The file can be read again to tell which part of the gzip stream is damaged.
            throw GzipDamage.Of(path, ShownName.Of(path));
        }
    }

    /// <summary>
    /// Only the header of an IDX file, raw or gzip (a few bytes inflated): what it declares, checked as <see cref="Read(string)"/>
    /// checks it, so that a pair of files can be checked against each other before either's data is read.
    /// </summary>
    public static IdxHeader ReadHeader(string path)
    {
        using FileStream file = Open(path);
        return ReadHeader(file, ShownName.Of(path));
    }

    /// <param name="stream">Raw or gzip IDX content, read from its current position.</param>
    /// <param name="name">The file name used in error messages.</param>
    public static IdxHeader ReadHeader(Stream stream, string name)
    {
        ArgumentNullException.ThrowIfNull(stream);
        ArgumentNullException.ThrowIfNull(name);
        using var content = GzipDetector.OpenContent(stream, out bool isGzip);
        try
        {
            return new IdxHeader(ReadDimensions(content, name, out _));
        }
        catch (InvalidDataException) when (isGzip)
        {
            // Where the header itself does not inflate, the compressed data is what is damaged.
            throw GzipDamage.Corrupt(name);
        }
    }

    private static FileStream Open(string path)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        FileKind kind = FileKinds.Of(path);
        if (kind is not (FileKind.Regular or FileKind.Unknown or FileKind.Missing))
        {
            // A pipe would block the open until something writes to it, and a device would be read forever.
            throw new InvalidDataFormatException($"{ShownName.Of(path)} {FileKinds.NotA(kind, "a regular file")}; put the IDX file itself there.");
        }

        return new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, bufferSize: 1 << 16, FileOptions.SequentialScan);
    }

    /// <param name="stream">Raw or gzip IDX content, read from its current position to its end.</param>
    /// <param name="name">The file name used in error messages.</param>
    public static IdxArray Read(Stream stream, string name)
    {
        ArgumentNullException.ThrowIfNull(stream);
        ArgumentNullException.ThrowIfNull(name);
        long? start = stream.CanSeek ? stream.Position : null;
        try
        {
            return Read(stream, name, stream.CanSeek ? stream.Length - stream.Position : null);
        }
        catch (InvalidDataException) when (start is long first)
        {
            stream.Position = first;
            throw GzipDamage.Of(stream, name);
        }
        catch (InvalidDataException)
        {
            throw GzipDamage.Unknown(name);
        }
    }

    // rawLength: the bytes left in the stream, where known, so a raw file's size is checked against its header up front.
    private static IdxArray Read(Stream stream, string name, long? rawLength)
    {
        using var content = GzipDetector.OpenContent(stream, out bool isGzip);
        return ReadContent(content, name, isGzip ? null : rawLength);
    }

    private static int[] ReadDimensions(Stream content, string name, out long headerLength)
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

        if (declared > Array.MaxLength)
        {
            throw new InvalidDataFormatException(
                $"{name} declares {string.Join(" x ", dimensions)} = {declared} bytes, more than one array can hold ({Array.MaxLength}); the header is damaged or forged.");
        }

        headerLength = 4 + (4L * rank);
        return dimensions;
    }

    private static IdxArray ReadContent(Stream content, string name, long? contentLength)
    {
        int[] dimensions = ReadDimensions(content, name, out long headerLength);
        string shape = string.Join(" x ", dimensions);
        int expected = (int)new IdxHeader(dimensions).DataBytes;
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

        // Reading one byte past the declared data stops a bomb there (a header of 600 images followed by gigabytes).
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
