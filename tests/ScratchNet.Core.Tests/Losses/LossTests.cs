using ScratchNet.Core.Losses;

namespace ScratchNet.Core.Tests.Losses;

public class LossTests
{
    [Test]
    public void Softmax_RowsSumToOne_AndSurviveHugeLogits()
    {
        float[] logits = [1000f, 1001f, 999f, -1000f, 0f, 1000f];
        var p = new float[6];
        Softmax.Forward(logits, p, 2, 3);
        Assert.That(p.All(float.IsFinite), Is.True);
        Assert.That(p[0] + p[1] + p[2], Is.EqualTo(1f).Within(1e-6));
        Assert.That(p[3] + p[4] + p[5], Is.EqualTo(1f).Within(1e-6));
        Assert.That(p[1], Is.GreaterThan(p[0]));
    }

    [Test]
    public void SoftmaxCrossEntropy_IsTheMeanNegativeLogLikelihood()
    {
        // Rows of probabilities (0.5, 0.5) and (0.25, 0.75) as logits.
        float[] logits = [0f, 0f, 0f, MathF.Log(3f)];
        var p = new float[4];
        float loss = SoftmaxCrossEntropy.Forward(logits, [1f, 0f, 0f, 1f], p, 2, 2);
        Assert.That(loss, Is.EqualTo((-Math.Log(0.5) - Math.Log(0.75)) / 2).Within(1e-6));
    }

    [TestCase(30f)] // p ≈ 9e-14: below the old clip of 1e-12, still a normal float
    [TestCase(120f)] // p underflows to 0 in float32
    [TestCase(1e4f)]
    public void SoftmaxCrossEntropy_CountsAConfidentMistakeInFull_AsPyTorchDoes(float margin)
    {
        // The true class's logit is `margin` below the other's: the loss is log(1 + e^margin) ≈ margin, not a capped 27.6.
        var p = new float[2];
        float loss = SoftmaxCrossEntropy.Forward([0f, margin], [1f, 0f], p, 1, 2);
        Assert.That(loss, Is.EqualTo(margin + Math.Log(1 + Math.Exp(-margin))).Within(1e-5 * margin));
    }

    [Test]
    public void SoftmaxCrossEntropy_FromLogits_IsTheSameLoss_AndKeepsTheDigitsOfAConfidentRow()
    {
        float[] logits = [0f, 0f, 0f, MathF.Log(3f)];
        Assert.That(SoftmaxCrossEntropy.ForwardFromLogits(logits, [1f, 0f, 0f, 1f], 2, 2), Is.EqualTo((-Math.Log(0.5) - Math.Log(0.75)) / 2).Within(1e-7));

        // The true class 12 above two others: p = 1 − 1.2e-5, which float32 holds to two digits; the loss is log(1 + 2e^−12).
        double exact = Math.Log(1 + (2 * Math.Exp(-12)));
        Assert.That(SoftmaxCrossEntropy.ForwardFromLogits([12f, 0f, 0f], [1f, 0f, 0f], 1, 3), Is.EqualTo(exact).Within(1e-9 * exact));
        Assert.That(SoftmaxCrossEntropy.Forward([12f, 0f, 0f], [1f, 0f, 0f], new float[3], 1, 3), Is.Not.EqualTo(exact).Within(1e-3 * exact), "the float32 softmax's p loses the digits");
    }

    [Test]
    public void SoftmaxCrossEntropy_RefusesProbabilitiesThatAliasTheLogits()
    {
        float[] both = [1f, 2f];
        Assert.Throws<ArgumentException>(() => SoftmaxCrossEntropy.Forward(both, [1f, 0f], both, 1, 2));
    }

    [Test]
    public void SoftmaxCrossEntropy_Backward_MatchesFiniteDifferences()
    {
        const int n = 3, classes = 5;
        float[] logits = TestData.Uniform(n * classes, 31, -3f, 3f);
        float[] targets = TestData.OneHot(n, classes, 32);
        var p = new float[n * classes];
        var dLogits = new float[n * classes];
        SoftmaxCrossEntropy.Forward(logits, targets, p, n, classes);
        SoftmaxCrossEntropy.Backward(p, targets, dLogits, n, classes);

        const float h = 1e-2f;
        var expected = new float[n * classes];
        for (int k = 0; k < logits.Length; k++)
        {
            float saved = logits[k];
            logits[k] = saved + h;
            double plus = SoftmaxCrossEntropy.Forward(logits, targets, p, n, classes);
            logits[k] = saved - h;
            double minus = SoftmaxCrossEntropy.Forward(logits, targets, p, n, classes);
            logits[k] = saved;
            expected[k] = (float)((plus - minus) / (2 * h));
        }

        TestData.AssertClose(dLogits, expected, 1e-2, 1e-3, "dLogits");
    }

    [Test]
    public void Softmax_Throws_WhenDestinationTooShort() =>
        Assert.Throws<ArgumentException>(() => Softmax.Forward(new float[6], new float[5], 2, 3));

    [Test]
    public void SoftmaxCrossEntropy_Throws_WhenLengthsMismatch() =>
        Assert.Throws<ArgumentException>(() => SoftmaxCrossEntropy.Forward(new float[6], new float[5], new float[6], 2, 3));
}
