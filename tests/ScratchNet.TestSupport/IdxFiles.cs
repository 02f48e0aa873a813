using System.Buffers.Binary;
using System.IO.Compression;
using System.Security.Cryptography;
using ScratchNet.Core.Random;

namespace ScratchNet.TestSupport;

/// <summary>Builds small synthetic IDX files so tests never need the real dataset.</summary>
public static class IdxFiles
{
    public static byte[] Build(int[] dimensions, byte[] data, byte type = 0x08) =>
        BuildHeader(type, dimensions).Concat(data).ToArray();

    public static byte[] BuildHeader(byte type, params int[] dimensions)
    {
        var header = new byte[4 + (4 * dimensions.Length)];
        header[2] = type;
        header[3] = (byte)dimensions.Length;
        for (int i = 0; i < dimensions.Length; i++)
        {
            BinaryPrimitives.WriteInt32BigEndian(header.AsSpan(4 + (4 * i)), dimensions[i]);
        }

        return header;
    }

    /// <summary>Random images (count, rows, cols) with a fixed seed.</summary>
    public static byte[] Images(int count, int rows, int cols, ulong seed)
    {
        var rng = new Xoshiro256(seed);
        var data = new byte[count * rows * cols];
        for (int i = 0; i < data.Length; i++)
        {
            data[i] = (byte)rng.NextInt(256);
        }

        return Build([count, rows, cols], data);
    }

    /// <summary>A label file's labels each moved on by one (9 to 0): a valid file of the same length with every label wrong.</summary>
    public static byte[] ShiftedLabels(byte[] labels)
    {
        byte[] shifted = (byte[])labels.Clone();
        for (int i = 8; i < shifted.Length; i++)
        {
            shifted[i] = (byte)((shifted[i] + 1) % 10);
        }

        return shifted;
    }

    public static byte[] Labels(int count, ulong seed, int classCount = 10)
    {
        var rng = new Xoshiro256(seed);
        var data = new byte[count];
        for (int i = 0; i < count; i++)
        {
            data[i] = (byte)rng.NextInt(classCount);
        }

        return Build([count], data);
    }

    public static byte[] Gzip(byte[] raw)
    {
        using var output = new MemoryStream();
        using (var gzip = new GZipStream(output, CompressionLevel.Fastest, leaveOpen: true))
        {
            gzip.Write(raw);
        }

        return output.ToArray();
    }

    public static string Sha256(byte[] content) => Convert.ToHexStringLower(SHA256.HashData(content));
}
