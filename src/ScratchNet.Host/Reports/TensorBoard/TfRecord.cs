using System.Buffers.Binary;
using System.IO.Hashing;

namespace ScratchNet.Host.Reports.TensorBoard;

/// <summary>
/// TensorFlow's record framing, which TensorBoard's event files are made of. Each record is
/// <code>
/// uint64 length · uint32 masked_crc32c(length) · byte data[length] · uint32 masked_crc32c(data)
/// </code>
/// integers little-endian, CRC-32C (Castagnoli) masked as <c>((crc &gt;&gt; 15) | (crc &lt;&lt; 17)) + 0xa282ead8</c>.
/// </summary>
public static class TfRecord
{
    public const int HeaderBytes = 12;

    public const int FooterBytes = 4;

    private const uint MaskDelta = 0xa282ead8;

    /// <summary>Appends one record holding <paramref name="data"/>.</summary>
    public static void Write(Stream stream, ReadOnlySpan<byte> data)
    {
        ArgumentNullException.ThrowIfNull(stream);
        Span<byte> header = stackalloc byte[HeaderBytes];
        BinaryPrimitives.WriteUInt64LittleEndian(header, (ulong)data.Length);
        BinaryPrimitives.WriteUInt32LittleEndian(header[8..], MaskedCrc32C(header[..8]));
        Span<byte> footer = stackalloc byte[FooterBytes];
        BinaryPrimitives.WriteUInt32LittleEndian(footer, MaskedCrc32C(data));
        stream.Write(header);
        stream.Write(data);
        stream.Write(footer);
    }

    /// <summary>CRC-32C (Castagnoli polynomial 0x1EDC6F41, reflected; the checksum iSCSI uses, RFC 3720).</summary>
    public static uint Crc32C(ReadOnlySpan<byte> bytes) => Crc32.HashToUInt32(Crc32ParameterSet.Crc32C, bytes);

    /// <summary>
    /// The CRC as stored: rotated and offset, because the CRC of a string that itself contains CRCs is
    /// problematic (TensorFlow's lib/hash/crc32c.h says so, and masks every CRC it writes this way).
    /// </summary>
    public static uint MaskedCrc32C(ReadOnlySpan<byte> bytes) => Mask(Crc32C(bytes));

    public static uint Mask(uint crc) => unchecked(((crc >> 15) | (crc << 17)) + MaskDelta);
}
