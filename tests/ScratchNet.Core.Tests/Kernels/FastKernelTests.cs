using ScratchNet.Core.Kernels;

namespace ScratchNet.Core.Tests.Kernels;

/// <summary>
/// The fast kernels' tile choices (long k, partial last vectors) and the thread split: every partition must give
/// bit-identical results. Their values against the naive oracle on the shared shapes are in <see cref="MatMulTests"/>.
/// </summary>
public class FastKernelTests
{
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
        DenseOperands d = ProductCases.Dense([n, inF, outF], 44);
        MatMul.Forward(d.X, d.W, d.B, d.Y, n, inF, outF);
        MatMul.BackwardWeights(d.X, d.DY, d.DW, n, inF, outF);
        MatMul.BackwardInput(d.DY, d.W, d.DX, n, inF, outF);

        foreach (int threads in new[] { 2, 3, 4 })
        {
            using var team = new ComputeTeam(threads);
            var yTeam = new float[d.Y.Length];
            var dWTeam = new float[d.DW.Length];
            var dXTeam = new float[d.DX.Length];
            MatMul.Forward(d.X, d.W, d.B, yTeam, n, inF, outF, team);
            MatMul.BackwardWeights(d.X, d.DY, dWTeam, n, inF, outF, team);
            MatMul.BackwardInput(d.DY, d.W, dXTeam, n, inF, outF, team);

            Assert.That(yTeam, Is.EqualTo(d.Y), $"y, {threads} threads");
            Assert.That(dWTeam, Is.EqualTo(d.DW), $"dW, {threads} threads");
            Assert.That(dXTeam, Is.EqualTo(d.DX), $"dX, {threads} threads");
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
