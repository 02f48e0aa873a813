using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Moq;
using ScratchNet.Core.Activations;
using ScratchNet.Core.Layers;
using ScratchNet.Core.Random;
using ScratchNet.Data;
using ScratchNet.Training.Diagnostics;
using ScratchNet.Training.Optimizers;
using ScratchNet.Training.Options;

namespace ScratchNet.Training.Tests.Diagnostics;

public class NetworkDiagnosticsTests
{
    private const int Rows = 4;

    private static (float[] X, float[] Y) Batch(int features, int classes, ulong seed = 5)
    {
        var rng = new Xoshiro256(seed);
        var x = new float[Rows * features];
        for (int i = 0; i < x.Length; i++)
        {
            x[i] = (float)rng.NextGaussian();
        }

        var y = new float[Rows * classes];
        for (int r = 0; r < Rows; r++)
        {
            y[(r * classes) + (r % classes)] = 1f;
        }

        return (x, y);
    }

    [Test]
    public void CheckGradients_Passes_OnACorrectMlp()
    {
        Sequential network = Sequential.Mlp([6, 5, 4, 3], "relu", "he_normal", 7, Rows);
        (float[] x, float[] y) = Batch(6, 3);
        IReadOnlyList<GradientCheckResult> results = NetworkDiagnostics.CheckGradients(network, x, y, Rows, 50, 1);
        Assert.That(results.Select(r => r.Parameter), Is.EqualTo(network.Parameters.Select(p => p.Name)));
        Assert.That(results, Has.All.Matches<GradientCheckResult>(r => r.Passed && r.RelativeError < 1e-3), string.Join("; ", results));
    }

    [Test]
    public void CheckGradients_Passes_OnAConfidentlyWrongMlp_WhoseTrueClassesGetProbabilitiesBelow1e12()
    {
        // Output weights scaled 300×: logits hundreds apart, so wrong rows give their true class p far below 1e-12, where a
        // clipped loss was flat while backpropagation's P − Y was not, and every parameter was called WRONG.
        Sequential network = Sequential.Mlp([6, 5, 4, 3], "relu", "he_normal", 7, Rows);
        foreach (Parameter p in network.Layers[^1].Parameters)
        {
            for (int i = 0; i < p.Length; i++)
            {
                p.Value[i] *= 300f;
            }
        }

        (float[] x, float[] y) = Batch(6, 3);
        float[] logits = network.Forward(x, Rows);
        var probabilities = new float[Rows * 3];
        Core.Losses.Softmax.Forward(logits.AsSpan(0, Rows * 3), probabilities, Rows, 3);
        Assert.That(Enumerable.Range(0, Rows).Min(r => probabilities[(r * 3) + (r % 3)]), Is.LessThan(1e-12f), "some row is confidently wrong");

        IReadOnlyList<GradientCheckResult> results = NetworkDiagnostics.CheckGradients(network, x, y, Rows, 50, 1);
        Assert.That(results, Has.None.Matches<GradientCheckResult>(r => r.Verdict == GradientVerdict.Wrong), string.Join("; ", results));
    }

    [Test]
    public void CheckGradients_SaysNotChecked_WhereASaturatedSoftmaxLeavesTheLossExactly0()
    {
        // One-hot rows through weights of 1000 on their own class: every row is sure of its label to p = 1 in float32, so
        // the loss is 0 at every step the check takes and backpropagation's P − Y is 0: nothing is compared.
        var output = new Dense("dense0", 3, 3, Rows);
        for (int c = 0; c < 3; c++)
        {
            output.Weight.Value[(c * 3) + c] = 1000f;
        }

        var network = new Sequential([output]);
        var x = new float[Rows * 3];
        var y = new float[Rows * 3];
        for (int r = 0; r < Rows; r++)
        {
            x[(r * 3) + (r % 3)] = 1f;
            y[(r * 3) + (r % 3)] = 1f;
        }

        var results = NetworkDiagnostics.CheckGradients(network, x, y, Rows, 9, 1).ToDictionary(r => r.Parameter);

        Assert.That(results.Values, Has.All.Matches<GradientCheckResult>(r => r.Verdict == GradientVerdict.Flat && !r.Passed), string.Join("; ", results.Values));
    }

    [Test]
    public void CheckGradients_FlagsTheParameter_WhoseGradientIsWrong()
    {
        var dense0 = new Dense("dense0", 6, 5, Rows);
        dense0.Initialize(new Core.Initializers.HeNormal(), new Xoshiro256(3));
        var broken = new ScaledGradient(dense0, dense0.Weight, 2f);
        var output = new Dense("dense1", 5, 3, Rows);
        output.Initialize(new Core.Initializers.HeNormal(), new Xoshiro256(4));
        var network = new Sequential([broken, new ActivationLayer("tanh0", new Tanh(), 5, Rows), output]);
        (float[] x, float[] y) = Batch(6, 3);
        var results = NetworkDiagnostics.CheckGradients(network, x, y, Rows, 30, 1).ToDictionary(r => r.Parameter);
        Assert.That(results["dense0.weight"].Passed, Is.False);
        Assert.That(results["dense0.weight"].RelativeError, Is.GreaterThan(0.3));
        Assert.That(results["dense0.bias"].Passed, Is.True);
        Assert.That(results["dense1.weight"].Passed, Is.True);
    }

    [Test]
    public void MeasureActivations_CountsUnitsThatAreOffOnEveryRow()
    {
        // Inputs are positive; unit 1 computes −x0 − x1 − 1 < 0 for all of them, so it is dead. Unit 2 computes x0 − 2,
        // below zero on rows 0 and 1 only: inactive but alive.
        var dense = new Dense("dense0", 2, 3, 3);
        float[] w = [1f, -1f, 1f, 0f, -1f, 0f];
        w.CopyTo(dense.Weight.Value, 0);
        float[] b = [0f, -1f, -2f];
        b.CopyTo(dense.BiasParameter.Value, 0);
        var network = new Sequential([dense, new ActivationLayer("relu0", new Relu(), 3, 3), new Dense("dense1", 3, 2, 3)]);
        float[] x = [0.5f, 1f, 1f, 2f, 3f, 0.5f];
        ActivationStatistics stats = NetworkDiagnostics.MeasureActivations(network, x, 3).Single();
        Assert.That(stats.DeadUnits, Is.EqualTo(1));
        Assert.That(stats.DeadShare, Is.EqualTo(1.0 / 3));
        Assert.That(stats.InactiveShare, Is.EqualTo(5.0 / 9));
        Assert.That(stats.Activation, Is.EqualTo("relu"));
    }

    [Test]
    public void MeasureActivations_ReportsNoDeadUnits_ForActivationsWithoutADeadRegion()
    {
        Sequential network = Sequential.Mlp([6, 5, 3], "tanh", "he_normal", 7, Rows);
        (float[] x, _) = Batch(6, 3);
        Assert.That(NetworkDiagnostics.MeasureActivations(network, x, Rows).Single().DeadUnits, Is.Null);
    }

    [Test]
    public void MeasureParameters_GivesTheSgdUpdateRatio_AndLeavesTheNetworkUnchanged()
    {
        Sequential network = Sequential.Mlp([6, 5, 3], "relu", "he_normal", 7, Rows);
        (float[] x, float[] y) = Batch(6, 3);
        float[][] before = network.Parameters.Select(p => (float[])p.Value.Clone()).ToArray();
        IReadOnlyList<ParameterStatistics> stats = NetworkDiagnostics.MeasureParameters(network, new Sgd(0.5f), x, y, Rows);
        ParameterStatistics weight = stats[0];

        // Plain SGD moves θ by lr·g, so ‖Δθ‖/‖θ‖ = lr·‖g‖/‖θ‖.
        Assert.That(weight.UpdateRatio, Is.EqualTo(0.5 * weight.GradientNorm / weight.WeightNorm).Within(1e-5));
        Assert.That(stats[1].UpdateRatio, Is.Null, "biases start at zero");
        Assert.That(network.Parameters.Select(p => p.Value), Is.EqualTo(before));
    }

    [Test]
    public void Statistics_GivesTheNorms_OfAHandWorkedStep()
    {
        // θ = (3, 4): ‖θ‖ = 5; Δθ = (0, 0.5): ratio 0.1; g = (1, 2): ‖g‖ = √5.
        ParameterStatistics s = NetworkDiagnostics.Statistics("w", [3f, 4f], [3f, 4.5f], [1f, 2f]);
        Assert.That(s.WeightNorm, Is.EqualTo(5.0));
        Assert.That(s.GradientNorm, Is.EqualTo(Math.Sqrt(5.0)).Within(1e-12));
        Assert.That(s.UpdateRatio, Is.EqualTo(0.1).Within(1e-7));
    }

    [Test]
    public void Statistics_Throws_WhenBeforeAndAfterDiffer() =>
        Assert.Throws<ArgumentException>(() => NetworkDiagnostics.Statistics("w", [1f, 2f], [1f], [0f, 0f]));

    [Test]
    public void OverfitOneBatch_DrivesTheLossBelowTheTarget()
    {
        Sequential network = Sequential.Mlp([6, 16, 3], "relu", "he_normal", 7, Rows);
        (float[] x, float[] y) = Batch(6, 3);
        OverfitResult result = NetworkDiagnostics.OverfitOneBatch(network, new Sgd(0.5f), x, y, Rows, 2000);
        Assert.That(result.Reached, Is.True, result.ToString());
        Assert.That(result.Steps, Is.LessThan(2000));
        Assert.That(result.InitialLoss, Is.GreaterThan(result.FinalLoss));
    }

    [Test]
    public void OverfitOneBatch_ReportsFailure_WhenTheStepsRunOut()
    {
        Sequential network = Sequential.Mlp([6, 16, 3], "relu", "he_normal", 7, Rows);
        (float[] x, float[] y) = Batch(6, 3);
        OverfitResult result = NetworkDiagnostics.OverfitOneBatch(network, new Sgd(1e-4f), x, y, Rows, 5);
        Assert.That(result.Reached, Is.False);
        Assert.That(result.Steps, Is.EqualTo(5));
    }

    [Test]
    public void OverfitOneBatch_StopsBeforeTheNextStep_WhenCancelled()
    {
        // diagnose's Ctrl+C: thousands of steps on a CNN take minutes.
        Sequential network = Sequential.Mlp([6, 16, 3], "relu", "he_normal", 7, Rows);
        (float[] x, float[] y) = Batch(6, 3);
        using var stop = new CancellationTokenSource();
        stop.Cancel();

        Assert.Throws(Is.InstanceOf<OperationCanceledException>(), () => NetworkDiagnostics.OverfitOneBatch(network, new Sgd(1e-4f), x, y, Rows, 1_000_000, cancellationToken: stop.Token));
    }

    [Test]
    public async Task Runner_DiagnosesTheConfiguredNetwork_AndTheTableShowsEveryPart()
    {
        var provider = new Mock<IDatasetProvider>();
        provider.Setup(p => p.LoadAsync(It.IsAny<CancellationToken>())).ReturnsAsync(SyntheticData.Blobs());
        var training = Microsoft.Extensions.Options.Options.Create(new TrainingOptions { BatchSize = 16, Seed = 3 });
        var model = Microsoft.Extensions.Options.Options.Create(new ModelOptions { LayerSizes = "8,16,3" });
        var optimizer = Microsoft.Extensions.Options.Options.Create(new OptimizerOptions { LearningRate = 0.5f });
        var runner = new DiagnosticsRunner(provider.Object, new NetworkFactory(model, training), optimizer, training, NullLogger<DiagnosticsRunner>.Instance);

        DiagnosticsReport report = await runner.RunAsync(new DiagnosticsSettings(16, OverfitSteps: 3000));
        Assert.That(report.GradientCheck, Has.Count.EqualTo(4).And.All.Matches<GradientCheckResult>(g => g.Passed));
        Assert.That(report.Parameters, Has.Count.EqualTo(4));
        Assert.That(report.Activations.Single().Units, Is.EqualTo(16));
        Assert.That(report.Overfit.Reached, Is.True);
        string table = DiagnosticsTable.Format(report);
        Assert.That(table, Does.Contain("dense0.weight").And.Contain("relu0").And.Contain("reached < 0.01").And.Contain("n/a"));
        Assert.That(table, Does.Not.Contain("WRONG"));
    }

    // diagnose's rows are its batch (--batch) and the activation probe's validation rows, never Training:EvaluationBatchSize:
    // a network beyond the memory budget names --batch only where the batch is the larger, and no key where the probe is.
    [TestCase(200, "make the layers smaller or lower --batch (Training:BatchSize by default)")]
    [TestCase(16, "make the layers smaller")]
    public void Runner_RefusesANetworkBeyondTheMemoryBudget_NamingOnlyWhatLowersItsOwnRows(int batch, string remedy)
    {
        var provider = new Mock<IDatasetProvider>();
        provider.Setup(p => p.LoadAsync(It.IsAny<CancellationToken>())).ReturnsAsync(SyntheticData.Blobs(trainRows: 200, validationRows: 60));
        var training = Microsoft.Extensions.Options.Options.Create(new TrainingOptions { BatchSize = 16, Seed = 3 });
        var model = Microsoft.Extensions.Options.Options.Create(new ModelOptions { Layers = ["dense 16", "relu", "dense 3"] });
        var factory = new NetworkFactory(model, training, memoryBudget: 1024);
        var runner = new DiagnosticsRunner(provider.Object, factory, Microsoft.Extensions.Options.Options.Create(new OptimizerOptions()), training, NullLogger<DiagnosticsRunner>.Instance);

        var e = Assert.ThrowsAsync<TrainingSetupException>(() => runner.RunAsync(new DiagnosticsSettings(batch)));
        Assert.That(e!.AboutMemory, Is.True);
        Assert.That(e.Message, Does.EndWith($"half its memory); {remedy}"));
        Assert.That(e.Message, Does.Not.Contain("Training:EvaluationBatchSize"));
    }

    [Test]
    public void Runner_RefusesABatchOfOneRow_ForBatchNormOnFeatures_AsTrainingDoes()
    {
        // Over one row batch norm passes no gradient back, so every gradient would read 0 and "ok" with no word why.
        var provider = new Mock<IDatasetProvider>();
        provider.Setup(p => p.LoadAsync(It.IsAny<CancellationToken>())).ReturnsAsync(SyntheticData.Blobs());
        var training = Microsoft.Extensions.Options.Options.Create(new TrainingOptions { BatchSize = 16, Seed = 3 });
        var model = Microsoft.Extensions.Options.Options.Create(new ModelOptions { Layers = ["dense 16", "batchnorm", "relu", "dense 3"] });
        var optimizer = Microsoft.Extensions.Options.Options.Create(new OptimizerOptions { LearningRate = 0.5f });
        var runner = new DiagnosticsRunner(provider.Object, new NetworkFactory(model, training), optimizer, training, NullLogger<DiagnosticsRunner>.Instance);

        var e = Assert.ThrowsAsync<TrainingSetupException>(() => runner.RunAsync(new DiagnosticsSettings(1)));
        Assert.That(e!.Message, Does.Contain("every batch holds one row (--batch 1)").And.Contain("use a --batch that leaves at least 2 rows in every batch, e.g. 2"));
    }

    [Test]
    public async Task Runner_LogsThatATanhLayerHasNoDeadRegion_AndAZeroBiasNoUpdateRatio_RatherThanNull()
    {
        var provider = new Mock<IDatasetProvider>();
        provider.Setup(p => p.LoadAsync(It.IsAny<CancellationToken>())).ReturnsAsync(SyntheticData.Blobs());
        var training = Microsoft.Extensions.Options.Options.Create(new TrainingOptions { BatchSize = 16, Seed = 3 });
        var model = Microsoft.Extensions.Options.Options.Create(new ModelOptions { LayerSizes = "8,16,3", Activation = "tanh" });
        var logger = new Mock<ILogger<DiagnosticsRunner>>();
        logger.Setup(l => l.IsEnabled(It.IsAny<LogLevel>())).Returns(true);
        var runner = new DiagnosticsRunner(provider.Object, new NetworkFactory(model, training), Microsoft.Extensions.Options.Options.Create(new OptimizerOptions()), training, logger.Object);

        await runner.RunAsync(new DiagnosticsSettings(16, OverfitSteps: 1));

        logger.Verify(Logged(m => m.StartsWith("Activation tanh0 (tanh, 16 units): no dead region, inputs <= 0 ", StringComparison.Ordinal)), Times.Once);
        logger.Verify(Logged(m => m.StartsWith("Parameter dense0.bias: weight norm 0, gradient norm ", StringComparison.Ordinal) && m.EndsWith(", update/weight n/a", StringComparison.Ordinal)), Times.Once);
        logger.Verify(Logged(m => m.Contains("null", StringComparison.Ordinal)), Times.Never);
    }

    [Test]
    public async Task Runner_LogsTheTolerance_AsANamedProperty_NextToTheNoiseAllowance()
    {
        var provider = new Mock<IDatasetProvider>();
        provider.Setup(p => p.LoadAsync(It.IsAny<CancellationToken>())).ReturnsAsync(SyntheticData.Blobs());
        var training = Microsoft.Extensions.Options.Options.Create(new TrainingOptions { BatchSize = 16, Seed = 3 });
        var model = Microsoft.Extensions.Options.Options.Create(new ModelOptions { LayerSizes = "8,16,3" });
        var logger = new Mock<ILogger<DiagnosticsRunner>>();
        logger.Setup(l => l.IsEnabled(It.IsAny<LogLevel>())).Returns(true);
        var runner = new DiagnosticsRunner(provider.Object, new NetworkFactory(model, training), Microsoft.Extensions.Options.Options.Create(new OptimizerOptions()), training, logger.Object);

        await runner.RunAsync(new DiagnosticsSettings(16, OverfitSteps: 1));

        logger.Verify(
            l => l.Log(LogLevel.Information, It.IsAny<EventId>(), It.Is<It.IsAnyType>((state, _) => HasTolerance(state) && state.ToString()!.Contains("ok up to tolerance 0.01 + noise allowance ", StringComparison.Ordinal)), null, It.IsAny<Func<It.IsAnyType, Exception?, string>>()),
            Times.Exactly(4));
    }

    private static bool HasTolerance(object state) =>
        state is IReadOnlyList<KeyValuePair<string, object?>> properties
        && properties.Any(p => p.Key == "Tolerance" && p.Value is double t && t == NetworkDiagnostics.DefaultTolerance)
        && properties.Any(p => p.Key == "NoiseAllowance");

    private static System.Linq.Expressions.Expression<Action<ILogger<DiagnosticsRunner>>> Logged(Func<string, bool> message) =>
        l => l.Log(LogLevel.Information, It.IsAny<EventId>(), It.Is<It.IsAnyType>((state, _) => message(state.ToString()!)), null, It.IsAny<Func<It.IsAnyType, Exception?, string>>());

    [Test]
    public void Table_MarksAFailedGradientCheck()
    {
        var report = new DiagnosticsReport(
            [new GradientCheckResult("w", 3, 0.5, 2e-3, 0.1, 1e-2f, GradientVerdict.Wrong, 4e-3)],
            [new ParameterStatistics("w", 1, 2, 1e-3)],
            [],
            new OverfitResult(32, 10, 2.3, 2.0, 0.01));
        string table = DiagnosticsTable.Format(report);
        Assert.That(table, Does.Contain("WRONG (rel 5.000E-01, noise 2.000E-03, h 0.01)").And.Contain("did NOT reach"));
    }

    [Test]
    public void Table_StatesTheRuleOnce_UnderTheVerdicts_SaysUnresolvedIsNoFailure_AndStaysWithin100Columns()
    {
        // The cnn recipe's diagnose at initialisation: its conv biases stay unresolved, one of them at a shorter step.
        var report = new DiagnosticsReport(
            [
                new GradientCheckResult("conv0.bias", 16, 1.701e-2, 1.999e-3, 6e-3, 1e-2f, GradientVerdict.Unresolved, 1e-3),
                new GradientCheckResult("conv1.bias", 30, 1.753e-2, 7.194e-3, 7e-3, 1e-3f, GradientVerdict.Unresolved, 1e-3),
                new GradientCheckResult("dense1.bias", 10, 1.844e-3, 1.64e-4, 8e-4, 1e-2f, GradientVerdict.Ok, 1e-4),
                new GradientCheckResult("dense1.weight", 30, 1.5e-2, 8e-3, 1e-4, 1e-3f, GradientVerdict.Rounding, 1e-4),
            ],
            [new ParameterStatistics("conv0.bias", 0, 0.3, null), new ParameterStatistics("conv1.bias", 0, 0.4, null), new ParameterStatistics("dense1.bias", 0, 0.3, null), new ParameterStatistics("dense1.weight", 4, 2, 4e-2)],
            [new ActivationStatistics("relu0", "relu", 16, 0, 0.8)],
            new OverfitResult(64, 33, 2.7655, 0.0079, 0.01));

        string[] lines = DiagnosticsTable.Format(report).Split('\n');

        TestContext.Out.WriteLine(string.Join("\n", lines));
        Assert.That(lines.Count(l => l.Contains("ok when rel <= 0.01 + noise allowance", StringComparison.Ordinal)), Is.EqualTo(1));
        Assert.That(lines, Has.Some.Matches<string>(l => l.StartsWith("conv1.bias", StringComparison.Ordinal) && l.EndsWith("  unresolved (rel 1.753E-02, noise 7.194E-03, h 0.001)", StringComparison.Ordinal)));
        Assert.That(lines, Has.Some.EndsWith("ok (rel 1.844E-03)"));
        Assert.That(lines.Count(l => l.StartsWith("unresolved:", StringComparison.Ordinal) && l.Contains("kinks") && l.Contains("not a failure")), Is.EqualTo(1));
        Assert.That(lines.Count(l => l.StartsWith("rounding: unresolved", StringComparison.Ordinal) && l.Contains("not a failure")), Is.EqualTo(1));
        Assert.That(lines, Has.Some.Matches<string>(l => l.StartsWith("dense1.weight", StringComparison.Ordinal) && l.EndsWith("  rounding (rel 1.500E-02, noise 8.000E-03, h 0.001)", StringComparison.Ordinal)));
        int rule = Array.FindIndex(lines, l => l.StartsWith("grad check:", StringComparison.Ordinal));
        Assert.That(rule, Is.EqualTo(1 + report.Parameters.Count), "right under the verdicts it decides");

        // The overfit line's advice is the only long line, and only where the budget ran out.
        Assert.That(lines.Where(l => !l.StartsWith("overfit", StringComparison.Ordinal)), Has.All.Length.LessThanOrEqualTo(100));
    }

    [Test]
    public void Table_SaysAnInconclusiveCheckIsNoPass_AndWhatDecidesIt()
    {
        var report = new DiagnosticsReport(
            [new GradientCheckResult("dense0.weight", 3, 9.2e-4, 2e-3, 1e-5, 1e-2f, GradientVerdict.Inconclusive, 1e-4)],
            [new ParameterStatistics("dense0.weight", 16, 1.5, 3e-4)],
            [],
            new OverfitResult(32, 1, 2.3, 2.2, 0.01));

        string[] lines = DiagnosticsTable.Format(report).Split('\n');

        Assert.That(lines, Has.Some.Matches<string>(l => l.StartsWith("dense0.weight", StringComparison.Ordinal) && l.EndsWith("  inconclusive (rel 9.200E-04)", StringComparison.Ordinal)));
        Assert.That(lines.Count(l => l.StartsWith("inconclusive:", StringComparison.Ordinal) && l.Contains("raise --entries", StringComparison.Ordinal)), Is.EqualTo(1));
        Assert.That(lines.Where(l => !l.StartsWith("overfit", StringComparison.Ordinal)), Has.All.Length.LessThanOrEqualTo(100));
    }

    [Test]
    public void Table_SaysNothingOfTheRule_WhereNoGradientCheckRan() =>
        Assert.That(DiagnosticsTable.Format(new DiagnosticsReport([], [], [], new OverfitResult(32, 1, 2.3, 2.2, 0.01))), Does.Not.Contain("grad check:").And.Not.Contain("unresolved"));

    [Test]
    public void Table_SaysWhatItCouldNotJudge_ABatchAlreadyLearnt_AndUpdatesFarFromTheUsualSize()
    {
        var report = new DiagnosticsReport(
            [
                new GradientCheckResult("a", 3, 0, double.PositiveInfinity, 0, 1e-2f, GradientVerdict.Flat, 2.4e-3),
                new GradientCheckResult("b", 3, 0.4, 3.0, 1e-9, 1e-2f, GradientVerdict.Ok, 3.2e31),
                new GradientCheckResult("c", 3, 0, 1e-4, 0, 1e-2f, GradientVerdict.Ok, 2e-4),
            ],
            [new ParameterStatistics("a", 1, 0, 0), new ParameterStatistics("b", 1, 1e-9, 1e-3), new ParameterStatistics("c", 1, 2, 0.5)],
            [new ActivationStatistics("relu0", "relu", 128, 128, 1.0)],
            new OverfitResult(8, 0, 0, 0, 0.01));

        string table = DiagnosticsTable.Format(report);

        // Only the sampled entries on the check's rows are known to have no gradient; and a gradient under the loss's rounding
        // is not "≈ 0" where the loss is huge: it is said with the size the rounding resolves.
        Assert.That(table, Does.Contain("a ").And.Contain("not checked (the sampled entries' gradient is exactly 0 on the check's rows, and the loss does not move with them: nothing to compare)"));
        Assert.That(table, Does.Contain("ok (both below what the loss's rounding resolves, ±3.200E+31)"));
        Assert.That(table, Does.Not.Contain("≈ 0").And.Not.Contain("the gradient is 0"));
        Assert.That(table, Does.Contain("ok (inside the one-sided differences' interval)").And.Not.Contain("rel 0.000E+00"));
        Assert.That(table, Does.Contain("below 0.01 before the first step, so it shows nothing about learning").And.Not.Contain("reached"));
        Assert.That(table, Does.Contain("far from the usual ~1e-3").And.Contain("a 0.000E+00").And.Contain("c 5.000E-01").And.Not.Contain("b 1.000E-03"));
        Assert.That(table, Does.Contain("128/128 (100.0 %)   100.0 %"), "the dead units and the share stay apart");
    }

    [Test]
    public void Table_PrintsAFinalLossJustBelowTheTarget_WithTheDigitsThatShowIt_AndAnAstronomicalOneInExponentForm()
    {
        static string Overfit(double initial, double final, int steps) =>
            DiagnosticsTable.Format(new DiagnosticsReport([], [], [], new OverfitResult(32, steps, initial, final, 0.01))).Split('\n')[^1];

        Assert.That(Overfit(2.40430212, 0.0099996, 4191), Is.EqualTo("overfit one batch of 32: loss 2.4043 -> 0.0099996 in 4191 steps: reached < 0.01"));
        Assert.That(Overfit(2.40430212, 0.0012345, 10), Does.Contain("-> 0.0012 in 10 steps: reached"));
        Assert.That(Overfit(12523002388148857032051591772511404032.0, double.NaN, 1), Is.EqualTo("overfit one batch of 32: loss 1.252E+37 -> NaN in 1 steps: did NOT reach < 0.01 (if the loss was still falling, the step budget was too small: raise --steps)"));
        Assert.That(Overfit(double.NaN, double.NaN, 0), Is.EqualTo("overfit one batch of 32: not tried: the loss is NaN before the first step"));
    }

    [Test]
    public void CheckGradients_CallsNothingWrong_WhereTheLossIsNaN_OrAStepOverflows()
    {
        // Finite weights near float32's limit: the logits overflow, the loss is NaN, and every comparison with it is false.
        // Backpropagation is not at fault: nothing can be measured.
        Sequential network = Sequential.Mlp([6, 5, 3], "relu", "he_normal", 7, Rows);
        Array.Fill(network.Parameters[0].Value, 3e38f);
        (float[] x, float[] y) = Batch(6, 3);

        IReadOnlyList<GradientCheckResult> results = NetworkDiagnostics.CheckGradients(network, x, y, Rows, 5, 1);

        Assert.That(results, Has.Count.EqualTo(4).And.All.Matches<GradientCheckResult>(r => r.Verdict == GradientVerdict.NotFinite), string.Join("; ", results));
        string table = DiagnosticsTable.Format(new DiagnosticsReport(results, [.. results.Select(r => new ParameterStatistics(r.Parameter, 1, 1, 1e-3))], [], new OverfitResult(Rows, 0, double.NaN, double.NaN, 0.01)));
        Assert.That(table, Does.Not.Contain("WRONG").And.Contain("not checked (the loss or the gradient is not finite at or near these weights, where float32 overflows: nothing to compare)"));

        // Finite at the weights (logits float.MaxValue and 0, loss 1.7e38), but the noise probe's step from float.MaxValue
        // overflows: that parameter is not judged, and the bias, whose steps stay finite, still is.
        var edge = new Dense("dense0", 1, 2, Rows);
        edge.Weight.Value[0] = float.MaxValue;
        var ones = Enumerable.Repeat(1f, Rows).ToArray();
        float[] targets = [.. Enumerable.Range(0, Rows).SelectMany(r => r % 2 == 0 ? new[] { 1f, 0f } : [0f, 1f])];
        var near = NetworkDiagnostics.CheckGradients(new Sequential([edge]), ones, targets, Rows, 5, 1).ToDictionary(r => r.Parameter);
        Assert.That(near["dense0.weight"].Verdict, Is.EqualTo(GradientVerdict.NotFinite), string.Join("; ", near.Values));
        Assert.That(near["dense0.bias"].Verdict, Is.Not.EqualTo(GradientVerdict.NotFinite).And.Not.EqualTo(GradientVerdict.Wrong), string.Join("; ", near.Values));
    }

    [Test]
    public async Task Runner_OnDivergedWeights_SaysSoFirst_RunsNoGradientCheck_AndBlamesNothing()
    {
        var provider = new Mock<IDatasetProvider>();
        provider.Setup(p => p.LoadAsync(It.IsAny<CancellationToken>())).ReturnsAsync(SyntheticData.Blobs());
        var training = Microsoft.Extensions.Options.Options.Create(new TrainingOptions { BatchSize = 16, Seed = 3 });
        var logger = new Mock<ILogger<DiagnosticsRunner>>();
        logger.Setup(l => l.IsEnabled(It.IsAny<LogLevel>())).Returns(true);

        foreach (float scale in new[] { 3e38f, 1e18f })
        {
            // 3e38: the loss is NaN. 1e18: finite, about 1e37, as the weights of a run at learning rate 1e5 left it.
            var factory = new Mock<INetworkFactory> { CallBase = true };
            factory.Setup(f => f.Create(It.IsAny<Shape>(), It.IsAny<int>())).Returns((Shape _, int capacity) =>
            {
                Sequential network = Sequential.Mlp([8, 16, 3], "relu", "he_normal", 7, capacity);
                float[] first = network.Parameters[0].Value, last = network.Parameters[2].Value;
                for (int i = 0; i < first.Length; i++)
                {
                    first[i] = i % 2 == 0 ? scale : -scale;
                }

                // Every hidden unit votes for class 0 alone: rows of the other classes are wrong by logits of 1e37.
                for (int i = 0; i < last.Length; i++)
                {
                    last[i] = i % 3 == 0 ? scale : -scale;
                }

                return network;
            });
            var runner = new DiagnosticsRunner(provider.Object, factory.Object, Microsoft.Extensions.Options.Options.Create(new OptimizerOptions()), training, logger.Object);

            DiagnosticsReport report = await runner.RunAsync(new DiagnosticsSettings(16, OverfitSteps: 3));

            Assert.That(report.Diverged, Is.Not.Null, $"scale {scale}");
            Assert.That(NetworkDiagnostics.HasDiverged(report.Diverged!.Loss), $"scale {scale}: loss {report.Diverged.Loss}");
            Assert.That(report.GradientCheck, Is.Empty);
            string table = DiagnosticsTable.Format(report);
            string first = table.Split('\n')[0];
            Assert.That(first, Does.StartWith("the loss at these weights is ").And.Contain(" on the batch of 16: the network has diverged (largest |w| ").And.EndWith("a gradient check cannot judge it, so none was run"));
            Assert.That(table, Does.Not.Contain("WRONG").And.Not.Contain("≈ 0").And.Contain("not run (diverged)"));
            if (double.IsNaN(report.Diverged.Loss))
            {
                Assert.That(table, Does.Not.Contain("far from the usual"), "a step of NaN gradients moves nothing: it is no update ratio");
            }
        }

        Assert.That(DiagnosticsTable.Format(await new DiagnosticsRunner(provider.Object, new NetworkFactory(Microsoft.Extensions.Options.Options.Create(new ModelOptions { LayerSizes = "8,16,3" }), training), Microsoft.Extensions.Options.Options.Create(new OptimizerOptions()), training, NullLogger<DiagnosticsRunner>.Instance)
            .RunAsync(new DiagnosticsSettings(16, OverfitSteps: 1))), Does.Not.Contain("diverged"), "a network at initialisation has not");
        logger.Verify(l => l.Log(LogLevel.Warning, It.IsAny<EventId>(), It.Is<It.IsAnyType>((state, _) => state.ToString()!.Contains("the network has diverged", StringComparison.Ordinal)), null, It.IsAny<Func<It.IsAnyType, Exception?, string>>()), Times.Exactly(2));
    }

    [Test]
    public void MeasureParameters_TakesATrainingStep_SoAConvBiasBeforeBatchNormHasNoGradient_AndLeavesTheRunningStatistics()
    {
        // Batch norm subtracts the batch mean, so a bias added right before it cannot change the loss: in training mode its
        // gradient is 0. In evaluation mode at initialisation (running mean 0, variance 1) it would pass straight through.
        LayerDefinition[] layers = [.. new[] { "conv 3 3x3 pad 1", "batchnorm", "relu", "flatten", "dense 3" }.Select(LayerSyntax.Parse)];
        Sequential network = NetworkBuilder.Build(layers, new Shape(1, 4, 4), Rows, "he_normal", 9);
        (float[] x, float[] y) = Batch(16, 3);
        float[][] stateBefore = [.. network.State.Select(s => (float[])s.Value.Clone())];

        IReadOnlyList<ParameterStatistics> stats = NetworkDiagnostics.MeasureParameters(network, new Sgd(0.1f), x, y, Rows);

        Assert.That(stats.Single(s => s.Parameter == "conv0.bias").GradientNorm, Is.LessThan(1e-5));
        Assert.That(stats.Single(s => s.Parameter == "bn0.bias").GradientNorm, Is.GreaterThan(1e-3));
        Assert.That(network.State.Select(s => s.Value), Is.EqualTo(stateBefore), "running statistics restored");
        Assert.That(network.IsTraining, Is.False);
    }

    [Test]
    public void MeasureActivations_WithBatchStatistics_SeesTheNormalisedInputs_OfANetworkAtInitialisation()
    {
        // A shifted input: without normalisation every ReLU input is positive; normalised by the batch, about half are not.
        LayerDefinition[] layers = [.. new[] { "flatten", "dense 8", "batchnorm", "relu", "dense 3" }.Select(LayerSyntax.Parse)];
        Sequential network = NetworkBuilder.Build(layers, new Shape(1, 4, 4), 64, "zeros", 9);
        foreach (Parameter p in network.Parameters.Where(p => p.Name == "dense0.bias"))
        {
            Array.Fill(p.Value, 5f);
        }

        var rng = new Xoshiro256(3);
        float[] x = [.. Enumerable.Range(0, 64 * 16).Select(_ => (float)rng.NextGaussian())];
        network.Parameters[0].Value.AsSpan().Fill(0.1f);

        ActivationStatistics raw = NetworkDiagnostics.MeasureActivations(network, x, 64).Single();
        ActivationStatistics normalised = NetworkDiagnostics.MeasureActivations(network, x, 64, batchStatistics: true).Single();

        Assert.That(raw.InactiveShare, Is.EqualTo(0), "evaluation mode at initialisation: batch norm is the identity");
        Assert.That(normalised.InactiveShare, Is.InRange(0.3, 0.7));
        Assert.That(network.IsTraining, Is.False);
    }

    [Test]
    public void CheckGradients_Passes_OnACnnWithBatchNormAndDropout_AndLeavesItAsItWas()
    {
        // conv0.bias sits right before batch norm, which subtracts it again: its true gradient is 0, and 1e-7 of rounding must not fail it.
        LayerDefinition[] layers = [.. new[] { "conv 3 3x3 pad 1", "batchnorm", "relu", "maxpool 2", "flatten", "dropout 0.3", "dense 4", "batchnorm", "tanh", "dense 3" }.Select(LayerSyntax.Parse)];
        Sequential network = NetworkBuilder.Build(layers, new Shape(2, 6, 6), Rows, "he_normal", 9);
        (float[] x, float[] y) = Batch(72, 3);
        float[][] stateBefore = [.. network.State.Select(s => (float[])s.Value.Clone())];
        ulong[] generatorBefore = network.Layers.OfType<Dropout>().Single().GetRandomState();

        // The default step: with batch norm over four rows, a step of 1e-2 in a conv weight moves several ReLU and max-pool kinks
        // at once, which the one-sided differences cannot bracket, and the check must retry with shorter steps by itself.
        IReadOnlyList<GradientCheckResult> results = NetworkDiagnostics.CheckGradients(network, x, y, Rows, 40, 1);

        Assert.That(results.Select(r => r.Parameter), Is.EqualTo(network.Parameters.Select(p => p.Name)));
        Assert.That(results, Has.All.Matches<GradientCheckResult>(r => r.Passed), string.Join("; ", results));
        Assert.That(network.State.Select(s => s.Value), Is.EqualTo(stateBefore), "running statistics restored");
        Assert.That(network.Layers.OfType<Dropout>().Single().GetRandomState(), Is.EqualTo(generatorBefore), "dropout generator rewound");
        Assert.That(network.IsTraining, Is.False, "back in evaluation mode");
    }

    [Test]
    public void CheckGradients_NeverCallsACorrectCnnWrong_OverDigitsOnABlankBackground()
    {
        (Sequential network, float[] x, float[] y) = CnnOnBlankDigits();

        IReadOnlyList<GradientCheckResult> results = NetworkDiagnostics.CheckGradients(network, x, y, DigitRows, 30, 1);

        TestContext.Out.WriteLine(string.Join("\n", results));
        Assert.That(results, Has.None.Matches<GradientCheckResult>(r => r.Verdict == GradientVerdict.Wrong), string.Join("; ", results));
        Assert.That(results.Where(r => r.Parameter.StartsWith("dense", StringComparison.Ordinal)), Has.All.Matches<GradientCheckResult>(r => r.Passed));
        Assert.That(results.Single(r => r.Parameter == "conv1.bias").Verdict, Is.EqualTo(GradientVerdict.Unresolved), "ReLU and max-pool kinks follow it");
    }

    // A batch the network has memorised (loss 1e-4): −log p of a float32 p a hair below 1 moves in steps of 6e-8 a row, so
    // differences of the training loss disagreed with a correct gradient by 1e-2 to 0.14: the last bias, with no kink after
    // it, was blamed on ReLU kinks, and one hidden bias was called WRONG.
    [TestCase(1UL)]
    [TestCase(2UL)]
    [TestCase(3UL)]
    [TestCase(4UL)]
    public void CheckGradients_CallsACorrectMlpOk_OnABatchItHasMemorised(ulong seed)
    {
        const int rows = 8, features = 64, classes = 10;
        var rng = new Xoshiro256(seed);
        var x = new float[rows * features];
        for (int i = 0; i < x.Length; i++)
        {
            x[i] = rng.NextDouble() < 0.7 ? 0f : (float)rng.NextDouble();
        }

        var y = new float[rows * classes];
        for (int r = 0; r < rows; r++)
        {
            y[(r * classes) + (r % classes)] = 1f;
        }

        Sequential network = Sequential.Mlp([features, 32, 16, classes], "relu", "he_normal", seed, rows);
        OverfitResult memorised = NetworkDiagnostics.OverfitOneBatch(network, new Adam(1e-3f), x, y, rows, 20000, targetLoss: 1e-4);
        Assert.That(memorised.Reached, Is.True, "the batch is memorised: " + memorised);

        IReadOnlyList<GradientCheckResult> results = NetworkDiagnostics.CheckGradients(network, x, y, rows, 30, seed);

        Assert.That(results, Has.None.Matches<GradientCheckResult>(r => r.Verdict == GradientVerdict.Wrong), string.Join("; ", results));
        Assert.That(results.Where(r => r.Parameter.StartsWith("dense2", StringComparison.Ordinal)), Has.All.Matches<GradientCheckResult>(r => r.Passed), string.Join("; ", results));
    }

    [Test]
    public void CheckGradients_StillCallsAConvBiasWrong_WhenItsGradientIsTwiceTooLarge_KinksOrNot()
    {
        (Sequential network, float[] x, float[] y) = CnnOnBlankDigits();
        var conv = (Conv2D)network.Layers[0];
        var broken = new Sequential([new ScaledGradient(conv, conv.BiasParameter, 2f), .. network.Layers.Skip(1)]);

        var results = NetworkDiagnostics.CheckGradients(broken, x, y, DigitRows, 30, 1).ToDictionary(r => r.Parameter);

        Assert.That(results["conv0.bias"].Verdict, Is.EqualTo(GradientVerdict.Wrong), results["conv0.bias"].ToString());
        Assert.That(results["conv0.weight"].Verdict, Is.Not.EqualTo(GradientVerdict.Wrong));
    }

    [Test]
    public void CheckGradients_CallsAGradientOfZeroOk_WhereTheFloat32LossRoundsByMoreThanItsGradient()
    {
        // conv0.bias and conv1.bias sit right before batch norm: their true gradient is 0, and backpropagation gives ~1e-6 of
        // rounding. The loss, ~6.8 over eight rows (ulp 4.8e-7), comes back an ulp or so off now and then when a bias moves
        // and batch norm's sums over 16 × 16 pixels re-round: 4.8e-5 in a difference at a step of 1e-2, 4.8e-3 at 1e-4. The
        // check of a fixed floor (1e-4, for "~1e-7 of rounding") called conv0.bias WRONG here, at a relative error of 0.48.
        (Sequential network, float[] x, float[] y) = ConvBatchNormOnNoise();

        var results = NetworkDiagnostics.CheckGradients(network, x, y, NoiseRows, 30, 1).ToDictionary(r => r.Parameter);

        TestContext.Out.WriteLine(string.Join("\n", results.Values));
        Assert.That(results.Values, Has.None.Matches<GradientCheckResult>(r => r.Verdict == GradientVerdict.Wrong), string.Join("; ", results.Values));
        GradientCheckResult bias = results["conv0.bias"];
        Assert.That(bias.RelativeError, Is.GreaterThan(NetworkDiagnostics.DefaultTolerance), "the differences disagree past the tolerance");
        Assert.That(bias.Verdict, Is.EqualTo(GradientVerdict.Ok), "but by no more than the loss's rounding explains");
        Assert.That(bias.NoiseAllowance, Is.GreaterThan(bias.RelativeError - NetworkDiagnostics.DefaultTolerance));
    }

    [TestCase("conv1.weight", 2f)]
    [TestCase("dense0.weight", 2f)]
    [TestCase("dense0.weight", 1.05f)]
    [TestCase("conv1.weight", 1.05f)]
    public void CheckGradients_StillCallsAGradientWrong_WhenItIsScaled_InANetworkWhoseLossRoundsCoarsely(string parameter, float factor)
    {
        (Sequential network, float[] x, float[] y) = ConvBatchNormOnNoise();
        int index = network.Layers.ToList().FindIndex(l => l.Parameters.Any(p => p.Name == parameter));
        ILayer layer = network.Layers[index];
        var broken = new Sequential([.. network.Layers.Take(index), new ScaledGradient(layer, layer.Parameters.Single(p => p.Name == parameter), factor), .. network.Layers.Skip(index + 1)]);

        var results = NetworkDiagnostics.CheckGradients(broken, x, y, NoiseRows, 30, 1).ToDictionary(r => r.Parameter);

        TestContext.Out.WriteLine(results[parameter]);
        Assert.That(results[parameter].Verdict, Is.EqualTo(GradientVerdict.Wrong), results[parameter].ToString());
        Assert.That(results.Values.Where(r => r.Parameter != parameter), Has.None.Matches<GradientCheckResult>(r => r.Verdict == GradientVerdict.Wrong));
    }

    private const int NoiseRows = 8;

    // Two 16-filter convolutions, each followed by batch norm, over 16 × 16 Gaussian images; the output layer's weights are
    // scaled by 4 so the loss is ~6.8, though no row's probability comes near the cross-entropy's 1e-12 clip (the smallest is e^−14).
    private static (Sequential Network, float[] X, float[] Y) ConvBatchNormOnNoise()
    {
        const int side = 16, classes = 10;
        LayerDefinition[] layers = [.. new[] { "conv 16 3x3 pad 1", "batchnorm", "relu", "conv 16 3x3 pad 1", "batchnorm", "relu", "flatten", $"dense {classes}" }.Select(LayerSyntax.Parse)];
        Sequential network = NetworkBuilder.Build(layers, new Shape(1, side, side), NoiseRows, "he_normal", 2);
        Parameter output = network.Parameters.Single(p => p.Name == "dense0.weight");
        for (int i = 0; i < output.Length; i++)
        {
            output.Value[i] *= 4f;
        }

        var rng = new Xoshiro256(102);
        float[] x = [.. Enumerable.Range(0, NoiseRows * side * side).Select(_ => (float)rng.NextGaussian())];
        var y = new float[NoiseRows * classes];
        for (int r = 0; r < NoiseRows; r++)
        {
            y[(r * classes) + (r % classes)] = 1f;
        }

        return (network, x, y);
    }

    private const int DigitRows = 8;

    // The recipe's kind of CNN at initialisation (biases 0) on MNIST-like images: 0 outside a stroke, faint (1–3 / 255) at
    // its edge, bright inside, as `diagnose --recipe cnn` meets them. Most of a channel's outputs sit on the ReLU's kink.
    private static (Sequential Network, float[] X, float[] Y) CnnOnBlankDigits()
    {
        LayerDefinition[] layers = [.. new[] { "conv 8 3x3 pad 1", "relu", "maxpool 2", "conv 8 3x3 pad 1", "relu", "maxpool 2", "flatten", "dense 16", "relu", "dense 3" }.Select(LayerSyntax.Parse)];
        Sequential network = NetworkBuilder.Build(layers, new Shape(1, 16, 16), DigitRows, "he_normal", 3);
        var rng = new Xoshiro256(11);
        var x = new float[DigitRows * 256];
        var y = new float[DigitRows * 3];
        for (int r = 0; r < DigitRows; r++)
        {
            int top = 3 + rng.NextInt(4), left = 3 + rng.NextInt(4);
            for (int i = top; i < top + 7; i++)
            {
                for (int j = left; j < left + 5; j++)
                {
                    bool edge = i == top || i == top + 6 || j == left || j == left + 4;
                    x[(r * 256) + (i * 16) + j] = edge ? (1 + rng.NextInt(3)) / 255f : (float)(0.5 + (0.5 * rng.NextDouble()));
                }
            }

            y[(r * 3) + (r % 3)] = 1f;
        }

        return (network, x, y);
    }

    [Test]
    public void MeasureActivations_CountsAConvolutionsChannels_AsItsUnits()
    {
        Sequential network = NetworkBuilder.Build([LayerSyntax.Parse("conv 5 3x3"), LayerSyntax.Parse("relu"), LayerSyntax.Parse("flatten"), LayerSyntax.Parse("dense 3")], new Shape(1, 5, 5), Rows, "he_normal", 2);
        var conv = (Conv2D)network.Layers[0];
        Array.Fill(conv.Weight.Value, 0f, 0, 9);
        conv.BiasParameter.Value[0] = -1f;
        (float[] x, _) = Batch(25, 3);

        ActivationStatistics relu = NetworkDiagnostics.MeasureActivations(network, x, Rows).Single();

        Assert.That(relu.Units, Is.EqualTo(5));
        Assert.That(relu.DeadUnits, Is.GreaterThanOrEqualTo(1), "filter 0 gives −1 at every pixel of every row");
        Assert.That(relu.InactiveShare, Is.GreaterThanOrEqualTo(0.2).And.LessThan(1.0));
    }

    private const int BlankRows = 8;

    // Flattened 16 × 16 images, blank but for one bright pixel a row: most pixels are 0 in every row, as MNIST's border is over
    // the check's 8 rows, so most first-layer weights (here 97 %) meet only zeros there.
    private static (float[] X, float[] Y) MostlyBlankImages()
    {
        var rng = new Xoshiro256(21);
        var x = new float[BlankRows * 256];
        var y = new float[BlankRows * 3];
        for (int r = 0; r < BlankRows; r++)
        {
            int i = 4 + rng.NextInt(8), j = 4 + rng.NextInt(8);
            x[(r * 256) + (i * 16) + j] = (float)(0.5 + (0.5 * rng.NextDouble()));

            y[(r * 3) + (r % 3)] = 1f;
        }

        return (x, y);
    }

    // dense0 → (dY × factor on the way back) → relu → dense1: dense0 stays a real Dense, its dW and dB factor times too large.
    private static Sequential FirstLayerScaled(float factor)
    {
        var dense0 = new Dense("dense0", 256, 16, BlankRows);
        dense0.Initialize(new Core.Initializers.HeNormal(), new Xoshiro256(3));
        var dense1 = new Dense("dense1", 16, 3, BlankRows);
        dense1.Initialize(new Core.Initializers.HeNormal(), new Xoshiro256(4));
        return new Sequential([dense0, new ScaledBackward("scaled0", 16, BlankRows, factor), new ActivationLayer("relu0", new Relu(), 16, BlankRows), dense1]);
    }

    // Three entries of 4,096, of which 97 % meet only blank pixels: drawn uniformly, they were mostly all such entries, their
    // gradients 0 on both sides, and a first layer whose dW was 5 % too large read "not checked" instead of WRONG.
    [TestCase(1.05f, GradientVerdict.Wrong, 1UL)]
    [TestCase(1.05f, GradientVerdict.Wrong, 2UL)]
    [TestCase(1.05f, GradientVerdict.Wrong, 3UL)]
    [TestCase(1.05f, GradientVerdict.Wrong, 4UL)]
    [TestCase(1f, GradientVerdict.Ok, 1UL)]
    [TestCase(1f, GradientVerdict.Ok, 2UL)]
    [TestCase(1f, GradientVerdict.Ok, 3UL)]
    [TestCase(1f, GradientVerdict.Ok, 4UL)]
    public void CheckGradients_ChecksFirstLayerWeightsThatMeetAnInput_OnMostlyBlankImages(float factor, GradientVerdict expected, ulong seed)
    {
        (float[] x, float[] y) = MostlyBlankImages();

        var results = NetworkDiagnostics.CheckGradients(FirstLayerScaled(factor), x, y, BlankRows, 3, seed).ToDictionary(r => r.Parameter);

        Assert.That(results["dense0.weight"].Verdict, Is.EqualTo(expected), results["dense0.weight"].ToString());
    }

    [Test]
    public void Sample_PutsReachedEntriesFirst_AndStaysSeeded()
    {
        bool[] reached = new bool[100];
        reached[7] = reached[42] = reached[93] = true;

        int[] few = NetworkDiagnostics.Sample(100, 2, new Xoshiro256(5), reached);
        int[] more = NetworkDiagnostics.Sample(100, 5, new Xoshiro256(5), reached);

        Assert.That(few, Is.SubsetOf(new[] { 7, 42, 93 }).And.Unique);
        Assert.That(more, Is.SupersetOf(new[] { 7, 42, 93 }).And.Unique.And.Length.EqualTo(5), "the count is filled from the rest");
        Assert.That(NetworkDiagnostics.Sample(100, 5, new Xoshiro256(5), reached), Is.EqualTo(more));
        Assert.That(NetworkDiagnostics.Sample(100, 5, new Xoshiro256(5)), Is.EqualTo(NetworkDiagnostics.Sample(100, 5, new Xoshiro256(5), new bool[100].Select(_ => true).ToArray())), "all reached: the uniform draw");
    }

    [Test]
    public void InputReach_MarksTheConvolutionWeights_ThatSeeANonZeroPixel_AndTheDenseOnesAfterADeadUnit()
    {
        // One non-zero pixel, top left: with a 3x3 kernel and padding 1, only kernel rows and columns 0 and 1 ever reach it.
        Sequential network = NetworkBuilder.Build([.. new[] { "conv 2 3x3 pad 1", "relu", "flatten", "dense 3" }.Select(LayerSyntax.Parse)], new Shape(1, 4, 4), 1, "he_normal", 2);
        var conv = (Conv2D)network.Layers[0];
        Array.Fill(conv.BiasParameter.Value, -100f);
        conv.BiasParameter.Value[1] = 100f;
        var x = new float[16];
        x[0] = 1f;

        Dictionary<Parameter, bool[]> reached = InputReach.Of(network, x, 1);

        bool[] expected = [.. Enumerable.Range(0, conv.Weight.Length).Select(k => k % 9 / 3 < 2 && k % 3 < 2)];
        Assert.That(reached[conv.Weight], Is.EqualTo(expected));

        // Filter 0 is off everywhere (its bias is −100), filter 1 on: only the dense weights fed by filter 1 reach the loss.
        var dense = (Dense)network.Layers[^1];
        Assert.That(reached[dense.Weight], Is.EqualTo(Enumerable.Range(0, dense.Weight.Length).Select(k => k / 3 >= 16).ToArray()));
        Assert.That(reached.Keys, Is.EquivalentTo(new[] { conv.Weight, dense.Weight }), "biases always reach it");
    }

    /// <summary>The identity forward; backward multiplies dY by <c>factor</c>, so every gradient before it comes out that much too large.</summary>
    private sealed class ScaledBackward(string name, int size, int capacity, float factor) : ILayer
    {
        private readonly float[] _dX = new float[size * capacity];

        public string Name => name;

        public Shape InputShape => Shape.Flat(size);

        public Shape OutputShape => Shape.Flat(size);

        public int InputSize => size;

        public int OutputSize => size;

        public int Capacity => capacity;

        public IReadOnlyList<Parameter> Parameters => [];

        public IReadOnlyList<StateTensor> State => [];

        public float[] Forward(ReadOnlyMemory<float> x, int n) => x[..(n * size)].ToArray();

        public float[]? Backward(float[] dY, int n, bool computeInputGradient)
        {
            for (int i = 0; i < n * size; i++)
            {
                _dX[i] = dY[i] * factor;
            }

            return _dX;
        }
    }

    // Only a parameter with a ReLU, leaky ReLU or max-pool between it and the loss can blame kinks for a disagreement.
    [TestCase(new[] { "flatten", "dense 5", "relu", "dense 3" }, "dense0.weight,dense0.bias")]
    [TestCase(new[] { "flatten", "dense 5", "tanh", "dense 4", "leaky_relu", "dense 3" }, "dense0.weight,dense0.bias,dense1.weight,dense1.bias")]
    [TestCase(new[] { "conv 2 3x3 pad 1", "batchnorm", "maxpool 2", "flatten", "dense 4", "sigmoid", "dense 3" }, "conv0.weight,conv0.bias,bn0.weight,bn0.bias")]
    [TestCase(new[] { "flatten", "dense 5", "tanh", "dense 3" }, "")]
    public void OnlyParametersBeforeAKinkCanBeUnresolvedByKinks(string[] definitions, string expected)
    {
        Sequential network = NetworkBuilder.Build([.. definitions.Select(LayerSyntax.Parse)], new Shape(1, 4, 4), 4, "he_normal", 9);

        string[] before = [.. NetworkDiagnostics.BeforeKinks(network).Select(p => p.Name).Order(StringComparer.Ordinal)];

        Assert.That(before, Is.EqualTo(expected.Split(',', StringSplitOptions.RemoveEmptyEntries).Order(StringComparer.Ordinal).ToArray()));
    }
}
