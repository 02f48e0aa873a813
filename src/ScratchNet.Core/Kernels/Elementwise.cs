using System.Numerics;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;

namespace ScratchNet.Core.Kernels;

/// <summary>
/// Runs an operator over spans: Vector512 over the body (Vector256 where AVX-512 is missing), scalar over
/// the tail (or everywhere when neither is accelerated). Operators are structs, so each call is specialised
/// and inlined by the JIT.
/// </summary>
public static class Elementwise
{
    // x: (len) · destination: (len), may alias x
    [MethodImpl(MethodImplOptions.AggressiveOptimization)] // hot from the first batch; see Gemm.Run
    public static void Map<TOp>(ReadOnlySpan<float> x, Span<float> destination)
        where TOp : struct, IUnaryOperator
    {
        Guard.SameLength(destination.Length, x.Length, nameof(destination), nameof(x));
        ref float xRef = ref MemoryMarshal.GetReference(x);
        ref float dRef = ref MemoryMarshal.GetReference(destination);
        int i = 0;
        if (Vector512.IsHardwareAccelerated)
        {
            for (; i + Vector512<float>.Count <= x.Length; i += Vector512<float>.Count)
            {
                TOp.Invoke(Vector512.LoadUnsafe(ref xRef, (nuint)i)).StoreUnsafe(ref dRef, (nuint)i);
            }
        }
        else if (Vector256.IsHardwareAccelerated)
        {
            for (; i + Vector256<float>.Count <= x.Length; i += Vector256<float>.Count)
            {
                TOp.Invoke(Vector256.LoadUnsafe(ref xRef, (nuint)i)).StoreUnsafe(ref dRef, (nuint)i);
            }
        }

        for (; i < x.Length; i++)
        {
            Unsafe.Add(ref dRef, i) = TOp.Invoke(Unsafe.Add(ref xRef, i));
        }
    }

    // x: (len) · y: (len) · destination: (len), may alias x or y
    [MethodImpl(MethodImplOptions.AggressiveOptimization)] // hot from the first batch; see Gemm.Run
    public static void Map<TOp>(ReadOnlySpan<float> x, ReadOnlySpan<float> y, Span<float> destination)
        where TOp : struct, IBinaryOperator
    {
        Guard.SameLength(y.Length, x.Length, nameof(y), nameof(x));
        Guard.SameLength(destination.Length, x.Length, nameof(destination), nameof(x));
        ref float xRef = ref MemoryMarshal.GetReference(x);
        ref float yRef = ref MemoryMarshal.GetReference(y);
        ref float dRef = ref MemoryMarshal.GetReference(destination);
        int i = 0;
        if (Vector512.IsHardwareAccelerated)
        {
            for (; i + Vector512<float>.Count <= x.Length; i += Vector512<float>.Count)
            {
                TOp.Invoke(Vector512.LoadUnsafe(ref xRef, (nuint)i), Vector512.LoadUnsafe(ref yRef, (nuint)i)).StoreUnsafe(ref dRef, (nuint)i);
            }
        }
        else if (Vector256.IsHardwareAccelerated)
        {
            for (; i + Vector256<float>.Count <= x.Length; i += Vector256<float>.Count)
            {
                TOp.Invoke(Vector256.LoadUnsafe(ref xRef, (nuint)i), Vector256.LoadUnsafe(ref yRef, (nuint)i)).StoreUnsafe(ref dRef, (nuint)i);
            }
        }

        for (; i < x.Length; i++)
        {
            Unsafe.Add(ref dRef, i) = TOp.Invoke(Unsafe.Add(ref xRef, i), Unsafe.Add(ref yRef, i));
        }
    }

    // x: (len) · destination: (len), may alias x; the constant is broadcast to every lane
    [MethodImpl(MethodImplOptions.AggressiveOptimization)] // hot from the first batch; see Gemm.Run
    public static void MapWithConstant<TOp>(ReadOnlySpan<float> x, float constant, Span<float> destination)
        where TOp : struct, IUnaryOperatorWithConstant
    {
        Guard.SameLength(destination.Length, x.Length, nameof(destination), nameof(x));
        ref float xRef = ref MemoryMarshal.GetReference(x);
        ref float dRef = ref MemoryMarshal.GetReference(destination);
        int i = 0;
        if (Vector512.IsHardwareAccelerated)
        {
            var c = Vector512.Create(constant);
            for (; i + Vector512<float>.Count <= x.Length; i += Vector512<float>.Count)
            {
                TOp.Invoke(Vector512.LoadUnsafe(ref xRef, (nuint)i), c).StoreUnsafe(ref dRef, (nuint)i);
            }
        }
        else if (Vector256.IsHardwareAccelerated)
        {
            var c = Vector256.Create(constant);
            for (; i + Vector256<float>.Count <= x.Length; i += Vector256<float>.Count)
            {
                TOp.Invoke(Vector256.LoadUnsafe(ref xRef, (nuint)i), c).StoreUnsafe(ref dRef, (nuint)i);
            }
        }

        for (; i < x.Length; i++)
        {
            Unsafe.Add(ref dRef, i) = TOp.Invoke(Unsafe.Add(ref xRef, i), constant);
        }
    }

    // x: (len) · y: (len) · destination: (len), may alias x or y; the constant is broadcast to every lane
    [MethodImpl(MethodImplOptions.AggressiveOptimization)] // hot from the first batch; see Gemm.Run
    public static void MapWithConstant<TOp>(ReadOnlySpan<float> x, ReadOnlySpan<float> y, float constant, Span<float> destination)
        where TOp : struct, IBinaryOperatorWithConstant
    {
        Guard.SameLength(y.Length, x.Length, nameof(y), nameof(x));
        Guard.SameLength(destination.Length, x.Length, nameof(destination), nameof(x));
        ref float xRef = ref MemoryMarshal.GetReference(x);
        ref float yRef = ref MemoryMarshal.GetReference(y);
        ref float dRef = ref MemoryMarshal.GetReference(destination);
        int i = 0;
        if (Vector512.IsHardwareAccelerated)
        {
            var c = Vector512.Create(constant);
            for (; i + Vector512<float>.Count <= x.Length; i += Vector512<float>.Count)
            {
                TOp.Invoke(Vector512.LoadUnsafe(ref xRef, (nuint)i), Vector512.LoadUnsafe(ref yRef, (nuint)i), c).StoreUnsafe(ref dRef, (nuint)i);
            }
        }
        else if (Vector256.IsHardwareAccelerated)
        {
            var c = Vector256.Create(constant);
            for (; i + Vector256<float>.Count <= x.Length; i += Vector256<float>.Count)
            {
                TOp.Invoke(Vector256.LoadUnsafe(ref xRef, (nuint)i), Vector256.LoadUnsafe(ref yRef, (nuint)i), c).StoreUnsafe(ref dRef, (nuint)i);
            }
        }

        for (; i < x.Length; i++)
        {
            Unsafe.Add(ref dRef, i) = TOp.Invoke(Unsafe.Add(ref xRef, i), Unsafe.Add(ref yRef, i), constant);
        }
    }

    /// <summary>destination[i] += x[i].</summary>
    public static void AddInPlace(ReadOnlySpan<float> x, Span<float> destination) => Map<Add>(destination, x, destination);

    /// <summary>destination[i] += alpha · x[i] (BLAS axpy).</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)] // hot from the first batch; see Gemm.Run
    public static void MultiplyAddInPlace(ReadOnlySpan<float> x, float alpha, Span<float> destination)
    {
        Guard.SameLength(destination.Length, x.Length, nameof(destination), nameof(x));
        ref float xRef = ref MemoryMarshal.GetReference(x);
        ref float dRef = ref MemoryMarshal.GetReference(destination);
        int i = 0;
        if (Vector512.IsHardwareAccelerated)
        {
            var a = Vector512.Create(alpha);
            for (; i + Vector512<float>.Count <= x.Length; i += Vector512<float>.Count)
            {
                Vector512.FusedMultiplyAdd(a, Vector512.LoadUnsafe(ref xRef, (nuint)i), Vector512.LoadUnsafe(ref dRef, (nuint)i)).StoreUnsafe(ref dRef, (nuint)i);
            }
        }
        else if (Vector.IsHardwareAccelerated)
        {
            // The SGD step on AVX2 and ARM64: the same fma per element, so the same bits.
            var a = new Vector<float>(alpha);
            for (; i + Vector<float>.Count <= x.Length; i += Vector<float>.Count)
            {
                Vector.FusedMultiplyAdd(a, Vector.LoadUnsafe(ref xRef, (nuint)i), Vector.LoadUnsafe(ref dRef, (nuint)i)).StoreUnsafe(ref dRef, (nuint)i);
            }
        }

        for (; i < x.Length; i++)
        {
            Unsafe.Add(ref dRef, i) = MathF.FusedMultiplyAdd(alpha, Unsafe.Add(ref xRef, i), Unsafe.Add(ref dRef, i));
        }
    }

    private readonly struct Add : IBinaryOperator
    {
        public static float Invoke(float x, float y) => x + y;

        public static Vector512<float> Invoke(Vector512<float> x, Vector512<float> y) => x + y;

        public static Vector256<float> Invoke(Vector256<float> x, Vector256<float> y) => x + y;
    }
}
