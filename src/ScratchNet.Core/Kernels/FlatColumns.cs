using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;

namespace ScratchNet.Core.Kernels;

/// <summary>
/// For a flat window (<see cref="Im2Col.IsFlat"/>): the output columns j = q mod W of 16 consecutive places q of a row of cols,
/// counted along as q moves on by 16 rather than divided out, and the mask of those whose filter tap lies inside the image
/// (columnStart ≤ j &lt; columnEnd). The others wrap into the row above or below and stand for padding: the flat
/// <see cref="Col2Im"/> adds nothing from there. The kernel keeps the column vector in a local (a struct holding it was
/// spilled to the stack and ran 2–4× slower).
/// </summary>
internal static class FlatColumns
{
    /// <summary>Narrower images need more than two steps to bring 16 columns below the width; they take the per-row path.</summary>
    public const int MinimumWidth = 8;

    /// <summary>0, 1, …, 15: each lane's place after the first of its vector.</summary>
    public static Vector512<int> Lanes => Vector512.Create(0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15);

    /// <summary>The columns of places first … first + 15 of images <paramref name="width"/> wide (at least <see cref="MinimumWidth"/>).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector512<int> Start(int first, Vector512<int> width)
    {
        // first mod w + lane is below w + 15 < 3w: at most two steps bring it below w.
        Vector512<int> column = Vector512.Create(first % width.ToScalar()) + Lanes;
        column -= Vector512.GreaterThanOrEqual(column, width) & width;
        return column - (Vector512.GreaterThanOrEqual(column, width) & width);
    }

    /// <summary>All ones in the lanes whose column lies in [low, high), zero in the others.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector512<float> Inside(Vector512<int> column, Vector512<int> low, Vector512<int> high) =>
        (Vector512.GreaterThanOrEqual(column, low) & Vector512.LessThan(column, high)).AsSingle();

    /// <summary>The columns 16 places on: 16 mod w more (<paramref name="step"/>), one step back below w.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector512<int> Advance(Vector512<int> column, Vector512<int> step, Vector512<int> width)
    {
        column += step;
        return column - (Vector512.GreaterThanOrEqual(column, width) & width);
    }
}
