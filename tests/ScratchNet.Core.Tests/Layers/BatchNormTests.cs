using ScratchNet.Core.Layers;

namespace ScratchNet.Core.Tests.Layers;

public class BatchNormTests
{
    private static BatchNorm NewBatchNorm(Shape shape, int capacity, ulong seed)
    {
        var bn = new BatchNorm("bn0", shape, capacity);
        TestData.Uniform(shape.Channels, seed, 0.5f, 2f).CopyTo(bn.Gamma.Value, 0);
        TestData.Uniform(shape.Channels, seed + 1).CopyTo(bn.Beta.Value, 0);
        return bn;
    }

    [TestCase(3, 2, 3, 5)]
    [TestCase(5, 4, 1, 1)]
    public void Training_Backward_MatchesFiniteDifferences(int n, int channels, int height, int width)
    {
        BatchNorm bn = NewBatchNorm(new Shape(channels, height, width), n, 1);
        bn.IsTraining = true;
        LayerGradientCheck.AssertGradients(bn, TestData.Uniform(n * bn.InputSize, 2, -2f, 3f), n, seed: 3, h: 1e-3f, relative: 2e-2, absolute: 2e-3);
    }

    [Test]
    public void Evaluation_Backward_MatchesFiniteDifferences()
    {
        BatchNorm bn = NewBatchNorm(new Shape(3, 2, 2), 2, 4);
        TestData.Uniform(3, 5).CopyTo(bn.RunningMean.Value, 0);
        TestData.Uniform(3, 6, 0.5f, 2f).CopyTo(bn.RunningVariance.Value, 0);
        LayerGradientCheck.AssertGradients(bn, TestData.Uniform(2 * 12, 7), 2, seed: 8);
    }

    [Test]
    public void Training_UpdatesTheRunningStatistics_AsPyTorch()
    {
        // One channel, four values 1, 2, 3, 6: μ = 3, biased σ² = 3.5, unbiased 14/3. With momentum 0.1 from (0, 1):
        // running_mean = 0.9·0 + 0.1·3 = 0.3, running_var = 0.9·1 + 0.1·14/3 ≈ 1.3667 (torch.nn.BatchNorm1d gives the same).
        var bn = new BatchNorm("bn0", Shape.Flat(1), 4) { IsTraining = true };
        bn.Forward(new float[] { 1, 2, 3, 6 }, 4);
        Assert.That(bn.RunningMean.Value[0], Is.EqualTo(0.3f).Within(1e-6));
        Assert.That(bn.RunningVariance.Value[0], Is.EqualTo(0.9f + (0.1f * 14f / 3f)).Within(1e-6));
    }

    [Test]
    public void Evaluation_NormalisesWithTheRunningStatistics_AndLeavesThemAlone()
    {
        var bn = new BatchNorm("bn0", new Shape(2, 1, 2), 1);
        bn.RunningMean.Value[0] = 1f;
        bn.RunningVariance.Value[1] = 4f - BatchNorm.DefaultEpsilon;
        bn.Gamma.Value[1] = 3f;
        bn.Beta.Value[0] = 0.5f;
        float[] y = bn.Forward(new float[] { 2, 3, 4, -2 }, 1);
        TestData.AssertClose(y.AsSpan(0, 4), [1.5f, 2.5f, 6f, -3f], 1e-5, 1e-5, "y");
        Assert.That(bn.RunningMean.Value, Is.EqualTo(new[] { 1f, 0f }));
    }

    [Test]
    public void AfterAConvolution_NormalisesEachChannelOverImagesAndPixels()
    {
        var bn = new BatchNorm("bn0", new Shape(2, 3, 3), 4) { IsTraining = true };
        float[] x = TestData.Uniform(4 * 18, 9, -3f, 7f);
        float[] y = bn.Forward(x, 4);
        for (int c = 0; c < 2; c++)
        {
            double[] values = Enumerable.Range(0, 4).SelectMany(i => y.AsSpan(((i * 2) + c) * 9, 9).ToArray()).Select(v => (double)v).ToArray();
            Assert.That(values.Average(), Is.EqualTo(0.0).Within(1e-5));
            Assert.That(values.Select(v => v * v).Average(), Is.EqualTo(1.0).Within(1e-3));
        }
    }

    [Test]
    public void NamesItsTensorsAsPyTorch_AndKeepsRunningStatisticsOutOfTheParameters()
    {
        var bn = new BatchNorm("bn1", new Shape(16, 14, 14), 1);
        Assert.That(bn.Parameters.Select(p => p.ToString()), Is.EqualTo(new[] { "bn1.weight (16)", "bn1.bias (16)" }));
        Assert.That(bn.State.Select(s => s.ToString()), Is.EqualTo(new[] { "bn1.running_mean (16)", "bn1.running_var (16)" }));
        Assert.That((bn.Gamma.Value.Distinct().Single(), bn.Beta.Value.Distinct().Single()), Is.EqualTo((1f, 0f)));
        Assert.That((bn.RunningMean.Value.Distinct().Single(), bn.RunningVariance.Value.Distinct().Single()), Is.EqualTo((0f, 1f)));
    }
}
