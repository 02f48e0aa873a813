using ScratchNet.Core.Kernels;

namespace ScratchNet.Core.Tests.Kernels;

public class BatchNormalizationTests
{
    // (n, C, plane): after a convolution (plane = H·W) and after a dense layer (plane = 1), odd sizes.
    private static readonly object[] Shapes =
    [
        new[] { 3, 2, 5 },
        new[] { 2, 4, 9 },
        new[] { 7, 5, 1 },
        new[] { 32, 16, 49 },
    ];

    [TestCaseSource(nameof(Shapes))]
    public void ForwardTraining_MatchesNaive(int[] shape)
    {
        (int n, int c, int plane) = (shape[0], shape[1], shape[2]);
        float[] x = Shifted(TestData.Uniform(n * c * plane, 1), 3f);
        float[] gamma = TestData.Uniform(c, 2, 0.5f, 2f), beta = TestData.Uniform(c, 3);
        var expected = new float[x.Length];
        BatchNormalizationNaive.ForwardTraining(x, gamma, beta, expected, n, c, plane, 1e-5f);

        var y = new float[x.Length];
        var xHat = new float[x.Length];
        var mean = new float[c];
        var variance = new float[c];
        var inverseStd = new float[c];
        BatchNormalization.ForwardTraining(x, gamma, beta, y, xHat, mean, variance, inverseStd, n, c, plane, 1e-5f);
        TestData.AssertClose(y, expected, 1e-4, 1e-4, "y");
        for (int ch = 0; ch < c; ch++)
        {
            Assert.That(mean[ch], Is.EqualTo(3.0).Within(1.0), "the shift moves the mean");
        }
    }

    [TestCaseSource(nameof(Shapes))]
    public void Backward_MatchesTheNaiveLongForm(int[] shape)
    {
        (int n, int c, int plane) = (shape[0], shape[1], shape[2]);
        float[] x = TestData.Uniform(n * c * plane, 4);
        float[] gamma = TestData.Uniform(c, 5, 0.5f, 2f), beta = TestData.Uniform(c, 6);
        float[] dY = TestData.Uniform(x.Length, 7);
        var dXExpected = new float[x.Length];
        var dGammaExpected = new float[c];
        var dBetaExpected = new float[c];
        BatchNormalizationNaive.Backward(x, dY, gamma, dXExpected, dGammaExpected, dBetaExpected, n, c, plane, 1e-5f);

        var y = new float[x.Length];
        var xHat = new float[x.Length];
        var inverseStd = new float[c];
        BatchNormalization.ForwardTraining(x, gamma, beta, y, xHat, new float[c], new float[c], inverseStd, n, c, plane, 1e-5f);
        float[] dX = TestData.Uniform(x.Length, 8), dGamma = TestData.Uniform(c, 9), dBeta = TestData.Uniform(c, 10);
        BatchNormalization.Backward(dY, xHat, gamma, inverseStd, dX, dGamma, dBeta, n, c, plane, batchStatistics: true);
        TestData.AssertClose(dX, dXExpected, 1e-3, 1e-4, "dX");
        TestData.AssertClose(dGamma, dGammaExpected, 1e-4, 1e-4, "dGamma");
        TestData.AssertClose(dBeta, dBetaExpected, 1e-4, 1e-4, "dBeta");
    }

    [Test]
    public void ForwardTraining_NormalisesEachChannelToMeanZeroAndVarianceOne()
    {
        (int n, int c, int plane) = (4, 3, 6);
        float[] x = Shifted(TestData.Uniform(n * c * plane, 11, -5f, 5f), 100f);
        var y = new float[x.Length];
        var variance = new float[c];
        BatchNormalization.ForwardTraining(x, [1f, 1f, 1f], [0f, 0f, 0f], y, new float[x.Length], new float[c], variance, new float[c], n, c, plane, 1e-5f);
        for (int ch = 0; ch < c; ch++)
        {
            double[] values = Enumerable.Range(0, n).SelectMany(i => y.AsSpan(((i * c) + ch) * plane, plane).ToArray()).Select(v => (double)v).ToArray();
            Assert.That(values.Average(), Is.EqualTo(0.0).Within(1e-5), $"mean of channel {ch}");
            Assert.That(values.Select(v => v * v).Average(), Is.EqualTo(1.0).Within(1e-3), $"variance of channel {ch}");
            Assert.That(variance[ch], Is.GreaterThan(1f), "the batch variance of uniform(−5, 5) values, about 8.3, even 100 away from zero");
        }
    }

    [Test]
    public void ForwardInference_UsesTheGivenStatistics()
    {
        // y = γ·(x − μ)/√(σ² + ε) + β with μ = 1, σ² = 4 − ε, γ = 3, β = 0.5: y = 3·(x − 1)/2 + 0.5.
        float[] x = [1f, 3f, -1f];
        var y = new float[3];
        BatchNormalization.ForwardInference(x, [3f], [0.5f], [1f], [4f - 1e-5f], y, new float[3], 3, 1, 1, 1e-5f);
        TestData.AssertClose(y, [0.5f, 3.5f, -2.5f], 1e-6, 1e-6, "y");
    }

    [Test]
    public void Throws_WhenLengthsMismatch()
    {
        var e = Assert.Throws<ArgumentException>(() => BatchNormalization.ForwardTraining(
            new float[12], new float[3], new float[2], new float[12], new float[12], new float[3], new float[3], new float[3], 2, 3, 2, 1e-5f));
        Assert.That(e!.Message, Does.Contain("beta has 2 values, but there are 3 channels"));
    }

    [Test]
    public void Throws_WhenDestinationTooShort()
    {
        var e = Assert.Throws<ArgumentException>(() => BatchNormalization.ForwardTraining(
            new float[12], new float[3], new float[3], new float[11], new float[12], new float[3], new float[3], new float[3], 2, 3, 2, 1e-5f));
        Assert.That(e!.Message, Does.Contain("y has 11 values, but a (2, 6) matrix needs 12"));
    }

    private static float[] Shifted(float[] values, float by) => values.Select(v => v + by).ToArray();
}
