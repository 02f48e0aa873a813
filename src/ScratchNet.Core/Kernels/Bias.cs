using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;

namespace ScratchNet.Core.Kernels;

/// <summary>
/// The bias of dense and convolution layers. A dense layer's forward bias add is fused into <see cref="MatMul.Forward"/>,
/// which starts each accumulator at b; a convolution adds one bias per output channel to every pixel of that channel.
/// </summary>
public static class Bias
{
    // dY: (n, out) · dB: (out), overwritten
    /// <remarks>dB[j] = Σi dY[i,j]</remarks>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)] // hot from the first batch; see Gemm.Run
    public static void Backward(ReadOnlySpan<float> dY, Span<float> dB, int n, int outFeatures)
    {
        CheckBackward(dY, dB, n, outFeatures);
        dB.Slice(0, outFeatures).Clear();
        for (int i = 0; i < n; i++)
        {
            Elementwise.AddInPlace(dY.Slice(i * outFeatures, outFeatures), dB.Slice(0, outFeatures));
        }
    }

    // b: (K) · y: (n, K, plane), b[k] added in place
    /// <remarks>y[i,k,p] += b[k]</remarks>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)] // hot from the first batch; see Gemm.Run
    public static void ForwardChannels(ReadOnlySpan<float> b, Span<float> y, int n, int channels, int plane)
    {
        CheckChannels(b.Length, y.Length, n, channels, plane, nameof(b), nameof(y));
        for (int i = 0; i < n; i++)
        {
            for (int k = 0; k < channels; k++)
            {
                Span<float> row = y.Slice(((i * channels) + k) * plane, plane);
                float bias = b[k];
                int p = 0;
                if (Vector512.IsHardwareAccelerated)
                {
                    var v = Vector512.Create(bias);
                    ref float start = ref MemoryMarshal.GetReference(row);
                    for (; p + Vector512<float>.Count <= plane; p += Vector512<float>.Count)
                    {
                        (Vector512.LoadUnsafe(ref start, (nuint)p) + v).StoreUnsafe(ref start, (nuint)p);
                    }
                }

                for (; p < plane; p++)
                {
                    row[p] += bias;
                }
            }
        }
    }

    // dY: (n, K, plane) · dB: (K), overwritten
    /// <remarks>dB[k] = Σi Σp dY[i,k,p], summed image by image</remarks>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)] // hot from the first batch; see Gemm.Run
    public static void BackwardChannels(ReadOnlySpan<float> dY, Span<float> dB, int n, int channels, int plane)
    {
        CheckChannels(dB.Length, dY.Length, n, channels, plane, nameof(dB), nameof(dY));
        dB[..channels].Clear();
        for (int i = 0; i < n; i++)
        {
            AddChannelSums(dY.Slice(i * channels * plane, channels * plane), dB, channels, plane);
        }
    }

    // dYi: (K, plane), one image · dB: (K), accumulated: dB[k] += Σp dYi[k,p]. BackwardChannels is these, image by image.
    internal static void AddChannelSums(ReadOnlySpan<float> dYi, Span<float> dB, int channels, int plane)
    {
        for (int k = 0; k < channels; k++)
        {
            dB[k] += Sum(dYi.Slice(k * plane, plane));
        }
    }

    /// <summary>Σ values, eight partial sums in a Vector512 (or Vector256) added at the end.</summary>
    internal static float Sum(ReadOnlySpan<float> values)
    {
        ref float start = ref MemoryMarshal.GetReference(values);
        int p = 0;
        float sum = 0f;
        if (Vector512.IsHardwareAccelerated && values.Length >= Vector512<float>.Count)
        {
            Vector512<float> acc = Vector512<float>.Zero;
            for (; p + Vector512<float>.Count <= values.Length; p += Vector512<float>.Count)
            {
                acc += Vector512.LoadUnsafe(ref start, (nuint)p);
            }

            sum = Vector512.Sum(acc);
        }

        for (; p < values.Length; p++)
        {
            sum += Unsafe.Add(ref start, p);
        }

        return sum;
    }

    private static void CheckChannels(int biasLength, int length, int n, int channels, int plane, string biasName, string name)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(n);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(channels);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(plane);
        if (biasLength != channels)
        {
            throw new ArgumentException($"{biasName} has {biasLength} values, but the layer has {channels} channels", biasName);
        }

        Guard.Holds(length, n, channels * plane, name);
    }

    internal static void CheckBackward(ReadOnlySpan<float> dY, Span<float> dB, int n, int outFeatures)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(n);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(outFeatures);
        Guard.Holds(dY.Length, n, outFeatures, nameof(dY));
        if (dB.Length != outFeatures)
        {
            throw new ArgumentException($"dB has {dB.Length} values, but the layer has {outFeatures} outputs", nameof(dB));
        }
    }
}
