using System.Runtime.Intrinsics;
using ScratchNet.Core.Kernels;

namespace ScratchNet.Core.Tests.Kernels;

/// <summary>
/// The engine that skips op(A)'s zeros (first layers on MNIST pixels): through <see cref="MatMul"/>, which picks it
/// from the data, it must give the fma chain's bits on every shape, layout, bias, accumulation and thread count.
/// </summary>
public class GemmSparseATests
{
    private static IEnumerable<TestCaseData> Shapes()
    {
        // Rows in and out of pairs and of blocks of 16 (op(A) transposed), columns in and out of blocks of 128 and vectors
        // of 16 (64 where a transposed A takes rows in fours: k over 64), k in and out of vectors and of 32-row mask words;
        // B wider than one panel, copied panel by panel from 16 rows of C, its last panel cut inside a vector; k over
        // 1,024, with and without a copy of B.
        int[][] shapes = [[1, 16, 16], [3, 17, 17], [4, 100, 64], [5, 784, 130], [37, 200, 100], [9, 33, 200], [64, 150, 16], [50, 70, 300], [33, 784, 128], [17, 65, 144], [20, 784, 300], [16, 600, 201], [48, 520, 135], [20, 1100, 130], [5, 2100, 256]];
        return shapes.Select(s => new TestCaseData(s[0], s[1], s[2]));
    }

    [TestCaseSource(nameof(Shapes))]
    public void Multiply_OnAMostlyZeroA_IsTheFmaChain_BitForBit_ForEveryLayoutItTakes(int m, int k, int n)
    {
        float[] a = Sparse(m * k, 0.15, 91);
        float[] b = TestData.Uniform(k * n, 92);
        float[] c = TestData.Uniform(m * n, 93);
        Assert.That(GemmSparseA.Suits(a, false, false, m, k, n), Is.EqualTo(Vector512.IsHardwareAccelerated), "the sparse engine runs here");
        ProductCases.AssertEveryLayoutIsTheFmaChain(a, b, c, m, k, n);
    }

    [TestCaseSource(nameof(Shapes))]
    public void Forward_OnMostlyZeroInputs_IsTheFmaChainFromTheBias_BitForBit(int n, int inF, int outF)
    {
        float[] x = Sparse(n * inF, 0.2, 94);
        float[] w = TestData.Uniform(inF * outF, 95);
        float[] bias = TestData.Uniform(outF, 96);
        ProductCases.AssertForwardIsTheFmaChain(x, w, bias, n, inF, outF);
    }

    [TestCase(70, 784, 128)]
    [TestCase(256, 300, 200)]
    public void Multiply_OnAMostlyZeroA_WithATeam_IsBitIdenticalToTheFmaChain(int m, int k, int n)
    {
        float[] a = Sparse(m * k, 0.19, 97);
        float[] b = TestData.Uniform(k * n, 98);
        float[] c = TestData.Uniform(m * n, 99);
        using var team = new ComputeTeam(3);
        ProductCases.AssertEveryLayoutIsTheFmaChain(a, b, c, m, k, n, team);
    }

    [Test]
    public void Multiply_OfAnAllZeroA_GivesTheBiasOrWhatCHeld()
    {
        float[] a = new float[5 * 40];
        float[] b = TestData.Uniform(40 * 70, 100);
        float[] bias = TestData.Uniform(70, 101);
        var y = new float[5 * 70];
        MatMul.Forward(a, b, bias, y, 5, 40, 70);
        for (int i = 0; i < 5; i++)
        {
            Assert.That(y.AsSpan(i * 70, 70).ToArray(), Is.EqualTo(bias));
        }

        float[] c = TestData.Uniform(5 * 70, 102);
        float[] held = (float[])c.Clone();
        MatMul.Multiply(a, b, c, 5, 40, 70, accumulate: true);
        Assert.That(c, Is.EqualTo(held));
    }

    [Test]
    public void ANaNInA_StillSpreads_WhereItsRowMeetsB()
    {
        float[] a = new float[4 * 32];
        a[(2 * 32) + 5] = float.NaN;
        float[] b = TestData.Uniform(32 * 20, 103);
        var c = new float[4 * 20];
        MatMul.Multiply(a, b, c, 4, 32, 20);
        Assert.That(c.AsSpan(2 * 20, 20).ToArray(), Has.All.NaN);
        Assert.That(c.AsSpan(0, 2 * 20).ToArray(), Has.All.EqualTo(0f));
    }

    [Test]
    public void Suits_OnlyMostlyZeroAAndRowMajorB()
    {
        float[] sparse = Sparse(8 * 64, 0.1, 104);
        float[] dense = TestData.Uniform(8 * 64, 105);
        Assume.That(Vector512.IsHardwareAccelerated, "the sparse engine needs AVX-512; without it every product runs dense");
        Assert.That(GemmSparseA.Suits(sparse, transposeA: false, transposeB: false, 8, 64, 32), Is.True);
        Assert.That(GemmSparseA.Suits(sparse, transposeA: true, transposeB: false, 8, 64, 32), Is.True);
        Assert.That(GemmSparseA.Suits(sparse, transposeA: false, transposeB: true, 8, 64, 32), Is.False, "op(B) transposed");
        Assert.That(GemmSparseA.Suits(sparse, transposeA: false, transposeB: false, 8, 64, 8), Is.False, "fewer columns than a vector");
        Assert.That(GemmSparseA.Suits(dense, transposeA: false, transposeB: false, 8, 64, 32), Is.False, "dense A");
    }

    // length values, about `density` of them non-zero, the rest +0 or −0.
    private static float[] Sparse(int length, double density, ulong seed)
    {
        float[] values = TestData.Uniform(length, seed);
        float[] coin = TestData.Uniform(length, seed + 1000, 0f, 1f);
        for (int i = 0; i < length; i++)
        {
            if (coin[i] >= density)
            {
                values[i] = i % 7 == 0 ? -0f : 0f;
            }
        }

        return values;
    }
}
