using System.Buffers.Binary;

namespace ScratchNet.Models;

/// <summary>float32 ⇄ little-endian bytes, the tensor encoding of all three formats, whatever the machine's byte order.</summary>
internal static class Float32Bytes
{
    public static byte[] ToBytes(ReadOnlySpan<float> values)
    {
        var bytes = new byte[values.Length * 4];
        for (int i = 0; i < values.Length; i++)
        {
            BinaryPrimitives.WriteSingleLittleEndian(bytes.AsSpan(i * 4), values[i]);
        }

        return bytes;
    }

    /// <param name="bytes">Exactly 4 bytes per value; callers have checked the length against the file.</param>
    public static float[] FromBytes(ReadOnlySpan<byte> bytes)
    {
        var values = new float[bytes.Length / 4];
        for (int i = 0; i < values.Length; i++)
        {
            values[i] = BinaryPrimitives.ReadSingleLittleEndian(bytes[(i * 4)..]);
        }

        return values;
    }
}
