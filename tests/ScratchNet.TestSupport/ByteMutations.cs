using ScratchNet.Core.Random;

namespace ScratchNet.TestSupport;

/// <summary>
/// The format-blind mutations every fuzzer here shares: bit flips, byte sets, truncations, insertions and dropped
/// chunks. Half the flips and sets land in the first <c>hot</c> bytes, where a reader makes its decisions.
/// </summary>
public static class ByteMutations
{
    private static readonly byte[] Interesting = [0x00, 0x01, 0x02, 0x03, 0x04, 0x05, 0x08, 0x0D, 0x1F, 0x7F, 0x80, 0x8B, 0xFE, 0xFF, (byte)'{', (byte)'"', (byte)'-', (byte)'9'];

    public static byte[] FlipBits(byte[] input, int hot, Xoshiro256 rng)
    {
        byte[] bytes = [.. input];
        for (int i = 1 + rng.NextInt(8); i > 0 && bytes.Length > 0; i--)
        {
            bytes[At(bytes, hot, rng)] ^= (byte)(1 << rng.NextInt(8));
        }

        return bytes;
    }

    public static byte[] SetBytes(byte[] input, int hot, Xoshiro256 rng)
    {
        byte[] bytes = [.. input];
        for (int i = 1 + rng.NextInt(4); i > 0 && bytes.Length > 0; i--)
        {
            bytes[At(bytes, hot, rng)] = rng.NextInt(2) == 0 ? Interesting[rng.NextInt(Interesting.Length)] : (byte)rng.NextInt(256);
        }

        return bytes;
    }

    public static byte[] Truncate(byte[] input, Xoshiro256 rng) => input[..rng.NextInt(input.Length + 1)];

    public static byte[] Insert(byte[] input, Xoshiro256 rng)
    {
        int at = rng.NextInt(input.Length + 1);
        var extra = new byte[1 + rng.NextInt(16)];
        for (int i = 0; i < extra.Length; i++)
        {
            extra[i] = (byte)rng.NextInt(256);
        }

        return [.. input.AsSpan(0, at), .. extra, .. input.AsSpan(at)];
    }

    public static byte[] DropChunk(byte[] input, Xoshiro256 rng)
    {
        if (input.Length == 0)
        {
            return input;
        }

        int at = rng.NextInt(input.Length);
        int length = 1 + rng.NextInt(Math.Min(32, input.Length - at));
        return [.. input.AsSpan(0, at), .. input.AsSpan(at + length)];
    }

    /// <summary>A position in the first <paramref name="hot"/> bytes half the time, anywhere otherwise.</summary>
    public static int At(byte[] bytes, int hot, Xoshiro256 rng) =>
        rng.NextInt(2) == 0 && hot > 0 ? rng.NextInt(Math.Min(bytes.Length, hot)) : rng.NextInt(bytes.Length);
}
