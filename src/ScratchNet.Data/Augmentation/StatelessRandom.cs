using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;

namespace ScratchNet.Data.Augmentation;

/// <summary>
/// Counter-based random numbers: every value is a hash of where it is used (seed, epoch, row, draw), not the next
/// state of a generator. So an image's transform in a given epoch is the same however the run got there — straight
/// through, or resumed from a checkpoint mid-epoch — and there is no generator state to save.
/// </summary>
public static class StatelessRandom
{
    private const ulong Golden = 0x9E3779B97F4A7C15UL;

    /// <summary>The SplitMix64 finaliser (Steele, Lea and Flood 2014): a bijection that mixes every input bit into every output bit.</summary>
    public static ulong Mix(ulong z)
    {
        z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9UL;
        z = (z ^ (z >> 27)) * 0x94D049BB133111EBUL;
        return z ^ (z >> 31);
    }

    /// <summary>The key of one image in one epoch.</summary>
    public static ulong Key(ulong seed, int epoch, int row) =>
        Mix(Mix(Mix(seed + Golden) + ((ulong)(uint)epoch * Golden)) + ((ulong)(uint)row * Golden));

    /// <summary>Draw number <paramref name="draw"/> under <paramref name="key"/>, uniform in [−1, 1) with 53 random bits.</summary>
    public static double Symmetric(ulong key, int draw) =>
        ((Mix(key + ((ulong)(uint)(draw + 1) * Golden)) >> 11) * (2.0 / (1UL << 53))) - 1.0;

    /// <summary>Value <paramref name="index"/> of the noise under <paramref name="key"/>: uniform in [−1, 1) with 24 random bits.</summary>
    /// <remarks>A 32-bit hash (two rounds of MurmurHash3's finaliser), so the vector overloads compute the same values 8 or 16 at a time.</remarks>
    public static float Noise(uint index, ulong key)
    {
        uint h = Fmix32((index * 0x9E3779B9u) + (uint)key);
        h = Fmix32(h ^ (uint)(key >> 32));
        return ((int)(h >> 8) * (1f / (1 << 23))) - 1f;
    }

    /// <summary><see cref="Noise(uint, ulong)"/> for 8 indices at once; bit-identical per lane.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector256<float> Noise(Vector256<uint> index, ulong key)
    {
        Vector256<uint> h = Fmix32((index * 0x9E3779B9u) + Vector256.Create((uint)key));
        h = Fmix32(h ^ Vector256.Create((uint)(key >> 32)));
        return (Vector256.ConvertToSingle(Vector256.ShiftRightLogical(h, 8).AsInt32()) * (1f / (1 << 23))) - Vector256<float>.One;
    }

    /// <summary><see cref="Noise(uint, ulong)"/> for 16 indices at once; bit-identical per lane.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector512<float> Noise(Vector512<uint> index, ulong key)
    {
        Vector512<uint> h = Fmix32((index * 0x9E3779B9u) + Vector512.Create((uint)key));
        h = Fmix32(h ^ Vector512.Create((uint)(key >> 32)));
        return (Vector512.ConvertToSingle(Vector512.ShiftRightLogical(h, 8).AsInt32()) * (1f / (1 << 23))) - Vector512<float>.One;
    }

    private static uint Fmix32(uint h)
    {
        h ^= h >> 16;
        h *= 0x85EBCA6Bu;
        h ^= h >> 13;
        h *= 0xC2B2AE35u;
        return h ^ (h >> 16);
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector256<uint> Fmix32(Vector256<uint> h)
    {
        h ^= Vector256.ShiftRightLogical(h, 16);
        h *= 0x85EBCA6Bu;
        h ^= Vector256.ShiftRightLogical(h, 13);
        h *= 0xC2B2AE35u;
        return h ^ Vector256.ShiftRightLogical(h, 16);
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector512<uint> Fmix32(Vector512<uint> h)
    {
        h ^= Vector512.ShiftRightLogical(h, 16);
        h *= 0x85EBCA6Bu;
        h ^= Vector512.ShiftRightLogical(h, 13);
        h *= 0xC2B2AE35u;
        return h ^ Vector512.ShiftRightLogical(h, 16);
    }
}
