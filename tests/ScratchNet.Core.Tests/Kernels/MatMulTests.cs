using ScratchNet.Core.Kernels;
using ScratchNet.Core.Random;

namespace ScratchNet.Core.Tests.Kernels;

public class MatMulTests
{
    // Every dense-layer product against the naive oracle, on the shared shapes (fixed and random); the destinations
    // start out holding random values, so an element the kernel skips shows.
    [TestCaseSource(typeof(ProductCases), nameof(ProductCases.FixedAndRandom))]
    public void Forward_MatchesNaive(int[] shape)
    {
        DenseOperands d = ProductCases.Dense(shape, 1);
        var expected = new float[d.N * d.Out];
        MatMulNaive.Forward(d.X, d.W, d.B, expected, d.N, d.In, d.Out);
        MatMul.Forward(d.X, d.W, d.B, d.Y, d.N, d.In, d.Out);
        TestData.AssertClose(d.Y, expected, 1e-4, 1e-4, "y");
    }

    [TestCaseSource(typeof(ProductCases), nameof(ProductCases.FixedAndRandom))]
    public void Forward_WithoutBias_MatchesNaive(int[] shape)
    {
        DenseOperands d = ProductCases.Dense(shape, 11);
        var expected = new float[d.N * d.Out];
        MatMulNaive.Forward(d.X, d.W, default, expected, d.N, d.In, d.Out);
        MatMul.Forward(d.X, d.W, default, d.Y, d.N, d.In, d.Out);
        TestData.AssertClose(d.Y, expected, 1e-4, 1e-4, "y");
    }

    [TestCaseSource(typeof(ProductCases), nameof(ProductCases.FixedAndRandom))]
    public void BackwardWeights_MatchesNaive(int[] shape)
    {
        DenseOperands d = ProductCases.Dense(shape, 21);
        var expected = new float[d.In * d.Out];
        MatMulNaive.BackwardWeights(d.X, d.DY, expected, d.N, d.In, d.Out);
        MatMul.BackwardWeights(d.X, d.DY, d.DW, d.N, d.In, d.Out);
        TestData.AssertClose(d.DW, expected, 1e-4, 1e-4, "dW");
    }

    [TestCaseSource(typeof(ProductCases), nameof(ProductCases.FixedAndRandom))]
    public void BackwardInput_MatchesNaive(int[] shape)
    {
        DenseOperands d = ProductCases.Dense(shape, 31);
        var expected = new float[d.N * d.In];
        MatMulNaive.BackwardInput(d.DY, d.W, expected, d.N, d.In, d.Out);
        MatMul.BackwardInput(d.DY, d.W, d.DX, d.N, d.In, d.Out);
        TestData.AssertClose(d.DX, expected, 1e-4, 1e-4, "dX");
    }

    // Every operand layout of the general product, plain and accumulating; m = 0 is an empty batch.
    private static IEnumerable<TestCaseData> MultiplyCases()
    {
        int[][] sizes = [[1, 1, 1], [3, 5, 7], [5, 17, 65], [16, 9, 784], [32, 144, 196], [13, 100, 79], [0, 4, 3]];
        foreach (int[] s in sizes)
        {
            foreach ((bool transposeA, bool transposeB, bool accumulate) in ProductCases.Layouts())
            {
                yield return new TestCaseData(s[0], s[1], s[2], transposeA, transposeB, accumulate);
            }
        }
    }

    [TestCaseSource(nameof(MultiplyCases))]
    public void Multiply_MatchesNaive_ForEveryLayout(int m, int k, int n, bool transposeA, bool transposeB, bool accumulate)
    {
        float[] a = TestData.Uniform(m * k, 20);
        float[] b = TestData.Uniform(k * n, 21);
        float[] expected = TestData.Uniform(m * n, 22);
        float[] actual = (float[])expected.Clone();
        MatMulNaive.Multiply(a, b, expected, m, k, n, transposeA, transposeB, accumulate);
        MatMul.Multiply(a, b, actual, m, k, n, transposeA, transposeB, accumulate);
        TestData.AssertClose(actual, expected, 1e-4, 1e-4, "c");
    }

    // Random odd shapes up to 2048 along one axis for every layout, plain and accumulating: most are large enough
    // for the packed blocks (op(B) over 512 KB), some cross several k blocks, and every one misses the tile edges.
    private static IEnumerable<TestCaseData> LargeMultiplyCases()
    {
        var rng = new Xoshiro256(20260312);
        foreach ((bool transposeA, bool transposeB, bool accumulate) in ProductCases.Layouts())
        {
            // A long k (several k blocks), a long n, and a tall m: each about 10 million multiply-adds at most.
            int[][] shapes =
            [
                [1 + rng.NextInt(40), 1025 + rng.NextInt(1023), 257 + rng.NextInt(200)],
                [1 + rng.NextInt(20), 300 + rng.NextInt(300), 1025 + rng.NextInt(1023)],
                [1025 + rng.NextInt(1023), 129 + rng.NextInt(300), 9 + rng.NextInt(30)],
            ];
            foreach (int[] s in shapes)
            {
                yield return new TestCaseData(s[0], s[1], s[2], transposeA, transposeB, accumulate);
            }
        }
    }

    [TestCaseSource(nameof(LargeMultiplyCases))]
    public void Multiply_MatchesNaive_OnLargeOddShapes_ForEveryLayout(int m, int k, int n, bool transposeA, bool transposeB, bool accumulate)
    {
        float[] a = TestData.Uniform(m * k, 23);
        float[] b = TestData.Uniform(k * n, 24);
        float[] expected = TestData.Uniform(m * n, 25);
        float[] actual = (float[])expected.Clone();
        MatMulNaive.Multiply(a, b, expected, m, k, n, transposeA, transposeB, accumulate);
        MatMul.Multiply(a, b, actual, m, k, n, transposeA, transposeB, accumulate);
        TestData.AssertClose(actual, expected, 1e-4, 2e-4, "c");
    }

    // Direct tiles (op(B) up to 512 KB), packed blocks (over it), several k blocks (k > 256), edges in every direction.
    [TestCase(5, 17, 65)]
    [TestCase(32, 144, 196)]
    [TestCase(16, 9, 784)]
    [TestCase(37, 700, 300)]
    [TestCase(9, 1100, 500)]
    [TestCase(20, 600, 900)]
    public void Multiply_IsTheFmaChainOverPInOrder_BitForBit_ForEveryLayout(int m, int k, int n)
    {
        float[] a = TestData.Uniform(m * k, 26);
        float[] b = TestData.Uniform(k * n, 27);
        float[] c = TestData.Uniform(m * n, 28);
        ProductCases.AssertEveryLayoutIsTheFmaChain(a, b, c, m, k, n);
    }

    [TestCase(7, 33, 130)]
    [TestCase(40, 600, 300)]
    public void Forward_IsTheFmaChainFromTheBias_BitForBit(int n, int inF, int outF)
    {
        float[] x = TestData.Uniform(n * inF, 29);
        float[] w = TestData.Uniform(inF * outF, 30);
        float[] bias = TestData.Uniform(outF, 31);
        ProductCases.AssertForwardIsTheFmaChain(x, w, bias, n, inF, outF);
    }

    [TestCase(3, 50, 40)]
    [TestCase(70, 900, 700)]
    public void Multiply_WithATeam_IsBitIdenticalToOneThread_ForEveryLayout(int m, int k, int n)
    {
        float[] a = TestData.Uniform(m * k, 32);
        float[] b = TestData.Uniform(k * n, 33);
        float[] c = TestData.Uniform(m * n, 34);
        using var team = new ComputeTeam(3);
        foreach ((bool transposeA, bool transposeB, bool accumulate) in ProductCases.Layouts())
        {
            float[] expected = (float[])c.Clone();
            float[] actual = (float[])c.Clone();
            MatMul.Multiply(a, b, expected, m, k, n, transposeA, transposeB, accumulate);
            MatMul.Multiply(a, b, actual, m, k, n, team, transposeA, transposeB, accumulate);
            Assert.That(actual, Is.EqualTo(expected), $"transposeA={transposeA} transposeB={transposeB} accumulate={accumulate}");
        }
    }

    [Test]
    public void Multiply_WithATeam_Throws_WhenDestinationTooShort()
    {
        using var team = new ComputeTeam(2);
        Assert.Throws<ArgumentException>(() => MatMul.Multiply(new float[6], new float[6], new float[3], 2, 3, 2, team));
    }

    [Test]
    public void Multiply_Accumulates_IntoWhatCHolds()
    {
        float[] a = [1, 2, 3, 4];
        float[] b = [1, 0, 0, 1];
        float[] c = [10, 20, 30, 40];
        MatMul.Multiply(a, b, c, 2, 2, 2, accumulate: true);
        Assert.That(c, Is.EqualTo(new float[] { 11, 22, 33, 44 }));
    }

    [Test]
    public void Multiply_Throws_WhenAIsShorterThanItsShape()
    {
        var ex = Assert.Throws<ArgumentException>(() => MatMul.Multiply(new float[5], new float[6], new float[6], 2, 3, 2));
        Assert.That(ex!.Message, Does.Contain("a has 5 values").And.Contain("(2, 3)"));
    }

    [Test]
    public void Multiply_Throws_WhenDestinationTooShort() =>
        Assert.Throws<ArgumentException>(() => MatMul.Multiply(new float[6], new float[6], new float[3], 2, 3, 2));

    [Test]
    public void Forward_LeavesRowsBeyondNUntouched()
    {
        float[] x = TestData.Uniform(8 * 20, 12);
        float[] w = TestData.Uniform(20 * 70, 13);
        var y = new float[8 * 70];
        Array.Fill(y, 42f);
        MatMul.Forward(x, w, default, y, 5, 20, 70);
        Assert.That(y.AsSpan(5 * 70).ToArray(), Is.All.EqualTo(42f));
    }

    [Test]
    public void Forward_Throws_WhenLengthsMismatch()
    {
        var ex = Assert.Throws<ArgumentException>(() => MatMul.Forward(new float[32 * 783], new float[784 * 128], default, new float[32 * 128], 32, 784, 128));
        Assert.That(ex!.Message, Does.Contain("x has 25056 values").And.Contain("(32, 784)"));
    }

    [Test]
    public void Forward_Throws_WhenBiasLengthIsWrong()
    {
        var ex = Assert.Throws<ArgumentException>(() => MatMul.Forward(new float[2 * 3], new float[3 * 4], new float[5], new float[2 * 4], 2, 3, 4));
        Assert.That(ex!.Message, Does.Contain("b has 5 values").And.Contain("4 outputs"));
    }

    [Test]
    public void Forward_Throws_WhenDestinationTooShort()
    {
        var ex = Assert.Throws<ArgumentException>(() => MatMul.Forward(new float[2 * 3], new float[3 * 4], default, new float[7], 2, 3, 4));
        Assert.That(ex!.Message, Does.Contain("y has 7 values"));
    }

    [Test]
    public void BackwardWeights_Throws_WhenDestinationTooShort() =>
        Assert.Throws<ArgumentException>(() => MatMul.BackwardWeights(new float[2 * 3], new float[2 * 4], new float[11], 2, 3, 4));

    [Test]
    public void Transpose_SwapsRowsAndColumns()
    {
        float[] a = [1, 2, 3, 4, 5, 6];
        var aT = new float[6];
        MatMul.Transpose(a, aT, 2, 3);
        Assert.That(aT, Is.EqualTo(new float[] { 1, 4, 2, 5, 3, 6 }));
    }

    [TestCase(1, 1)]
    [TestCase(16, 16)]
    [TestCase(128, 64)]
    [TestCase(64, 10)]
    [TestCase(784, 128)]
    [TestCase(17, 33)]
    [TestCase(33, 47)]
    [TestCase(5, 100)]
    public void Transpose_MatchesNaive_ForBlockAndEdgeShapes(int rows, int columns)
    {
        float[] a = TestData.Uniform(rows * columns, 16);
        var expected = new float[rows * columns];
        float[] actual = TestData.Uniform(rows * columns, 17);
        MatMulNaive.Transpose(a, expected, rows, columns);
        MatMul.Transpose(a, actual, rows, columns);
        Assert.That(actual, Is.EqualTo(expected));
    }

    [TestCase(1, 1)]
    [TestCase(32, 128)]
    [TestCase(7, 33)]
    public void BiasBackward_MatchesNaive(int n, int outF)
    {
        float[] dY = TestData.Uniform(n * outF, 14);
        var expected = new float[outF];
        float[] actual = TestData.Uniform(outF, 15);
        MatMulNaive.BiasBackward(dY, expected, n, outF);
        Bias.Backward(dY, actual, n, outF);
        TestData.AssertClose(actual, expected, 1e-5, 1e-5, "dB");
    }

    [Test]
    public void BiasBackward_Throws_WhenLengthsMismatch() =>
        Assert.Throws<ArgumentException>(() => Bias.Backward(new float[6], new float[4], 2, 3));
}
