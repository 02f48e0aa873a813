using System.Buffers.Binary;
using System.Globalization;
using SixLabors.ImageSharp.Formats;
using SixLabors.ImageSharp.Formats.Bmp;
using SixLabors.ImageSharp.Formats.Gif;
using SixLabors.ImageSharp.Formats.Jpeg;
using SixLabors.ImageSharp.Formats.Pbm;
using SixLabors.ImageSharp.Formats.Png;
using SixLabors.ImageSharp.Formats.Tga;
using SixLabors.ImageSharp.Formats.Tiff;

namespace ScratchNet.Data.Imaging;

/// <summary>
/// Says whether an encoded image holds all the bytes its own structure calls for. ImageSharp decodes the part of a
/// JPEG, BMP, GIF, TIFF, TGA or PBM that is present and fills the rest, so a download or copy cut short was read as a
/// picture (a TIFF cut to 60 % read 3 as 2 at p=0.9993); only PNG refused one, naming a missing data chunk. Each format's
/// structure is walked here (segments, chunks, blocks, strips, packets) far enough to know where its data ends; where a
/// file holds something this walk does not know, it says nothing and leaves the file to the decoder.
/// </summary>
internal static class ImageCompleteness
{
    /// <summary>Why <paramref name="bytes"/> end before the image does, or null when they hold all of it (or cannot tell).</summary>
    public static string? CutShort(ReadOnlySpan<byte> bytes, IImageFormat format) => format switch
    {
        PngFormat => Png(bytes),
        JpegFormat => Jpeg(bytes),
        BmpFormat => Bmp(bytes),
        GifFormat => Gif(bytes, out _),
        TiffFormat => Tiff(bytes, out _),
        TgaFormat => Tga(bytes),
        PbmFormat => Pbm(bytes),
        _ => null,
    };

    /// <summary>The most TIFF pages walked: a chain of directories longer than this (or one that loops) is left to the decoder.</summary>
    internal const int MaxPages = 4096;

    private static string Bytes(double n) => n.ToString("N0", CultureInfo.InvariantCulture);

    // "1 more byte", "4,096 more bytes".
    private static string MoreBytes(long n) => n == 1 ? "1 more byte" : $"{Bytes(n)} more bytes";

    // PNG's largest chunk length (2^31 - 1): beyond it a length is damage, not a chunk the file was cut inside.
    private const uint MaxPngChunk = int.MaxValue;

    // Chunks of length, type, data and CRC, up to IEND.
    private static string? Png(ReadOnlySpan<byte> bytes)
    {
        long at = 8;
        while (true)
        {
            if (at == bytes.Length)
            {
                return "the PNG ends before its IEND chunk";
            }

            if (bytes.Length - at < 8)
            {
                return "the PNG ends inside a chunk's header";
            }

            uint length = BinaryPrimitives.ReadUInt32BigEndian(bytes[(int)at..]);
            ReadOnlySpan<byte> typeBytes = bytes.Slice((int)at + 4, 4);

            // A chunk's type is four ASCII letters; anything else (printed as "????") is a damaged header, whose length
            // is as much the damage as its type.
            foreach (byte b in typeBytes)
            {
                if (!char.IsAsciiLetter((char)b))
                {
                    return $"the PNG has a damaged chunk header at byte {Bytes(at)} (its type is not four letters)";
                }
            }

            string type = System.Text.Encoding.ASCII.GetString(typeBytes);
            if (length > MaxPngChunk)
            {
                return $"the PNG's {type} chunk at byte {Bytes(at)} gives a length of {Bytes(length)} bytes, more than a PNG chunk may hold";
            }

            long end = at + 12 + length;
            if (end > bytes.Length)
            {
                return $"the PNG ends inside its {type} chunk, which needs {MoreBytes(end - bytes.Length)}";
            }

            if (type == "IEND")
            {
                return null;
            }

            at = end;
        }
    }

    /// <summary>Whether a PNG holds a chunk of this type before its image data (false where its chunks cannot be walked that far).</summary>
    public static bool PngHasChunk(ReadOnlySpan<byte> bytes, ReadOnlySpan<byte> type)
    {
        for (long at = 8; bytes.Length - at >= 8;)
        {
            ReadOnlySpan<byte> name = bytes.Slice((int)at + 4, 4);
            if (name.SequenceEqual(type))
            {
                return true;
            }

            if (name.SequenceEqual("IDAT"u8))
            {
                return false;
            }

            at += 12L + BinaryPrimitives.ReadUInt32BigEndian(bytes[(int)at..]);
        }

        return false;
    }

    // Marker segments up to the start of scan, then entropy-coded data up to the next marker, until the end-of-image
    // marker (a progressive JPEG has several scans, each with its tables before it).
    private static string? Jpeg(ReadOnlySpan<byte> bytes)
    {
        int at = 2;
        while (true)
        {
            // Fill bytes (0xFF) may pad a marker, and stray bytes between segments are skipped, as libjpeg does.
            while (at < bytes.Length && bytes[at] != 0xFF)
            {
                at++;
            }

            while (at < bytes.Length && bytes[at] == 0xFF)
            {
                at++;
            }

            if (at >= bytes.Length)
            {
                return "the JPEG ends before its end-of-image marker";
            }

            byte marker = bytes[at++];
            if (marker == 0xD9)
            {
                return null;
            }

            // Markers without a length: restart markers, TEM, and a stray SOI.
            if (marker is (>= 0xD0 and <= 0xD8) or 0x01)
            {
                continue;
            }

            if (bytes.Length - at < 2)
            {
                return "the JPEG ends inside a segment's header, before its end-of-image marker";
            }

            int length = BinaryPrimitives.ReadUInt16BigEndian(bytes[at..]);
            if ((long)at + length > bytes.Length)
            {
                return $"the JPEG ends inside a segment that needs {MoreBytes((long)at + length - bytes.Length)}, before its end-of-image marker";
            }

            at += length;
            if (marker != 0xDA)
            {
                continue;
            }

            // The scan's data: 0xFF is followed by 0x00 (a stuffed byte) or a restart marker inside it; any other marker ends it.
            while (true)
            {
                int ff = bytes[at..].IndexOf((byte)0xFF);
                if (ff < 0 || at + ff + 1 >= bytes.Length)
                {
                    return "the JPEG ends inside its image data, before its end-of-image marker";
                }

                at += ff + 1;
                byte next = bytes[at];
                if (next is not (0x00 or 0xFF) && next is not (>= 0xD0 and <= 0xD7))
                {
                    at--;
                    break;
                }
            }
        }
    }

    // The pixel array after the headers: rows padded to 4 bytes, or run-length packets up to their end-of-bitmap escape.
    private static string? Bmp(ReadOnlySpan<byte> bytes)
    {
        if (bytes.Length < 26)
        {
            return "the BMP ends inside its headers";
        }

        long pixels = BinaryPrimitives.ReadUInt32LittleEndian(bytes[10..]);
        uint header = BinaryPrimitives.ReadUInt32LittleEndian(bytes[14..]);
        long width, height;
        int bitsPerPixel;
        uint compression = 0;
        if (header == 12)
        {
            (width, height, bitsPerPixel) = (BinaryPrimitives.ReadUInt16LittleEndian(bytes[18..]), BinaryPrimitives.ReadUInt16LittleEndian(bytes[20..]), BinaryPrimitives.ReadUInt16LittleEndian(bytes[24..]));
        }
        else if (header >= 16 && bytes.Length >= 14 + Math.Min(header, 40))
        {
            width = Math.Abs((long)BinaryPrimitives.ReadInt32LittleEndian(bytes[18..]));
            height = Math.Abs((long)BinaryPrimitives.ReadInt32LittleEndian(bytes[22..]));
            bitsPerPixel = BinaryPrimitives.ReadUInt16LittleEndian(bytes[28..]);
            compression = header >= 20 ? BinaryPrimitives.ReadUInt32LittleEndian(bytes[30..]) : 0;
        }
        else
        {
            return header >= 16 ? "the BMP ends inside its headers" : null;
        }

        if (pixels > bytes.Length)
        {
            return $"the BMP ends before its pixels, which start at byte {Bytes(pixels)} of its {Bytes(bytes.Length)}";
        }

        switch (compression)
        {
            // Plain rows (BI_RGB, BI_BITFIELDS, BI_ALPHABITFIELDS).
            case 0 or 3 or 6:
                // In double: a forged header's width and height overflow a long, and any such size is past the end.
                double need = pixels + (Math.Floor(((bitsPerPixel * (double)width) + 31) / 32) * 4 * height);
                return need > bytes.Length ? $"the BMP's pixels end at byte {Bytes(need)}, and the file holds {Bytes(bytes.Length)}" : null;

            // RLE8 and RLE4: pairs of (count, value); a count of 0 escapes: 0 end of line, 1 end of bitmap, 2 a move,
            // and n ≥ 3 that many literal pixels, padded to an even number of bytes.
            case 1 or 2:
                long at = pixels;
                while (at + 2 <= bytes.Length)
                {
                    (byte count, byte value) = (bytes[(int)at], bytes[(int)at + 1]);
                    at += 2;
                    if (count != 0 || value == 0)
                    {
                        continue;
                    }

                    if (value == 1)
                    {
                        return null;
                    }

                    long literal = value == 2 ? 2 : compression == 1 ? value : (value + 1) / 2;
                    at += value == 2 ? 2 : literal + (literal & 1);
                }

                return "the BMP ends inside its run-length data, before its end-of-bitmap mark";

            default:
                return null;
        }
    }

    // Blocks after the screen descriptor and its colour table: extensions and images, each ending in an empty
    // sub-block, up to the trailer (0x3B). The images walked over are counted for ImageFrames.
    internal static string? Gif(ReadOnlySpan<byte> bytes, out int images)
    {
        images = 0;
        if (bytes.Length < 13)
        {
            return "the GIF ends inside its header";
        }

        long at = 13 + ColourTable(bytes[10]);
        while (true)
        {
            if (at >= bytes.Length)
            {
                return "the GIF ends before its trailer";
            }

            switch (bytes[(int)at])
            {
                case 0x3B:
                    return null;
                case 0x21:
                    at = SubBlocks(bytes, at + 2);
                    if (at < 0)
                    {
                        return "the GIF ends inside an extension block";
                    }

                    break;
                case 0x2C:
                    images++;
                    if (at + 10 > bytes.Length)
                    {
                        return "the GIF ends inside an image's descriptor";
                    }

                    // The descriptor, a local colour table, the LZW code size, then the image's data.
                    at = SubBlocks(bytes, at + 10 + ColourTable(bytes[(int)at + 9]) + 1);
                    if (at < 0)
                    {
                        return "the GIF ends inside an image's data";
                    }

                    break;
                default:
                    return null;
            }
        }
    }

    private static long ColourTable(byte packed) => (packed & 0x80) == 0 ? 0 : 3L << ((packed & 7) + 1);

    // Where the sub-blocks starting at `at` end (after the empty one), or -1 when the bytes end first.
    private static long SubBlocks(ReadOnlySpan<byte> bytes, long at)
    {
        while (at < bytes.Length)
        {
            byte size = bytes[(int)at];
            at += 1 + size;
            if (size == 0)
            {
                return at;
            }
        }

        return -1;
    }

    // Every image file directory (the chain of pages) and the strips or tiles each one points to. The directories walked
    // over are counted for ImageFrames.
    internal static string? Tiff(ReadOnlySpan<byte> bytes, out int pages)
    {
        pages = 0;
        if (bytes.Length < 8)
        {
            return "the TIFF ends inside its header";
        }

        bool little = bytes[0] == (byte)'I';
        bool big = Read(bytes, 2, 2, little) == 43;
        long directory = big ? (bytes.Length < 16 ? -1 : Read(bytes, 8, 8, little)) : Read(bytes, 4, 4, little);
        var seen = new HashSet<long>();
        for (int page = 1; directory != 0; page++)
        {
            if (!seen.Add(directory) || seen.Count > MaxPages)
            {
                return null;
            }

            pages = page;
            int countSize = big ? 8 : 2, entrySize = big ? 20 : 12, offsetSize = big ? 8 : 4;
            if (directory < 0 || directory > bytes.Length - countSize)
            {
                return $"the TIFF ends before its page {page}'s directory";
            }

            long entries = Read(bytes, directory, countSize, little);
            long next = directory + countSize + (Math.Min(entries, bytes.Length) * entrySize);
            if (entries > bytes.Length || next > bytes.Length - offsetSize)
            {
                return $"the TIFF ends inside its page {page}'s directory";
            }

            (long At, int Size, long Count)? offsets = null, counts = null;
            for (long e = 0; e < entries; e++)
            {
                long entry = directory + countSize + (e * entrySize);
                int tag = (int)Read(bytes, entry, 2, little);
                if (tag is 273 or 279 or 324 or 325)
                {
                    if (Values(bytes, entry, big, little) is not { } values)
                    {
                        return $"the TIFF ends inside its page {page}'s list of image data";
                    }

                    if (tag is 273 or 324)
                    {
                        offsets = values;
                    }
                    else
                    {
                        counts = values;
                    }
                }
            }

            if (offsets is { } o && counts is { } c)
            {
                for (long i = 0; i < Math.Min(o.Count, c.Count); i++)
                {
                    long offset = Read(bytes, o.At + (i * o.Size), o.Size, little), count = Read(bytes, c.At + (i * c.Size), c.Size, little);
                    if (offset > bytes.Length - count)
                    {
                        return $"the TIFF's page {page} has image data up to byte {Bytes((double)offset + count)}, and the file holds {Bytes(bytes.Length)}";
                    }
                }
            }

            directory = Read(bytes, next, offsetSize, little);
        }

        return null;
    }

    // Where a SHORT, LONG or LONG8 entry's values lie (in the entry, or where its offset points), their size and count; no
    // values for another type; null when they lie past the end.
    private static (long At, int Size, long Count)? Values(ReadOnlySpan<byte> bytes, long entry, bool big, bool little)
    {
        int type = (int)Read(bytes, entry + 2, 2, little);
        long count = Read(bytes, entry + 4, big ? 8 : 4, little);
        int size = type switch { 3 => 2, 4 => 4, 16 => 8, _ => 0 };
        if (size == 0)
        {
            return (0, 1, 0);
        }

        if (count > bytes.Length)
        {
            return null;
        }

        long inline = big ? 8 : 4;
        long valueField = entry + (big ? 12 : 8);
        long at = count * size <= inline ? valueField : Read(bytes, valueField, (int)inline, little);
        return at < 0 || at > bytes.Length - (count * size) ? null : (at, size, count);
    }

    private static long Read(ReadOnlySpan<byte> bytes, long at, int size, bool little)
    {
        ReadOnlySpan<byte> b = bytes.Slice((int)at, size);
        return size switch
        {
            2 => little ? BinaryPrimitives.ReadUInt16LittleEndian(b) : BinaryPrimitives.ReadUInt16BigEndian(b),
            4 => little ? BinaryPrimitives.ReadUInt32LittleEndian(b) : BinaryPrimitives.ReadUInt32BigEndian(b),
            _ => (long)Math.Min(long.MaxValue, little ? BinaryPrimitives.ReadUInt64LittleEndian(b) : BinaryPrimitives.ReadUInt64BigEndian(b)),
        };
    }

    // An 18-byte header, an ID, a colour map, then the pixels: plain, or run-length packets of one repeated or n literal pixels.
    private static string? Tga(ReadOnlySpan<byte> bytes)
    {
        if (bytes.Length < 18)
        {
            return "the TGA ends inside its header";
        }

        int type = bytes[2];
        long width = BinaryPrimitives.ReadUInt16LittleEndian(bytes[12..]), height = BinaryPrimitives.ReadUInt16LittleEndian(bytes[14..]);
        int pixelBytes = (bytes[16] + 7) / 8;
        long at = 18 + bytes[0] + (bytes[1] == 1 ? BinaryPrimitives.ReadUInt16LittleEndian(bytes[5..]) * ((bytes[7] + 7L) / 8) : 0);
        long pixels = width * height;
        if (type is 1 or 2 or 3)
        {
            long need = at + (pixels * pixelBytes);
            return need > bytes.Length ? $"the TGA's pixels end at byte {Bytes(need)}, and the file holds {Bytes(bytes.Length)}" : null;
        }

        if (type is not (9 or 10 or 11))
        {
            return null;
        }

        while (pixels > 0)
        {
            if (at >= bytes.Length)
            {
                return "the TGA ends inside its run-length data";
            }

            byte packet = bytes[(int)at];
            int run = (packet & 0x7F) + 1;
            at += 1 + ((packet & 0x80) != 0 ? pixelBytes : (long)run * pixelBytes);
            pixels -= run;
        }

        return at > bytes.Length ? "the TGA ends inside its run-length data" : null;
    }

    // "P1".."P6", width, height and (but for bitmaps) the largest value in text, then the samples: binary after one
    // white-space character, or numbers in text.
    private static string? Pbm(ReadOnlySpan<byte> bytes)
    {
        if (bytes.Length < 2 || bytes[0] != (byte)'P' || bytes[1] is < (byte)'1' or > (byte)'6')
        {
            return null;
        }

        int kind = bytes[1] - '0';
        int at = 2;
        long[] header = new long[kind is 1 or 4 ? 2 : 3];
        for (int i = 0; i < header.Length; i++)
        {
            if (Number(bytes, ref at) is not { } value)
            {
                return "the PBM/PGM/PPM ends inside its header";
            }

            header[i] = value;
        }

        double samples = (double)header[0] * header[1] * (kind is 3 or 6 ? 3 : 1);
        if (kind >= 4)
        {
            double need = at + 1 + (kind == 4 ? (header[0] + 7) / 8 * (double)header[1] : samples * (header[2] > 255 ? 2 : 1));
            return need > bytes.Length ? $"the file's pixels end at byte {Bytes(need)}, and it holds {Bytes(bytes.Length)}" : null;
        }

        for (long s = 0; s < samples; s++)
        {
            // A plain bitmap may write its 0s and 1s without spaces between them.
            if ((kind == 1 ? Bit(bytes, ref at) : Number(bytes, ref at)) is null)
            {
                return $"the file ends after {Bytes(s)} of its {Bytes(samples)} values";
            }
        }

        return null;
    }

    private static long? Number(ReadOnlySpan<byte> bytes, ref int at)
    {
        SkipSpace(bytes, ref at);
        long value = 0;
        int start = at;
        while (at < bytes.Length && bytes[at] is >= (byte)'0' and <= (byte)'9' && value < int.MaxValue)
        {
            value = (value * 10) + (bytes[at++] - '0');
        }

        return at > start ? value : null;
    }

    private static long? Bit(ReadOnlySpan<byte> bytes, ref int at)
    {
        SkipSpace(bytes, ref at);
        return at < bytes.Length && bytes[at] is (byte)'0' or (byte)'1' ? bytes[at++] - '0' : null;
    }

    private static void SkipSpace(ReadOnlySpan<byte> bytes, ref int at)
    {
        while (at < bytes.Length)
        {
            if (bytes[at] == (byte)'#')
            {
                while (at < bytes.Length && bytes[at] != (byte)'\n')
                {
                    at++;
                }
            }
            else if (bytes[at] is (byte)' ' or (byte)'\t' or (byte)'\r' or (byte)'\n' or (byte)'\v' or (byte)'\f')
            {
                at++;
            }
            else
            {
                return;
            }
        }
    }
}
