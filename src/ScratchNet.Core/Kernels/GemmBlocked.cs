using System.Numerics;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;

namespace ScratchNet.Core.Kernels;

/// <summary>
/// The cache-blocked product for large shapes, after GotoBLAS / BLIS: C (m, n) (+)= A (m, k) · B (k, n), any
/// operand layout, A and B copied ("packed") block by block into contiguous panels that fit the caches.
/// </summary>
/// <remarks>
/// Loop nest (outer to inner): rows in blocks of <see cref="MC"/>; k in blocks of at most <see cref="KC"/>, all of
/// one length, where the A block (MC × KC) is packed into row panels of MR × KC; columns in blocks of <see cref="NC"/>,
/// where the B block (KC × NC, sized for L2) is packed into column panels of KC × NR; then every MR × NR tile of C,
/// whose A panel (MR × KC, sized for L1) stays in L1 while the B panels stream past it from L2. The sizes were
/// chosen by measurement on the project's machine (Zen 4: 32 KB L1, 1 MB L2), see bench/README.md.
/// Packing reads a transposed operand through its strides, so every layout runs the same micro-kernel over
/// the same panels. Edge panels are padded with zeros; the padded rows and columns are computed and never stored.
/// The k blocks run in order, the first starting each element from 0, the bias or C (accumulate), the later ones
/// from the partial sum the previous block stored in C: every element is the one chain
/// c = fma(a[p], b[p], c) for p = 0 … k − 1, as in <see cref="Gemm"/>, so the blocked and direct paths, and any
/// split of rows or columns between threads, give the same bits.
/// </remarks>
internal static class GemmBlocked
{
    /// <summary>Rows of a register tile (broadcast from packed A).</summary>
    public const int MR = 8;

    /// <summary>Rows of the <see cref="Vector{T}"/> micro-kernel's sub-tile.</summary>
    private const int VectorRows = 4;

    /// <summary>Columns of a register tile (two Vector512 of packed B).</summary>
    public const int NR = 32;

    /// <summary>k per block: an A panel of MR × KC floats (8 KB) stays in L1 (32 KB) beside the streaming B panels.</summary>
    public const int KC = 256;

    /// <summary>Rows per A block (MC × KC = 1 MB at most, from L3): a batch of up to 1,024 rows packs each B block once.</summary>
    public const int MC = 1024;

    /// <summary>Columns per B block: KC × NC floats (256 KB) stay in L2 (1 MB) while every A panel passes over them.</summary>
    public const int NC = 256;

    public const int PackedALength = MC * KC;

    public const int PackedBLength = KC * NC;

    /// <summary>Computes rows [rowStart, rowEnd) × columns [columnStart, columnEnd) of C.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void Run(in Operands op, int rowStart, int rowEnd, int columnStart, int columnEnd, PackBuffers buffers) =>
        Run(op, rowStart, rowEnd, columnStart, columnEnd, buffers, Vector512.IsHardwareAccelerated);

    /// <param name="vector512">False runs the <see cref="Vector{T}"/> micro-kernel (AVX2, ARM64); tests set it to compare the two.</param>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    internal static void Run(in Operands op, int rowStart, int rowEnd, int columnStart, int columnEnd, PackBuffers buffers, bool vector512)
    {
        Span<float> packedA = buffers.A;
        Span<float> packedB = buffers.B;

        // k blocks of equal length (a multiple of 16, for the 16 × 16 transposes), so no block is a sliver:
        // k = 784 runs 208 + 208 + 208 + 160, not 256 + 256 + 256 + 16, whose last block reloaded and stored C for 16 steps.
        int kBlocks = (op.K + KC - 1) / KC;
        int kStep = ((((op.K + kBlocks - 1) / kBlocks) + 15) / 16) * 16;
        for (int ic = rowStart; ic < rowEnd; ic += MC)
        {
            int mc = Math.Min(MC, rowEnd - ic);
            for (int pc = 0; pc < op.K; pc += kStep)
            {
                int kc = Math.Min(kStep, op.K - pc);
                Pack.A(op, ic, mc, pc, kc, packedA);
                TileStart start = pc > 0 ? TileStart.C : TileStarts.For(op);
                for (int jc = columnStart; jc < columnEnd; jc += NC)
                {
                    int nc = Math.Min(NC, columnEnd - jc);
                    Pack.B(op, pc, kc, jc, nc, packedB);
                    Tiles(op, packedA, packedB, start, ic, mc, jc, nc, kc, vector512);
                }
            }
        }
    }

    // Every MR × NR tile of the block C[ic …, jc …], from the packed A (mc rows) and B (nc columns).
    private static void Tiles(in Operands op, Span<float> packedA, Span<float> packedB, TileStart start, int ic, int mc, int jc, int nc, int kc, bool vector512)
    {
        ref float aRef = ref MemoryMarshal.GetReference(packedA);
        ref float bRef = ref MemoryMarshal.GetReference(packedB);
        ref float cRef = ref MemoryMarshal.GetReference(op.C);
        ref float biasRef = ref MemoryMarshal.GetReference(op.Bias);
        int n = op.N;
        for (int ir = 0; ir < mc; ir += MR)
        {
            int rows = Math.Min(MR, mc - ir);
            ref float aPanel = ref Unsafe.Add(ref aRef, ir * kc);
            for (int jr = 0; jr < nc; jr += NR)
            {
                int columns = Math.Min(NR, nc - jr);
                ref float bPanel = ref Unsafe.Add(ref bRef, jr * kc);
                int j = jc + jr;
                ref float cTile = ref Unsafe.Add(ref cRef, ((nint)(ic + ir) * n) + j);
                if (rows == MR && columns == NR)
                {
                    Kernel(ref aPanel, ref bPanel, kc, ref cTile, n, start, ref Unsafe.Add(ref biasRef, j), vector512);
                }
                else
                {
                    EdgeTile(ref aPanel, ref bPanel, kc, ref cTile, n, start, op.Bias, j, rows, columns, vector512);
                }
            }
        }
    }

    // A tile cut by the edge of C: computed whole in a stack tile (padded rows and columns are zeros in the
    // packed panels), of which only the rows × columns inside C are read from and written back to C.
    private static void EdgeTile(ref float aPanel, ref float bPanel, int kc, ref float cTile, int n, TileStart start, ReadOnlySpan<float> bias, int j, int rows, int columns, bool vector512)
    {
        TileBuffer tile = default;
        ref float t = ref tile[0];
        if (start != TileStart.Zero)
        {
            for (int r = 0; r < rows; r++)
            {
                for (int q = 0; q < columns; q++)
                {
                    Unsafe.Add(ref t, (r * NR) + q) = start == TileStart.Bias ? bias[j + q] : Unsafe.Add(ref cTile, ((nint)r * n) + q);
                }
            }
        }

        Kernel(ref aPanel, ref bPanel, kc, ref t, NR, start == TileStart.Zero ? TileStart.Zero : TileStart.C, ref t, vector512);
        for (int r = 0; r < rows; r++)
        {
            for (int q = 0; q < columns; q++)
            {
                Unsafe.Add(ref cTile, ((nint)r * n) + q) = Unsafe.Add(ref t, (r * NR) + q);
            }
        }
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void Kernel(ref float aPanel, ref float bPanel, int kc, ref float c, int ldc, TileStart start, ref float bias, bool vector512)
    {
        if (vector512)
        {
            Kernel512(ref aPanel, ref bPanel, kc, ref c, ldc, start, ref bias);
        }
        else
        {
            for (int r = 0; r < MR; r += VectorRows)
            {
                for (int q = 0; q < NR; q += 2 * Vector<float>.Count)
                {
                    KernelVector(ref Unsafe.Add(ref aPanel, r), ref Unsafe.Add(ref bPanel, q), kc, ref Unsafe.Add(ref c, (r * ldc) + q), ldc, start, ref Unsafe.Add(ref bias, q));
                }
            }
        }
    }

    /// <summary>
    /// C[0 … MR, 0 … NR] = start + A panel · B panel: 16 Vector512 accumulators, each step of p loading two vectors
    /// of B and broadcasting the MR values of A (both packed contiguously, in the order they are used).
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization | MethodImplOptions.NoInlining)]
    private static void Kernel512(ref float aPanel, ref float bPanel, int kc, ref float c, int ldc, TileStart start, ref float bias)
    {
        Vector512<float> c00, c01, c10, c11, c20, c21, c30, c31, c40, c41, c50, c51, c60, c61, c70, c71;
        nint stride = ldc;
        if (start == TileStart.C)
        {
            c00 = Vector512.LoadUnsafe(ref c);
            c01 = Vector512.LoadUnsafe(ref c, 16);
            c10 = Vector512.LoadUnsafe(ref c, (nuint)stride);
            c11 = Vector512.LoadUnsafe(ref c, (nuint)(stride + 16));
            c20 = Vector512.LoadUnsafe(ref c, (nuint)(2 * stride));
            c21 = Vector512.LoadUnsafe(ref c, (nuint)((2 * stride) + 16));
            c30 = Vector512.LoadUnsafe(ref c, (nuint)(3 * stride));
            c31 = Vector512.LoadUnsafe(ref c, (nuint)((3 * stride) + 16));
            c40 = Vector512.LoadUnsafe(ref c, (nuint)(4 * stride));
            c41 = Vector512.LoadUnsafe(ref c, (nuint)((4 * stride) + 16));
            c50 = Vector512.LoadUnsafe(ref c, (nuint)(5 * stride));
            c51 = Vector512.LoadUnsafe(ref c, (nuint)((5 * stride) + 16));
            c60 = Vector512.LoadUnsafe(ref c, (nuint)(6 * stride));
            c61 = Vector512.LoadUnsafe(ref c, (nuint)((6 * stride) + 16));
            c70 = Vector512.LoadUnsafe(ref c, (nuint)(7 * stride));
            c71 = Vector512.LoadUnsafe(ref c, (nuint)((7 * stride) + 16));
        }
        else if (start == TileStart.Bias)
        {
            c00 = c10 = c20 = c30 = c40 = c50 = c60 = c70 = Vector512.LoadUnsafe(ref bias);
            c01 = c11 = c21 = c31 = c41 = c51 = c61 = c71 = Vector512.LoadUnsafe(ref bias, 16);
        }
        else
        {
            c00 = c01 = c10 = c11 = c20 = c21 = c30 = c31 = Vector512<float>.Zero;
            c40 = c41 = c50 = c51 = c60 = c61 = c70 = c71 = Vector512<float>.Zero;
        }

        ref float ap = ref aPanel;
        ref float bp = ref bPanel;
        for (int p = 0; p < kc; p++)
        {
            Vector512<float> b0 = Vector512.LoadUnsafe(ref bp);
            Vector512<float> b1 = Vector512.LoadUnsafe(ref bp, 16);

            Vector512<float> x = Vector512.Create(ap);
            c00 = Vector512.FusedMultiplyAdd(x, b0, c00);
            c01 = Vector512.FusedMultiplyAdd(x, b1, c01);
            x = Vector512.Create(Unsafe.Add(ref ap, 1));
            c10 = Vector512.FusedMultiplyAdd(x, b0, c10);
            c11 = Vector512.FusedMultiplyAdd(x, b1, c11);
            x = Vector512.Create(Unsafe.Add(ref ap, 2));
            c20 = Vector512.FusedMultiplyAdd(x, b0, c20);
            c21 = Vector512.FusedMultiplyAdd(x, b1, c21);
            x = Vector512.Create(Unsafe.Add(ref ap, 3));
            c30 = Vector512.FusedMultiplyAdd(x, b0, c30);
            c31 = Vector512.FusedMultiplyAdd(x, b1, c31);
            x = Vector512.Create(Unsafe.Add(ref ap, 4));
            c40 = Vector512.FusedMultiplyAdd(x, b0, c40);
            c41 = Vector512.FusedMultiplyAdd(x, b1, c41);
            x = Vector512.Create(Unsafe.Add(ref ap, 5));
            c50 = Vector512.FusedMultiplyAdd(x, b0, c50);
            c51 = Vector512.FusedMultiplyAdd(x, b1, c51);
            x = Vector512.Create(Unsafe.Add(ref ap, 6));
            c60 = Vector512.FusedMultiplyAdd(x, b0, c60);
            c61 = Vector512.FusedMultiplyAdd(x, b1, c61);
            x = Vector512.Create(Unsafe.Add(ref ap, 7));
            c70 = Vector512.FusedMultiplyAdd(x, b0, c70);
            c71 = Vector512.FusedMultiplyAdd(x, b1, c71);

            ap = ref Unsafe.Add(ref ap, MR);
            bp = ref Unsafe.Add(ref bp, NR);
        }

        c00.StoreUnsafe(ref c);
        c01.StoreUnsafe(ref c, 16);
        c10.StoreUnsafe(ref c, (nuint)stride);
        c11.StoreUnsafe(ref c, (nuint)(stride + 16));
        c20.StoreUnsafe(ref c, (nuint)(2 * stride));
        c21.StoreUnsafe(ref c, (nuint)((2 * stride) + 16));
        c30.StoreUnsafe(ref c, (nuint)(3 * stride));
        c31.StoreUnsafe(ref c, (nuint)((3 * stride) + 16));
        c40.StoreUnsafe(ref c, (nuint)(4 * stride));
        c41.StoreUnsafe(ref c, (nuint)((4 * stride) + 16));
        c50.StoreUnsafe(ref c, (nuint)(5 * stride));
        c51.StoreUnsafe(ref c, (nuint)((5 * stride) + 16));
        c60.StoreUnsafe(ref c, (nuint)(6 * stride));
        c61.StoreUnsafe(ref c, (nuint)((6 * stride) + 16));
        c70.StoreUnsafe(ref c, (nuint)(7 * stride));
        c71.StoreUnsafe(ref c, (nuint)((7 * stride) + 16));
    }

    /// <summary>
    /// The <see cref="Vector{T}"/> form (AVX2's 16 registers, NEON's 32) over the same panels: a sub-tile of
    /// <see cref="VectorRows"/> rows × 2 vectors, 8 accumulators, run over the MR × NR tile piece by piece.
    /// Each element is the same chain as in <see cref="Kernel512"/>, so the bits are the same.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization | MethodImplOptions.NoInlining)]
    private static void KernelVector(ref float aPanel, ref float bPanel, int kc, ref float c, int ldc, TileStart start, ref float bias)
    {
        nuint w = (nuint)Vector<float>.Count;
        nint stride = ldc;
        ref float c1 = ref Unsafe.Add(ref c, stride);
        ref float c2 = ref Unsafe.Add(ref c, 2 * stride);
        ref float c3 = ref Unsafe.Add(ref c, 3 * stride);
        Vector<float> c00, c01, c10, c11, c20, c21, c30, c31;
        if (start == TileStart.C)
        {
            c00 = Vector.LoadUnsafe(ref c);
            c01 = Vector.LoadUnsafe(ref c, w);
            c10 = Vector.LoadUnsafe(ref c1);
            c11 = Vector.LoadUnsafe(ref c1, w);
            c20 = Vector.LoadUnsafe(ref c2);
            c21 = Vector.LoadUnsafe(ref c2, w);
            c30 = Vector.LoadUnsafe(ref c3);
            c31 = Vector.LoadUnsafe(ref c3, w);
        }
        else if (start == TileStart.Bias)
        {
            c00 = c10 = c20 = c30 = Vector.LoadUnsafe(ref bias);
            c01 = c11 = c21 = c31 = Vector.LoadUnsafe(ref bias, w);
        }
        else
        {
            c00 = c01 = c10 = c11 = c20 = c21 = c30 = c31 = Vector<float>.Zero;
        }

        ref float ap = ref aPanel;
        ref float bp = ref bPanel;
        for (int p = 0; p < kc; p++)
        {
            Vector<float> b0 = Vector.LoadUnsafe(ref bp);
            Vector<float> b1 = Vector.LoadUnsafe(ref bp, w);
            var x = new Vector<float>(ap);
            c00 = Vector.FusedMultiplyAdd(x, b0, c00);
            c01 = Vector.FusedMultiplyAdd(x, b1, c01);
            x = new Vector<float>(Unsafe.Add(ref ap, 1));
            c10 = Vector.FusedMultiplyAdd(x, b0, c10);
            c11 = Vector.FusedMultiplyAdd(x, b1, c11);
            x = new Vector<float>(Unsafe.Add(ref ap, 2));
            c20 = Vector.FusedMultiplyAdd(x, b0, c20);
            c21 = Vector.FusedMultiplyAdd(x, b1, c21);
            x = new Vector<float>(Unsafe.Add(ref ap, 3));
            c30 = Vector.FusedMultiplyAdd(x, b0, c30);
            c31 = Vector.FusedMultiplyAdd(x, b1, c31);
            ap = ref Unsafe.Add(ref ap, MR);
            bp = ref Unsafe.Add(ref bp, NR);
        }

        c00.StoreUnsafe(ref c);
        c01.StoreUnsafe(ref c, w);
        c10.StoreUnsafe(ref c1);
        c11.StoreUnsafe(ref c1, w);
        c20.StoreUnsafe(ref c2);
        c21.StoreUnsafe(ref c2, w);
        c30.StoreUnsafe(ref c3);
        c31.StoreUnsafe(ref c3, w);
    }

    /// <summary>One MR × NR tile on the stack, for tiles cut by the edge of C.</summary>
    [InlineArray(MR * NR)]
    private struct TileBuffer
    {
        private float _first;
    }
}
