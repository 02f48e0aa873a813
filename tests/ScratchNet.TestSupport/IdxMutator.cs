using System.Buffers.Binary;
using ScratchNet.Core.Random;

namespace ScratchNet.TestSupport;

/// <summary>Derives damaged inputs from a valid one: bit flips, byte overwrites, truncations, insertions, chunk drops and forged headers.</summary>
public static class IdxMutator
{
    private static readonly byte[] Interesting = [0x00, 0x01, 0x02, 0x03, 0x04, 0x05, 0x08, 0x0D, 0x1F, 0x7F, 0x80, 0x8B, 0xFE, 0xFF];

    // Magic, type, rank and up to four dimensions: where half the flips and sets land.
    private const int HeaderBytes = 24;

    private static readonly int[] ForgedDimensions = [0, -1, 1, 2, 255, 256, 65_535, 1 << 20, 1 << 24, int.MaxValue, int.MinValue, 0x7FFF_FFC7, 46_341];

    /// <summary>One to four stacked mutations of <paramref name="input"/>.</summary>
    public static byte[] Mutate(byte[] input, Xoshiro256 rng)
    {
        byte[] bytes = input;
        int rounds = 1 + rng.NextInt(4);
        for (int r = 0; r < rounds; r++)
        {
            bytes = rng.NextInt(7) switch
            {
                0 => ByteMutations.FlipBits(bytes, HeaderBytes, rng),
                1 => ByteMutations.SetBytes(bytes, HeaderBytes, rng),
                2 => ByteMutations.Truncate(bytes, rng),
                3 => ByteMutations.Insert(bytes, rng),
                4 => ByteMutations.DropChunk(bytes, rng),
                5 => ForgeDimension(bytes, rng),
                _ => ForgeTypeOrRank(bytes, rng),
            };
        }

        return bytes;
    }

    /// <summary>Writes a forged big-endian dimension where the header keeps its dimensions.</summary>
    private static byte[] ForgeDimension(byte[] input, Xoshiro256 rng)
    {
        byte[] bytes = [.. input];
        int rank = bytes.Length > 3 ? Math.Clamp((int)bytes[3], 1, 4) : 1;
        int offset = 4 + (4 * rng.NextInt(rank));
        if (bytes.Length < offset + 4)
        {
            return bytes;
        }

        int value = rng.NextInt(3) == 0 ? (int)rng.NextUInt64() : ForgedDimensions[rng.NextInt(ForgedDimensions.Length)];
        BinaryPrimitives.WriteInt32BigEndian(bytes.AsSpan(offset), value);
        return bytes;
    }

    private static byte[] ForgeTypeOrRank(byte[] input, Xoshiro256 rng)
    {
        byte[] bytes = [.. input];
        if (bytes.Length >= 4)
        {
            bytes[2 + rng.NextInt(2)] = Interesting[rng.NextInt(Interesting.Length)];
        }

        return bytes;
    }
}
