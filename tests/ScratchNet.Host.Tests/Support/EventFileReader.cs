using System.Buffers.Binary;
using ScratchNet.Host.Reports.TensorBoard;

namespace ScratchNet.Host.Tests.Support;

/// <summary>
/// Reads a TensorBoard event file back per the TFRecord format, checking both CRCs of every record with its own
/// CRC-32C (bit by bit, not the writer's) and its own unmasking, then parses each record as an Event.
/// </summary>
internal static class EventFileReader
{
    private const uint MaskDelta = 0xa282ead8;

    public static List<Event> Read(string path)
    {
        byte[] file = File.ReadAllBytes(path);
        var events = new List<Event>();
        int at = 0;
        while (at < file.Length)
        {
            Require(file.Length - at >= 12, $"a record header at byte {at} is cut short");
            ulong length = BinaryPrimitives.ReadUInt64LittleEndian(file.AsSpan(at));
            Require(Unmask(BinaryPrimitives.ReadUInt32LittleEndian(file.AsSpan(at + 8))) == Crc32C(file.AsSpan(at, 8)), $"the length CRC at byte {at} is wrong");
            Require(length <= (ulong)(file.Length - at - 16), $"the record at byte {at} claims {length} bytes, more than the file holds");
            ReadOnlySpan<byte> data = file.AsSpan(at + 12, (int)length);
            Require(Unmask(BinaryPrimitives.ReadUInt32LittleEndian(file.AsSpan(at + 12 + (int)length))) == Crc32C(data), $"the data CRC of the record at byte {at} is wrong");
            events.Add(Event.Parser.ParseFrom(data));
            at += 16 + (int)length;
        }

        return events;
    }

    /// <summary>CRC-32C one bit at a time: reflected Castagnoli polynomial 0x82F63B78, initial and final value all ones.</summary>
    public static uint Crc32C(ReadOnlySpan<byte> bytes)
    {
        uint crc = 0xFFFFFFFF;
        foreach (byte b in bytes)
        {
            crc ^= b;
            for (int bit = 0; bit < 8; bit++)
            {
                crc = (crc & 1) != 0 ? (crc >> 1) ^ 0x82F63B78 : crc >> 1;
            }
        }

        return ~crc;
    }

    /// <summary>The inverse of TFRecord's mask: subtract the delta, then rotate left by 15.</summary>
    public static uint Unmask(uint masked)
    {
        uint rotated = unchecked(masked - MaskDelta);
        return (rotated << 15) | (rotated >> 17);
    }

    private static void Require(bool condition, string problem)
    {
        if (!condition)
        {
            throw new InvalidDataException(problem);
        }
    }
}
