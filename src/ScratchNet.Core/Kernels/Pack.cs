using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;

namespace ScratchNet.Core.Kernels;

/// <summary>
/// Copies a block of op(A) or op(B) into the panel order <see cref="GemmBlocked"/>'s micro-kernel reads: each
/// step p of a tile finds its MR values of A, and its NR values of B, next to each other. Rows of A and columns
/// of B past the block's edge are zeros.
/// </summary>
internal static class Pack
{
    private const int MR = GemmBlocked.MR;
    private const int NR = GemmBlocked.NR;

    // op(A)[rowStart … + rows, p0 … + kc] → panels of MR rows: packed[panel·MR·kc + p·MR + r]
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void A(in Operands op, int rowStart, int rows, int p0, int kc, Span<float> packed)
    {
        ref float source = ref MemoryMarshal.GetReference(op.A);
        ref float destination = ref MemoryMarshal.GetReference(packed);
        nint rowStride = op.ARowStride, columnStride = op.AColumnStride;
        for (int ir = 0; ir < rows; ir += MR)
        {
            int panelRows = Math.Min(MR, rows - ir);
            ref float panel = ref Unsafe.Add(ref destination, ir * kc);
            ref float origin = ref Unsafe.Add(ref source, ((rowStart + ir) * rowStride) + (p0 * columnStride));
            if (panelRows == MR && rowStride == 1)
            {
                // Transposed A (xᵀ in the weight gradient): the MR values of one p are adjacent in memory.
                for (int p = 0; p < kc; p++)
                {
                    Vector256.LoadUnsafe(ref Unsafe.Add(ref origin, p * columnStride)).StoreUnsafe(ref Unsafe.Add(ref panel, p * MR));
                }
            }
            else if (panelRows == MR && columnStride == 1 && Avx.IsSupported)
            {
                // Row-major A (x in the forward pass): 8 × 8 blocks transposed in registers, the last p one by one.
                int blocks = kc / 8 * 8;
                for (int p = 0; p < blocks; p += 8)
                {
                    TransposeKernel.Block8(ref Unsafe.Add(ref origin, p), (int)rowStride, ref Unsafe.Add(ref panel, p * MR), MR);
                }

                for (int p = blocks; p < kc; p++)
                {
                    for (int r = 0; r < MR; r++)
                    {
                        Unsafe.Add(ref panel, (p * MR) + r) = Unsafe.Add(ref origin, (r * rowStride) + p);
                    }
                }
            }
            else
            {
                for (int r = 0; r < MR; r++)
                {
                    if (r < panelRows)
                    {
                        ref float row = ref Unsafe.Add(ref origin, r * rowStride);
                        for (int p = 0; p < kc; p++)
                        {
                            Unsafe.Add(ref panel, (p * MR) + r) = Unsafe.Add(ref row, p * columnStride);
                        }
                    }
                    else
                    {
                        for (int p = 0; p < kc; p++)
                        {
                            Unsafe.Add(ref panel, (p * MR) + r) = 0f;
                        }
                    }
                }
            }
        }
    }

    // op(B)[p0 … + kc, columnStart … + columns] → panels of NR columns: packed[panel·kc·NR + p·NR + q]
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void B(in Operands op, int p0, int kc, int columnStart, int columns, Span<float> packed)
    {
        ref float source = ref MemoryMarshal.GetReference(op.B);
        ref float destination = ref MemoryMarshal.GetReference(packed);
        nint rowStride = op.BRowStride, columnStride = op.BColumnStride;
        int fullColumns = columns / NR * NR;
        if (columnStride == 1)
        {
            // Row-major B: row by row, so the source is read in runs of `columns` floats the prefetcher can follow
            // (panel by panel it would be 128-byte pieces 4·n bytes apart, each a cache miss of its own).
            for (int p = 0; p < kc; p++)
            {
                ref float from = ref Unsafe.Add(ref source, ((p0 + p) * rowStride) + columnStart);
                ref float to = ref Unsafe.Add(ref destination, p * NR);
                for (int jr = 0; jr < fullColumns; jr += NR)
                {
                    ref float panelRow = ref Unsafe.Add(ref to, jr * kc);
                    Vector512.LoadUnsafe(ref from, (nuint)jr).StoreUnsafe(ref panelRow);
                    Vector512.LoadUnsafe(ref from, (nuint)(jr + 16)).StoreUnsafe(ref panelRow, 16);
                }
            }
        }
        else
        {
            for (int jr = 0; jr < fullColumns; jr += NR)
            {
                ref float panel = ref Unsafe.Add(ref destination, jr * kc);
                ref float origin = ref Unsafe.Add(ref source, (p0 * rowStride) + ((columnStart + jr) * columnStride));
                int blocks = 0;
                if (rowStride == 1 && Avx512F.IsSupported)
                {
                    // Transposed B (W read as Wᵀ in the input gradient): 16 × 16 blocks transposed in registers.
                    // Each group of 16 source rows is first copied row by row into a stack buffer: one contiguous run
                    // at a time, which the prefetcher follows (16 runs read side by side, 64 bytes each in turn, ran
                    // at a third of the speed); the 16 × 16 blocks then transpose out of L1.
                    blocks = kc / 16 * 16;
                    Staging staging = default;
                    ref float rows = ref staging[0];
                    for (int half = 0; half < NR; half += 16)
                    {
                        for (int r = 0; r < 16; r++)
                        {
                            ref float from = ref Unsafe.Add(ref origin, (half + r) * columnStride);
                            ref float to = ref Unsafe.Add(ref rows, r * blocks);
                            for (int p = 0; p < blocks; p += 16)
                            {
                                Vector512.LoadUnsafe(ref from, (nuint)p).StoreUnsafe(ref to, (nuint)p);
                            }
                        }

                        for (int p = 0; p < blocks; p += 16)
                        {
                            TransposeKernel.Block16(ref Unsafe.Add(ref rows, p), blocks, ref Unsafe.Add(ref panel, (p * NR) + half), NR);
                        }
                    }
                }

                Strided(ref Unsafe.Add(ref origin, blocks * rowStride), columnStride, rowStride, ref Unsafe.Add(ref panel, blocks * NR), kc - blocks, NR);
            }
        }

        if (fullColumns < columns)
        {
            ref float origin = ref Unsafe.Add(ref source, (p0 * rowStride) + ((columnStart + fullColumns) * columnStride));
            Strided(ref origin, columnStride, rowStride, ref Unsafe.Add(ref destination, fullColumns * kc), kc, columns - fullColumns);
        }
    }

    // One B panel element by element: packed[p·NR + q] for q < columns, zeros for q in [columns, NR).
    private static void Strided(ref float origin, nint columnStride, nint rowStride, ref float panel, int kc, int columns)
    {
        for (int p = 0; p < kc; p++)
        {
            ref float from = ref Unsafe.Add(ref origin, p * rowStride);
            ref float to = ref Unsafe.Add(ref panel, p * NR);
            int q = 0;
            for (; q < columns; q++)
            {
                Unsafe.Add(ref to, q) = Unsafe.Add(ref from, q * columnStride);
            }

            for (; q < NR; q++)
            {
                Unsafe.Add(ref to, q) = 0f;
            }
        }
    }

    /// <summary>16 rows of one k block of a transposed B, on the stack.</summary>
    [InlineArray(16 * GemmBlocked.KC)]
    private struct Staging
    {
        private float _first;
    }
}
