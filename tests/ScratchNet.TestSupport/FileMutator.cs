using System.Buffers.Binary;
using System.Text;
using System.Text.RegularExpressions;
using ScratchNet.Core.Random;

namespace ScratchNet.TestSupport;

/// <summary>Where a binary format keeps its header length and header, and how to recompute its checksum.</summary>
/// <param name="LengthOffset">Byte offset of the little-endian header (or payload) length.</param>
/// <param name="LengthWidth">4 or 8 bytes.</param>
/// <param name="HeaderStart">Byte offset where the header (or payload) begins.</param>
/// <param name="JsonHeader">True when the header is JSON text, so token edits make sense.</param>
/// <param name="Reseal">Rewrites the checksum over the damaged bytes, so the damage reaches the parser; null when the format has none.</param>
public sealed record FileLayout(int LengthOffset, int LengthWidth, int HeaderStart, bool JsonHeader, Func<byte[], byte[]>? Reseal);

/// <summary>
/// Derives damaged inputs from a valid file: bit flips, byte sets, truncations, insertions, chunk drops, forged header
/// lengths, JSON token edits (huge, negative, overflowing and non-numeric values) and forged 32-bit counts, with the
/// header length kept consistent after an edit and, half the time, the checksum recomputed.
/// </summary>
public static partial class FileMutator
{
    private static readonly string[] Numbers =
    [
        "0", "-1", "1", "3", "-0", "0.5", "1E2", "1e308", "1e400", "46341", "65536", "268435456", "1073741824",
        "2147483647", "2147483648", "-2147483648", "4294967295", "4294967296", "9223372036854775807",
        "9223372036854775808", "-9223372036854775808", "18446744073709551615", "99999999999999999999999",
    ];

    private static readonly string[] Tokens =
    [
        "null", "true", "[]", "{}", "\"\"", "\"x\"", "[1,2]", "[-1]", "[2147483647,2147483647]", "{\"a\":1}",
        "\"F64\"", "\"dense\"", "\"activation\"", "\"relu\"", "\"Model:LayerSizes\"", "[[[[[[[[[[[[[[[[[[[[1]]]]]]]]]]]]]]]]]]]",
        "\"conv\"", "\"maxpool\"", "\"batchnorm\"", "\"flatten\"", "\"conv 65536 3x3 pad 1\"", "\"maxpool 65536 stride 1\"", "\"dense 2147483647\"",
        "\"dropout 0.5\"", "\"conv0: conv 2 3x3; flatten0: flatten\"", "\"1,65536,65536\"", "\"x: dense 2\"",
    ];

    private static readonly int[] Counts = [0, -1, 1, 2, 255, 65_536, 1 << 24, 1 << 29, int.MaxValue, int.MinValue, 0x4000_0000];

    /// <summary>One to three stacked mutations of <paramref name="input"/>, then (half the time) a recomputed checksum.</summary>
    public static byte[] Mutate(byte[] input, FileLayout layout, Xoshiro256 rng)
    {
        byte[] bytes = input;
        int rounds = 1 + rng.NextInt(3);
        for (int r = 0; r < rounds; r++)
        {
            bytes = rng.NextInt(10) switch
            {
                0 => ByteMutations.FlipBits(bytes, HotBytes(bytes, layout), rng),
                1 => ByteMutations.SetBytes(bytes, HotBytes(bytes, layout), rng),
                2 => ByteMutations.Truncate(bytes, rng),
                3 => ByteMutations.Insert(bytes, rng),
                4 => ByteMutations.DropChunk(bytes, rng),
                5 => ForgeLength(bytes, layout, rng),
                6 or 7 when layout.JsonHeader => EditHeader(bytes, layout, rng, json => ReplaceMatch(NumberPattern(), json, Numbers[rng.NextInt(Numbers.Length)], rng)),
                8 when layout.JsonHeader => EditHeader(bytes, layout, rng, json => ReplaceMatch(TokenPattern(), json, Tokens[rng.NextInt(Tokens.Length)], rng)),
                _ => ForgeCount(bytes, layout, rng),
            };
        }

        return layout.Reseal is { } reseal && rng.NextInt(2) == 0 ? reseal(bytes) : bytes;
    }

    // The prefix and header (its first 4 KiB), where the reader makes its decisions.
    private static int HotBytes(byte[] bytes, FileLayout layout) =>
        (int)Math.Min(bytes.Length, layout.HeaderStart + Math.Min(HeaderLength(bytes, layout), 4096));

    private static long HeaderLength(byte[] bytes, FileLayout layout) =>
        bytes.Length < layout.LengthOffset + layout.LengthWidth ? 0
        : layout.LengthWidth == 4 ? BinaryPrimitives.ReadUInt32LittleEndian(bytes.AsSpan(layout.LengthOffset))
        : (long)Math.Min(BinaryPrimitives.ReadUInt64LittleEndian(bytes.AsSpan(layout.LengthOffset)), long.MaxValue);

    private static void WriteLength(byte[] bytes, FileLayout layout, ulong value)
    {
        if (layout.LengthWidth == 4)
        {
            BinaryPrimitives.WriteUInt32LittleEndian(bytes.AsSpan(layout.LengthOffset), (uint)value);
        }
        else
        {
            BinaryPrimitives.WriteUInt64LittleEndian(bytes.AsSpan(layout.LengthOffset), value);
        }
    }

    private static byte[] ForgeLength(byte[] input, FileLayout layout, Xoshiro256 rng)
    {
        byte[] bytes = [.. input];
        if (bytes.Length < layout.LengthOffset + layout.LengthWidth)
        {
            return bytes;
        }

        long current = HeaderLength(bytes, layout);
        ulong[] choices = [0, 1, (ulong)(current - 1), (ulong)(current + 1), (ulong)(current + 8), (ulong)bytes.Length, (ulong)(bytes.Length - layout.HeaderStart), 100_000_000, 100_000_001, int.MaxValue, uint.MaxValue, long.MaxValue, ulong.MaxValue, unchecked((ulong)int.MinValue)];
        WriteLength(bytes, layout, rng.NextInt(4) == 0 ? rng.NextUInt64() : choices[rng.NextInt(choices.Length)]);
        return bytes;
    }

    /// <summary>Writes a forged 32-bit count or size where the header (or binary payload) keeps its fields.</summary>
    private static byte[] ForgeCount(byte[] input, FileLayout layout, Xoshiro256 rng)
    {
        byte[] bytes = [.. input];
        if (bytes.Length < 4)
        {
            return bytes;
        }

        int at = Math.Min(ByteMutations.At(bytes, HotBytes(bytes, layout), rng), bytes.Length - 4);
        BinaryPrimitives.WriteInt32LittleEndian(bytes.AsSpan(at), Counts[rng.NextInt(Counts.Length)]);
        return bytes;
    }

    /// <summary>Edits the header text and rewrites the header length to match, so the edit reaches the JSON parser.</summary>
    private static byte[] EditHeader(byte[] input, FileLayout layout, Xoshiro256 rng, Func<string, string> edit)
    {
        long length = HeaderLength(input, layout);
        if (length <= 0 || length > input.Length - layout.HeaderStart)
        {
            return ByteMutations.SetBytes(input, HotBytes(input, layout), rng);
        }

        string json = Encoding.UTF8.GetString(input, layout.HeaderStart, (int)length);
        byte[] edited = Encoding.UTF8.GetBytes(edit(json));
        byte[] bytes = [.. input.AsSpan(0, layout.HeaderStart), .. edited, .. input.AsSpan(layout.HeaderStart + (int)length)];
        WriteLength(bytes, layout, (ulong)edited.Length);
        return bytes;
    }

    private static string ReplaceMatch(Regex pattern, string json, string replacement, Xoshiro256 rng)
    {
        MatchCollection matches = pattern.Matches(json);
        if (matches.Count == 0)
        {
            return json;
        }

        Match match = matches[rng.NextInt(matches.Count)];
        return string.Concat(json.AsSpan(0, match.Index), replacement, json.AsSpan(match.Index + match.Length));
    }

    [GeneratedRegex(@"-?\d+(\.\d+)?([eE][-+]?\d+)?")]
    private static partial Regex NumberPattern();

    // A string, a number, an array or a literal: any JSON value token (arrays without nesting).
    [GeneratedRegex(@"""(?:[^""\\]|\\.)*""|-?\d+(\.\d+)?([eE][-+]?\d+)?|\[[^\[\]]*\]|true|false|null")]
    private static partial Regex TokenPattern();
}
