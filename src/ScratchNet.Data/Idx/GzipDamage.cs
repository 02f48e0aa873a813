using System.IO.Compression;

namespace ScratchNet.Data.Idx;

/// <summary>
/// What is damaged in a gzip file that .NET refused. Its GZipStream gives one message, "The archive entry was compressed
/// using an unsupported compression method", for a flipped bit in the data and for a checksum that does not match alike,
/// which sends a user looking for another compressor; the file is damaged, and the line says how.
/// </summary>
internal static class GzipDamage
{
    // The inflating that tells the two apart stops here: past it, which part is damaged is left unsaid.
    private const long MaxInflated = 1L << 30;

    private const byte HeaderCrcFlag = 0x02, ExtraFlag = 0x04, NameFlag = 0x08, CommentFlag = 0x10;

    public static InvalidDataFormatException Corrupt(string name) =>
        new($"{name} is damaged: its compressed data is corrupt, so it cannot be unpacked. Replace it with an intact copy.");

    public static InvalidDataFormatException Checksum(string name) =>
        new($"{name} is damaged: its gzip checksum does not match the data it holds. Replace it with an intact copy.");

    public static InvalidDataFormatException Unknown(string name) =>
        new($"{name} is damaged: its gzip data is corrupt or its checksum does not match. Replace it with an intact copy.");

    /// <summary>Reads the file again: where its deflate data inflates to its end, what failed was the trailer's CRC-32 or length.</summary>
    public static InvalidDataFormatException Of(string path, string name)
    {
        try
        {
            using var file = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, bufferSize: 1 << 16, FileOptions.SequentialScan);
            return Of(file, name);
        }
        catch (IOException)
        {
            return Unknown(name);
        }
    }

    /// <param name="stream">The gzip file from its first byte.</param>
    public static InvalidDataFormatException Of(Stream stream, string name)
    {
        bool? inflates = DeflateDataInflates(stream);
        return inflates switch
        {
            true => Checksum(name),
            false => Corrupt(name),
            null => Unknown(name),
        };
    }

    // Null where the header cannot be walked or the data runs past MaxInflated: then neither cause is certain.
    private static bool? DeflateDataInflates(Stream stream)
    {
        Span<byte> fixedHeader = stackalloc byte[10];
        if (stream.ReadAtLeast(fixedHeader, fixedHeader.Length, throwOnEndOfStream: false) < fixedHeader.Length || !GzipDetector.IsGzip(fixedHeader))
        {
            return null;
        }

        byte flags = fixedHeader[3];
        if ((flags & ExtraFlag) != 0)
        {
            Span<byte> length = stackalloc byte[2];
            if (stream.ReadAtLeast(length, 2, throwOnEndOfStream: false) < 2 || !Skip(stream, length[0] | (length[1] << 8)))
            {
                return null;
            }
        }

        foreach (byte zeroTerminated in new[] { NameFlag, CommentFlag })
        {
            if ((flags & zeroTerminated) != 0)
            {
                int b;
                while ((b = stream.ReadByte()) > 0)
                {
                }

                if (b < 0)
                {
                    return null;
                }
            }
        }

        if ((flags & HeaderCrcFlag) != 0 && !Skip(stream, 2))
        {
            return null;
        }

        try
        {
            using var deflate = new DeflateStream(stream, CompressionMode.Decompress, leaveOpen: true);
            var buffer = new byte[1 << 16];
            long total = 0;
            int read;
            while ((read = deflate.Read(buffer)) > 0)
            {
                total += read;
                if (total > MaxInflated)
                {
                    return null;
                }
            }

            return true;
        }
        catch (InvalidDataException)
        {
            return false;
        }
    }

    private static bool Skip(Stream stream, int count)
    {
        var skipped = new byte[count];
        return stream.ReadAtLeast(skipped, count, throwOnEndOfStream: false) == count;
    }
}
