using ScratchNet.Core.Kernels;
using ScratchNet.Core.Random;

namespace ScratchNet.Core.Tests.Kernels;

/// <summary>
/// The fast kernels against the naive oracle on random shapes (narrow and odd widths that miss every tile
/// and vector boundary), and the thread split: every partition must give bit-identical results.
/// </summary>
public class FastKernelTests
{
    // Narrow outputs (1, 3, 10, 17 …) take the partial-vector tiles; 16, 64, 80 land on the boundaries.
    private static readonly int[] Widths = [1, 2, 3, 10, 15, 16, 17, 31, 33, 63, 64, 65, 80, 130];

    private static IEnumerable<int[]> RandomShapes()
    {
        var rng = new Xoshiro256(20240601);
        foreach (int width in Widths)
        {
            yield return [1 + rng.NextInt(37), 1 + rng.NextInt(140), width];
            yield return [1 + rng.NextInt(9), width, 1 + rng.NextInt(70)];
        }
    }

    [TestCaseSource(nameof(RandomShapes))]
    public void Forward_MatchesNaive_OnRandomShapes(int[] shape)
    {
        (int n, int inF, int outF) = (shape[0], shape[1], shape[2]);
        float[] x = TestData.Uniform(n * inF, 31);
        float[] w = TestData.Uniform(inF * outF, 32);
        float[] b = TestData.Uniform(outF, 33);
        var expected = new float[n * outF];
        float[] actual = TestData.Uniform(n * outF, 34);
        MatMulNaive.Forward(x, w, b, expected, n, inF, outF);
        MatMul.Forward(x, w, b, actual, n, inF, outF);
        TestData.AssertClose(actual, expected, 1e-4, 1e-4, "y");
    }

    // k ≥ 256 takes the 8 × 32 tiles (the first layer's k = 784); each row must come out exactly as it does
    // when computed alone (one row never fills a tall tile), so the tile shape cannot change any result.
    [TestCase(8, 784, 128)]
    [TestCase(19, 300, 70)]
    [TestCase(17, 257, 33)]
    [TestCase(9, 256, 10)]
    [TestCase(32, 784, 130)]
    public void Forward_WithLongK_MatchesNaive_AndEachRowEqualsThatRowComputedAlone(int n, int inF, int outF)
    {
        float[] x = TestData.Uniform(n * inF, 61);
        float[] w = TestData.Uniform(inF * outF, 62);
        float[] b = TestData.Uniform(outF, 63);
        var expected = new float[n * outF];
        var actual = new float[n * outF];
        MatMulNaive.Forward(x, w, b, expected, n, inF, outF);
        MatMul.Forward(x, w, b, actual, n, inF, outF);
        TestData.AssertClose(actual, expected, 1e-4, 1e-4, "y");

        var single = new float[outF];
        for (int row = 0; row < n; row++)
        {
            MatMul.Forward(x.AsSpan(row * inF, inF), w, b, single, 1, inF, outF);
            Assert.That(actual.AsSpan(row * outF, outF).ToArray(), Is.EqualTo(single), $"row {row}");
        }
    }

    [TestCaseSource(nameof(RandomShapes))]
    public void BackwardWeights_MatchesNaive_OnRandomShapes(int[] shape)
    {
        (int n, int inF, int outF) = (shape[0], shape[1], shape[2]);
        float[] x = TestData.Uniform(n * inF, 35);
        float[] dY = TestData.Uniform(n * outF, 36);
        var expected = new float[inF * outF];
        float[] actual = TestData.Uniform(inF * outF, 37);
        MatMulNaive.BackwardWeights(x, dY, expected, n, inF, outF);
        MatMul.BackwardWeights(x, dY, actual, n, inF, outF);
        TestData.AssertClose(actual, expected, 1e-4, 1e-4, "dW");
    }

    [TestCaseSource(nameof(RandomShapes))]
    public void BackwardInput_MatchesNaive_OnRandomShapes(int[] shape)
    {
        (int n, int inF, int outF) = (shape[0], shape[1], shape[2]);
        float[] dY = TestData.Uniform(n * outF, 38);
        float[] w = TestData.Uniform(inF * outF, 39);
        var expected = new float[n * inF];
        float[] actual = TestData.Uniform(n * inF, 40);
        MatMulNaive.BackwardInput(dY, w, expected, n, inF, outF);
        MatMul.BackwardInput(dY, w, actual, n, inF, outF);
        TestData.AssertClose(actual, expected, 1e-4, 1e-4, "dX");
    }

    [Test]
    public void Kernels_DoNotWritePastTheOutput_WhenTheLastVectorIsPartial()
    {
        // y: (5, 10) inside a longer buffer; the partial-vector tail must leave the rest alone.
        float[] x = TestData.Uniform(5 * 7, 41);
        float[] w = TestData.Uniform(7 * 10, 42);
        var y = new float[(5 * 10) + 16];
        Array.Fill(y, 42f);
        MatMul.Forward(x, w, default, y, 5, 7, 10);
        Assert.That(y.AsSpan(50).ToArray(), Is.All.EqualTo(42f));

        float[] dY = TestData.Uniform(5 * 10, 43);
        var dX = new float[(5 * 7) + 16];
        Array.Fill(dX, 42f);
        MatMul.BackwardInput(dY, w, dX, 5, 7, 10);
        Assert.That(dX.AsSpan(35).ToArray(), Is.All.EqualTo(42f));
    }

    // Shapes on the direct tiles (the reference layers, odd and narrow ones) and on the packed blocks (op(B) over 512 KB).
    [TestCase(32, 784, 128)]
    [TestCase(32, 128, 64)]
    [TestCase(32, 64, 10)]
    [TestCase(13, 100, 79)]
    [TestCase(7, 33, 130)]
    [TestCase(1000, 64, 10)]
    [TestCase(70, 300, 500)]
    [TestCase(40, 700, 800)]
    public void TeamsOfAnySize_GiveBitIdenticalResultsToOneThread(int n, int inF, int outF)
    {
        float[] x = TestData.Uniform(n * inF, 44);
        float[] w = TestData.Uniform(inF * outF, 45);
        float[] b = TestData.Uniform(outF, 46);
        float[] dY = TestData.Uniform(n * outF, 47);
        var y = new float[n * outF];
        var dW = new float[inF * outF];
        var dX = new float[n * inF];
        MatMul.Forward(x, w, b, y, n, inF, outF);
        MatMul.BackwardWeights(x, dY, dW, n, inF, outF);
        MatMul.BackwardInput(dY, w, dX, n, inF, outF);

        foreach (int threads in new[] { 2, 3, 4 })
        {
            using var team = new ComputeTeam(threads);
            var yTeam = new float[y.Length];
            var dWTeam = new float[dW.Length];
            var dXTeam = new float[dX.Length];
            MatMul.Forward(x, w, b, yTeam, n, inF, outF, team);
            MatMul.BackwardWeights(x, dY, dWTeam, n, inF, outF, team);
            MatMul.BackwardInput(dY, w, dXTeam, n, inF, outF, team);

            Assert.That(yTeam, Is.EqualTo(y), $"y, {threads} threads");
            Assert.That(dWTeam, Is.EqualTo(dW), $"dW, {threads} threads");
            Assert.That(dXTeam, Is.EqualTo(dX), $"dX, {threads} threads");
        }
    }

    [TestCase(10, 1, 4)]
    [TestCase(130, 2, 64)]
    [TestCase(7, 3, 4)]
    [TestCase(0, 2, 4)]
    public void Partition_CoversTheAxisOnceInOrder(int length, int parts, int block)
    {
        int next = 0;
        for (int part = 0; part < parts; part++)
        {
            (int start, int end) = Partition.Range(length, part, parts, block);
            Assert.That(start, Is.EqualTo(next), $"part {part} start");
            Assert.That(end, Is.GreaterThanOrEqualTo(start), $"part {part} end");
            Assert.That(part == parts - 1 || end % block == 0, Is.True, $"part {part} ends inside a block");
            next = end;
        }

        Assert.That(next, Is.EqualTo(length));
    }

    [Test]
    public void BackwardInput_Throws_WhenDestinationTooShort() =>
        Assert.Throws<ArgumentException>(() => MatMul.BackwardInput(new float[2 * 4], new float[3 * 4], new float[5], 2, 3, 4));

    [Test]
    public void BackwardInput_Throws_WhenLengthsMismatch() =>
        Assert.Throws<ArgumentException>(() => MatMul.BackwardInput(new float[2 * 4], new float[3 * 3], new float[2 * 3], 2, 3, 4));
}
