using ScratchNet.Core.Layers;
using ScratchNet.Training.Optimizers;
using ScratchNet.Training.Options;

namespace ScratchNet.Training.Tests.Optimizers;

/// <summary>
/// Two steps of each update rule on one scalar, worked out by hand from the formula in the optimizer's
/// file (and agreeing with torch.optim to 1e-7). Every parameter holds 37 copies of the scalar, so the
/// vectorised body and the scalar tail are both checked.
/// </summary>
public class OptimizerStepTests
{
    private const int Length = 37;

    private static float[] Run(IOptimizer optimizer, float theta, params float[] gradients)
    {
        var p = new Parameter("w", 1, Length);
        Array.Fill(p.Value, theta);
        var after = new float[gradients.Length];
        for (int s = 0; s < gradients.Length; s++)
        {
            Array.Fill(p.Gradient, gradients[s]);
            optimizer.Step([p]);
            Assert.That(p.Value.Distinct().Count(), Is.EqualTo(1), "vector body and scalar tail disagree");
            after[s] = p.Value[0];
        }

        return after;
    }

    // b1 = 0.5, θ = 1 − 0.1·0.5 = 0.95; b2 = 0.9·0.5 + 0.5 = 0.95, θ = 0.95 − 0.095 = 0.855
    [Test]
    public void Sgd_WithMomentum_AccumulatesTheVelocity() =>
        Assert.That(Run(new Sgd(0.1f, momentum: 0.9f), 1f, 0.5f, 0.5f), Is.EqualTo(new[] { 0.95f, 0.855f }).Within(1e-6));

    // b1 = 0.5, g = 0.5 + 0.9·0.5 = 0.95, θ = 0.905; b2 = 0.95, g = 0.5 + 0.855 = 1.355, θ = 0.7695
    [Test]
    public void Sgd_WithNesterov_LooksAhead() =>
        Assert.That(Run(new Sgd(0.1f, momentum: 0.9f, nesterov: true), 1f, 0.5f, 0.5f), Is.EqualTo(new[] { 0.905f, 0.7695f }).Within(1e-6));

    // g = 1 + 0.1·2 = 1.2, θ = 2 − 0.12 = 1.88
    [Test]
    public void Sgd_WithWeightDecay_AddsTheL2Gradient() =>
        Assert.That(Run(new Sgd(0.1f, weightDecay: 0.1f), 2f, 1f), Is.EqualTo(new[] { 1.88f }).Within(1e-6));

    // t=1: m = 0.05, v = 0.00025, θ = 1 − (0.1/0.1)·0.05 / (0.0158114/0.0316228 + ε) = 0.9
    // t=2: m = 0.07, v = 0.00031225, θ = 0.9 − (0.1/0.19)·0.07 / (0.0176706/0.0447102) = 0.8067820
    [Test]
    public void Adam_TakesBiasCorrectedSteps() =>
        Assert.That(Run(new Adam(0.1f), 1f, 0.5f, 0.25f), Is.EqualTo(new[] { 0.9f, 0.806782f }).Within(1e-6));

    // t=1 moves by η whatever the gradient; t=2: g = 0.25 + 0.1·0.9 = 0.34, m = 0.06·0.9 + 0.034 = 0.088, θ = 0.8050098
    [Test]
    public void Adam_WithWeightDecay_AddsTheL2Gradient() =>
        Assert.That(Run(new Adam(0.1f, weightDecay: 0.1f), 1f, 0.5f, 0.25f), Is.EqualTo(new[] { 0.9f, 0.8050098f }).Within(1e-6));

    // t=1: θ = 1·(1 − 0.1·0.1) = 0.99, then the Adam step −0.1 → 0.89; t=2: 0.89·0.99 − 0.0932180 = 0.7878820
    [Test]
    public void AdamW_DecaysTheWeightsApartFromTheGradient() =>
        Assert.That(Run(new AdamW(0.1f, weightDecay: 0.1f), 1f, 0.5f, 0.25f), Is.EqualTo(new[] { 0.89f, 0.787882f }).Within(1e-6));

    // The constructor and configuration tell one story: λ defaults to Optimizer:WeightDecay's default (0, where
    // PyTorch's AdamW has 0.01), so new AdamW(η) and --Optimizer:Name=adamw build the same optimizer: Adam.
    [Test]
    public void AdamW_DefaultsToTheConfiguredDefaultDecay_AndThenStepsAsAdam()
    {
        Assert.That(new AdamW(0.1f).WeightDecay, Is.EqualTo(new OptimizerOptions().WeightDecay));
        Assert.That(OptimizerFactory.Create(new OptimizerOptions { Name = "adamw" }).WeightDecay, Is.EqualTo(new AdamW(0.1f).WeightDecay));
        Assert.That(Run(new AdamW(0.1f), 1f, 0.5f, 0.25f), Is.EqualTo(Run(new Adam(0.1f), 1f, 0.5f, 0.25f)));
    }

    // s1 = 0.0025, θ = 1 − 0.01·0.5/0.05 = 0.9; s2 = 0.004975, θ = 0.9 − 0.005/0.0705337 = 0.8291119
    [Test]
    public void RmsProp_DividesByTheRootMeanSquare() =>
        Assert.That(Run(new RmsProp(0.01f), 1f, 0.5f, 0.5f), Is.EqualTo(new[] { 0.9f, 0.8291119f }).Within(1e-6));

    // b1 = 10, θ = 0.9; b2 = 0.9·10 + 7.088812 = 16.088812, θ = 0.9 − 0.16088812 = 0.7391119
    [Test]
    public void RmsProp_WithMomentum_AccumulatesTheScaledGradient() =>
        Assert.That(Run(new RmsProp(0.01f, momentum: 0.9f), 1f, 0.5f, 0.5f), Is.EqualTo(new[] { 0.9f, 0.7391119f }).Within(1e-6));

    [TestCase("sgd", "sgd")]
    [TestCase("ADAM", "adam")]
    [TestCase("adamw", "adamw")]
    [TestCase("rmsprop", "rmsprop")]
    public void Factory_BuildsTheNamedOptimizer(string name, string expected) =>
        Assert.That(OptimizerFactory.Create(new OptimizerOptions { Name = name }).Name, Is.EqualTo(expected));

    [Test]
    public void Factory_PassesMomentumAndNesterovToSgd()
    {
        var sgd = (Sgd)OptimizerFactory.Create(new OptimizerOptions { Name = "sgd", Momentum = 0.8f, Nesterov = true, WeightDecay = 0.01f });
        Assert.That((sgd.Momentum, sgd.Nesterov, sgd.WeightDecay), Is.EqualTo((0.8f, true, 0.01f)));
    }

    [Test]
    public void Constructors_GuardTheirArguments()
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => _ = new Sgd(0.1f, momentum: 1f));
        Assert.Throws<ArgumentException>(() => _ = new Sgd(0.1f, nesterov: true));
        Assert.Throws<ArgumentOutOfRangeException>(() => _ = new Sgd(0.1f, weightDecay: -1f));
        Assert.Throws<ArgumentOutOfRangeException>(() => _ = new Adam(0.1f, beta1: 1f));
        Assert.Throws<ArgumentOutOfRangeException>(() => _ = new Adam(0.1f, beta2: -0.1f));
        Assert.Throws<ArgumentOutOfRangeException>(() => _ = new Adam(0.1f, epsilon: 0f));
        Assert.Throws<ArgumentOutOfRangeException>(() => _ = new AdamW(0f));
        Assert.Throws<ArgumentOutOfRangeException>(() => _ = new RmsProp(0.1f, alpha: float.NaN));
    }

    public static IEnumerable<Func<IOptimizer>> Stateful()
    {
        yield return () => new Sgd(0.05f, momentum: 0.9f, nesterov: true, weightDecay: 0.01f);
        yield return () => new Adam(0.01f, weightDecay: 0.01f);
        yield return () => new AdamW(0.01f, weightDecay: 0.01f);
        yield return () => new RmsProp(0.01f, momentum: 0.5f);
    }

    /// <summary>Save after three steps, load into a fresh optimizer: the next steps match an uninterrupted run bit for bit.</summary>
    [TestCaseSource(nameof(Stateful))]
    public void State_RoundTrips_SoTheNextStepsAreIdentical(Func<IOptimizer> create)
    {
        float[] gradients = [0.3f, -0.2f, 0.7f, 0.1f, -0.4f];
        float[] uninterrupted = Run(create(), 1f, gradients);

        IOptimizer first = create();
        var p = new Parameter("w", 1, Length);
        Array.Fill(p.Value, 1f);
        foreach (float g in gradients[..3])
        {
            Array.Fill(p.Gradient, g);
            first.Step([p]);
        }

        OptimizerState saved = first.SaveState();
        first.Step([p]); // must not disturb the saved copy
        Array.Fill(p.Value, uninterrupted[2]);
        IOptimizer second = create();
        second.LoadState(saved);
        var resumed = new float[2];
        for (int s = 0; s < 2; s++)
        {
            Array.Fill(p.Gradient, gradients[3 + s]);
            second.Step([p]);
            resumed[s] = p.Value[0];
        }

        Assert.That(saved.Steps, Is.EqualTo(3));
        Assert.That(saved.Buffers, Is.Not.Empty);
        Assert.That(resumed, Is.EqualTo(uninterrupted[3..]));
    }

    [Test]
    public void LoadState_Throws_WhenABufferHasTheWrongLength()
    {
        var adam = new Adam(0.1f);
        var p = new Parameter("w", 1, 4);
        adam.Step([p]);
        var bad = new OptimizerState(1, 0.1f, new Dictionary<string, float[]> { ["w.exp_avg"] = new float[3] });
        Assert.Throws<ArgumentException>(() => adam.LoadState(bad));
    }
}
