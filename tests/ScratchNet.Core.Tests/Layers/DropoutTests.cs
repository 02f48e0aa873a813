using ScratchNet.Core.Layers;
using ScratchNet.Core.Losses;

namespace ScratchNet.Core.Tests.Layers;

public class DropoutTests
{
    private static float[] Ones(int n) => Enumerable.Repeat(1f, n).ToArray();

    [Test]
    public void Training_ZeroesAboutPAndScalesTheRestByOneOverOneMinusP()
    {
        var dropout = new Dropout("d", 1000, 0.25f, seed: 7, capacity: 4) { IsTraining = true };
        float[] y = dropout.Forward(Ones(4000), 4);
        int zeros = y.Count(v => v == 0f);
        Assert.That(y.Where(v => v != 0f), Is.All.EqualTo(1f / 0.75f));
        Assert.That(zeros / 4000.0, Is.EqualTo(0.25).Within(0.03));
        Assert.That(y.Average(), Is.EqualTo(1.0).Within(0.05), "inverted scaling keeps the expected activation");
    }

    [Test]
    public void Evaluation_IsTheIdentity_ForwardAndBackward()
    {
        var dropout = new Dropout("d", 3, 0.5f, seed: 7, capacity: 2);
        float[] x = [1f, -2f, 3f, 4f, 5f, -6f];
        Assert.That(dropout.Forward(x, 2), Is.EqualTo(x));
        Assert.That(dropout.Backward([.. x], 2, computeInputGradient: true), Is.EqualTo(x));
    }

    [Test]
    public void Backward_AppliesTheSameMaskAsForward()
    {
        var dropout = new Dropout("d", 50, 0.5f, seed: 3, capacity: 1) { IsTraining = true };
        float[] y = dropout.Forward(Ones(50), 1);
        float[] dX = dropout.Backward(Ones(50), 1, computeInputGradient: true)!;
        Assert.That(dX.AsSpan(0, 50).ToArray(), Is.EqualTo(y.AsSpan(0, 50).ToArray()));
    }

    [Test]
    public void RandomState_RoundTrips_SoTheMasksReplay()
    {
        var a = new Dropout("d", 20, 0.5f, seed: 3, capacity: 1) { IsTraining = true };
        ulong[] state = a.GetRandomState();
        float[] first = [.. a.Forward(Ones(20), 1)];
        var b = new Dropout("d", 20, 0.5f, seed: 99, capacity: 1) { IsTraining = true };
        b.SetRandomState(state);
        Assert.That(b.Forward(Ones(20), 1), Is.EqualTo(first));
    }

    [Test]
    public void Sequential_SwitchesDropoutLayers_AndMlpPlacesThemAfterHiddenActivations()
    {
        Sequential net = Sequential.Mlp([4, 6, 5, 3], "relu", "he_normal", 1, 2, dropout: 0.3f);
        Assert.That(net.Layers.Select(l => l.GetType().Name), Is.EqualTo(new[] { "Dense", "ActivationLayer", "Dropout", "Dense", "ActivationLayer", "Dropout", "Dense" }));
        Assert.That(net.IsTraining, Is.False, "evaluation mode by default");
        net.IsTraining = true;
        Assert.That(net.Layers.OfType<Dropout>().All(d => d.IsTraining), Is.True);
        Sequential plain = Sequential.Mlp([4, 6, 5, 3], "relu", "he_normal", 1, 2);
        Assert.That(plain.Parameters.Select(p => p.Value), Is.EqualTo(net.Parameters.Select(p => p.Value)), "dropout does not change the initial weights");
    }

    [Test]
    public void Rate_IsGuarded()
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => _ = new Dropout("d", 3, 1f, 1, 1));
        Assert.Throws<ArgumentOutOfRangeException>(() => _ = new Dropout("d", 3, -0.1f, 1, 1));
    }

    /// <summary>With the mask held fixed (the generator rewound before every forward pass), backprop through dropout matches central differences.</summary>
    [Test]
    public void Backward_MatchesFiniteDifferences_WithAFixedMask()
    {
        const int n = 1; // one row, so a dropped hidden unit zeroes its whole weight column
        Sequential net = Sequential.Mlp([4, 6, 3], "tanh", "xavier_normal", 5, n, dropout: 0.4f);
        net.IsTraining = true;
        var dropout = net.Layers.OfType<Dropout>().Single();
        ulong[] state = dropout.GetRandomState();
        float[] x = TestData.Uniform(n * 4, 11);
        var targets = new float[n * 3];
        for (int i = 0; i < n; i++)
        {
            targets[(i * 3) + (i % 3)] = 1f;
        }

        double Loss()
        {
            dropout.SetRandomState(state);
            float[] logits = net.Forward(x, n);
            var p = new float[n * 3];
            return SoftmaxCrossEntropy.Forward(logits.AsSpan(0, n * 3), targets, p, n, 3);
        }

        dropout.SetRandomState(state);
        float[] logits = net.Forward(x, n);
        var probabilities = new float[n * 3];
        var dLogits = new float[n * 3];
        SoftmaxCrossEntropy.Forward(logits.AsSpan(0, n * 3), targets, probabilities, n, 3);
        SoftmaxCrossEntropy.Backward(probabilities, targets, dLogits, n, 3);
        net.Backward(dLogits, n);
        Parameter w = net.Parameters[0];
        float[] analytic = [.. w.Gradient];
        Assert.That(analytic.Count(g => g == 0f), Is.GreaterThan(0), "some hidden units are dropped, so some gradients vanish");
        const float h = 1e-2f;
        for (int k = 0; k < w.Length; k++)
        {
            float saved = w.Value[k];
            w.Value[k] = saved + h;
            double plus = Loss();
            w.Value[k] = saved - h;
            double minus = Loss();
            w.Value[k] = saved;
            Assert.That(analytic[k], Is.EqualTo((plus - minus) / (2 * h)).Within(2e-3 + (5e-2 * Math.Abs(analytic[k]))), $"dW[{k}]");
        }
    }
}
