using ScratchNet.Core.Kernels;
using ScratchNet.Core.Random;

namespace ScratchNet.Core.Tests.Kernels;

/// <summary>
/// The dense-layer shapes and operand layouts the product kernels are tested on, and their random operands, defined
/// once for <see cref="MatMulTests"/>, <see cref="FastKernelTests"/>, <see cref="GemmVectorTests"/>,
/// <see cref="GemmBlockedTests"/> and <see cref="GemmSparseATests"/>, with the assertions they share. A shape is
/// (n, in, out): y (n, out) = x (n, in) · W (in, out) + b.
/// </summary>
internal static class ProductCases
{
    // The reference layers, odd sizes that miss every tile and vector boundary, sizes that land exactly on them,
    // and a long evaluation-sized batch through the narrow output layer.
    public static readonly int[][] Fixed =
    [
        [32, 784, 128], [32, 128, 64], [32, 64, 10],
        [1, 1, 1], [3, 5, 7], [5, 17, 65], [7, 33, 130], [4, 64, 64],
        [9, 3, 16], [13, 100, 79], [6, 20, 40], [1000, 64, 10],
    ];

    // Narrow outputs (1, 3, 10, 17 …) take the partial-vector tiles; 16, 64, 80 land on the boundaries.
    private static readonly int[] Widths = [1, 2, 3, 10, 15, 16, 17, 31, 33, 63, 64, 65, 80, 130];

    /// <summary>Two random shapes for each width: once as the outputs, once as the inputs (the summed axis).</summary>
    public static IEnumerable<int[]> Random()
    {
        var rng = new Xoshiro256(20240601);
        foreach (int width in Widths)
        {
            yield return [1 + rng.NextInt(37), 1 + rng.NextInt(140), width];
            yield return [1 + rng.NextInt(9), width, 1 + rng.NextInt(70)];
        }
    }

    public static IEnumerable<int[]> FixedAndRandom() => Fixed.Concat(Random());

    /// <summary>Every operand layout of the general product (op(A) = A or Aᵀ, op(B) = B or Bᵀ), plain and accumulating.</summary>
    public static IEnumerable<(bool TransposeA, bool TransposeB, bool Accumulate)> Layouts() =>
        from transposeA in new[] { false, true }
        from transposeB in new[] { false, true }
        from accumulate in new[] { false, true }
        select (transposeA, transposeB, accumulate);

    /// <summary>Asserts that <see cref="MatMul.Forward(ReadOnlySpan{float}, ReadOnlySpan{float}, ReadOnlySpan{float}, Span{float}, int, int, int)"/> gives <see cref="FmaChain"/>'s bits from the bias.</summary>
    public static void AssertForwardIsTheFmaChain(float[] x, float[] w, float[] bias, int n, int inF, int outF)
    {
        var expected = new float[n * outF];
        var actual = new float[n * outF];
        FmaChain.Multiply(x, w, bias, expected, n, inF, outF, false, false, false);
        MatMul.Forward(x, w, bias, actual, n, inF, outF);
        Assert.That(actual, Is.EqualTo(expected));
    }

    /// <summary>
    /// Asserts that <see cref="MatMul.Multiply(ReadOnlyMemory{float}, ReadOnlyMemory{float}, Memory{float}, int, int, int, ComputeTeam?, bool, bool, bool)"/>
    /// (on <paramref name="team"/>; null: the span overload on the calling thread) gives <see cref="FmaChain"/>'s bits on a, b and C starting
    /// at <paramref name="c"/>, in every one of <see cref="Layouts"/>.
    /// </summary>
    public static void AssertEveryLayoutIsTheFmaChain(float[] a, float[] b, float[] c, int m, int k, int n, ComputeTeam? team = null)
    {
        foreach ((bool transposeA, bool transposeB, bool accumulate) in Layouts())
        {
            float[] expected = (float[])c.Clone();
            float[] actual = (float[])c.Clone();
            FmaChain.Multiply(a, b, null, expected, m, k, n, transposeA, transposeB, accumulate);
            if (team is null)
            {
                MatMul.Multiply(a, b, actual, m, k, n, transposeA, transposeB, accumulate);
            }
            else
            {
                MatMul.Multiply(a, b, actual, m, k, n, team, transposeA, transposeB, accumulate);
            }

            Assert.That(actual, Is.EqualTo(expected), $"transposeA={transposeA} transposeB={transposeB} accumulate={accumulate}");
        }
    }

    /// <summary>
    /// Random operands of a dense layer of <paramref name="shape"/> (n, in, out), seeded by <paramref name="seed"/>:
    /// x (n, in), W (in, out), b (out), dY (n, out), and a destination of each output shape holding random values, so a
    /// kernel that skips an element cannot pass.
    /// </summary>
    public static DenseOperands Dense(int[] shape, ulong seed)
    {
        (int n, int inF, int outF) = (shape[0], shape[1], shape[2]);
        return new DenseOperands(
            n, inF, outF,
            X: TestData.Uniform(n * inF, seed),
            W: TestData.Uniform(inF * outF, seed + 1),
            B: TestData.Uniform(outF, seed + 2),
            DY: TestData.Uniform(n * outF, seed + 3),
            Y: TestData.Uniform(n * outF, seed + 4),
            DW: TestData.Uniform(inF * outF, seed + 5),
            DX: TestData.Uniform(n * inF, seed + 6));
    }
}

internal sealed record DenseOperands(int N, int In, int Out, float[] X, float[] W, float[] B, float[] DY, float[] Y, float[] DW, float[] DX);
