using ScratchNet.Training.Checkpoints;
using ScratchNet.Training.Results;
using ScratchNet.Training.Options;
using ScratchNet.Training.Schedules;

namespace ScratchNet.Training.Tests.Schedules;

public class LearningRateScheduleTests
{
    private static float[] EpochStarts(ScheduleOptions options, int epochs, float baseRate = 1f) =>
        Enumerable.Range(1, epochs).Select(e => new LearningRateSchedule(options, epochs).RateFor(baseRate, e, 0, 10)).ToArray();

    [Test]
    public void Constant_KeepsTheBaseRate() =>
        Assert.That(EpochStarts(new ScheduleOptions(), 3, 0.5f), Is.EqualTo(new[] { 0.5f, 0.5f, 0.5f }));

    // η·γ^⌊(e−1)/2⌋ with γ = 0.5
    [Test]
    public void Step_MultipliesByGammaEveryStepSizeEpochs() =>
        Assert.That(EpochStarts(new ScheduleOptions { Name = "step", StepSize = 2, Gamma = 0.5f }, 5), Is.EqualTo(new[] { 1f, 1f, 0.5f, 0.5f, 0.25f }));

    [Test]
    public void Exponential_MultipliesByGammaEveryEpoch() =>
        Assert.That(EpochStarts(new ScheduleOptions { Name = "exponential", Gamma = 0.5f }, 4), Is.EqualTo(new[] { 1f, 0.5f, 0.25f, 0.125f }));

    // 5 epochs of 2 batches, 1 warm-up epoch: warm-up steps 1/2, 2/2; then 8 cosine steps: (1 + cos(π·k/8)) / 2
    [Test]
    public void Cosine_WarmsUpLinearlyPerBatch_ThenAnnealsPerBatch()
    {
        var schedule = new LearningRateSchedule(new ScheduleOptions { Name = "cosine", WarmupEpochs = 1 }, 5);
        float[] rates = [.. from e in Enumerable.Range(1, 5) from b in Enumerable.Range(0, 2) select schedule.RateFor(1f, e, b, 2)];
        double[] expected = [0.5, 1.0, .. Enumerable.Range(0, 8).Select(k => (1 + Math.Cos(Math.PI * k / 8)) / 2)];
        Assert.That(rates, Is.EqualTo(expected).Within(1e-6));
        Assert.That(rates[6], Is.EqualTo(0.5f).Within(1e-6), "half-way through the annealing the rate is halved");
    }

    [Test]
    public void Cosine_EndsNearItsFloor()
    {
        var schedule = new LearningRateSchedule(new ScheduleOptions { Name = "cosine", MinLearningRate = 0.1f }, 10);
        Assert.That(schedule.RateFor(1f, 10, 99, 100), Is.EqualTo(0.1f).Within(1e-4));
        Assert.That(schedule.RateFor(1f, 1, 0, 100), Is.EqualTo(1f));
    }

    [Test]
    public void Warmup_AppliesToOtherSchedulesToo() =>
        Assert.That(new LearningRateSchedule(new ScheduleOptions { Name = "step", WarmupEpochs = 2 }, 5).RateFor(1f, 1, 4, 10), Is.EqualTo(0.25f).Within(1e-6));

    [Test]
    public void Plateau_DropsTheRate_WhenTheMetricStallsLongerThanPatience()
    {
        var schedule = new LearningRateSchedule(new ScheduleOptions { Name = "plateau", Patience = 1, Factor = 0.5f }, 10);
        double[] losses = [1.0, 0.9, 0.95, 0.95, 0.8, 0.85, 0.85];
        var rates = new List<float>();
        for (int e = 0; e < losses.Length; e++)
        {
            schedule.OnEpochEnd(new EpochMetrics(e + 1, 0, losses[e], 0, 0, 0));
            rates.Add(schedule.RateFor(1f, e + 2, 0, 10));
        }

        // bad epochs: 0, 0, 1, 2 → drop, 0 (0.8 improves), 1, 2 → drop
        Assert.That(rates, Is.EqualTo(new[] { 1f, 1f, 1f, 0.5f, 0.5f, 0.5f, 0.25f }));
    }

    [Test]
    public void Plateau_NeverGoesBelowItsFloor()
    {
        var schedule = new LearningRateSchedule(new ScheduleOptions { Name = "plateau", Patience = 0, Factor = 0.1f, MinLearningRate = 0.05f }, 10);
        for (int e = 1; e <= 5; e++)
        {
            schedule.OnEpochEnd(new EpochMetrics(e, 0, 1.0, 0, 0, 0));
        }

        Assert.That(schedule.RateFor(1f, 6, 0, 10), Is.EqualTo(0.05f));
    }

    [Test]
    public void Plateau_StateRoundTripsThroughACheckpoint()
    {
        var options = new ScheduleOptions { Name = "plateau", Patience = 1, Factor = 0.5f };
        var first = new LearningRateSchedule(options, 10);
        foreach (double loss in new[] { 1.0, 1.0, 1.0, 1.0 })
        {
            first.OnEpochEnd(new EpochMetrics(1, 0, loss, 0, 0, 0));
        }

        var checkpoint = new Checkpoint();
        first.SaveTo(checkpoint);
        var second = new LearningRateSchedule(options, 10);
        second.RestoreFrom(checkpoint);
        first.OnEpochEnd(new EpochMetrics(5, 0, 1.0, 0, 0, 0));
        second.OnEpochEnd(new EpochMetrics(5, 0, 1.0, 0, 0, 0));
        Assert.That(second.RateFor(1f, 6, 0, 10), Is.EqualTo(first.RateFor(1f, 6, 0, 10)));
        Assert.That(second.RateFor(1f, 6, 0, 10), Is.EqualTo(0.25f));
    }

    [Test]
    public void Constructor_ListsValidNames_WhenTheNameIsUnknown()
    {
        var ex = Assert.Throws<ArgumentException>(() => _ = new LearningRateSchedule(new ScheduleOptions { Name = "cyclic" }, 5));
        Assert.That(ex!.Message, Does.Contain("valid: constant, step, exponential, cosine, plateau"));
    }

    [Test]
    public void Validator_NamesTheKeyAndValidValues()
    {
        var result = new ScheduleOptionsValidator().Validate(null, new ScheduleOptions { Name = "cyclic", Gamma = 0f, Monitor = "f1" });
        Assert.That(result.Failures, Has.Some.Contains("Schedule:Name 'cyclic' is unknown; valid: constant, step, exponential, cosine, plateau"));
        Assert.That(result.Failures, Has.Some.Contains("Schedule:Gamma must be in (0, 1], got 0"));
        Assert.That(result.Failures, Has.Some.Contains("Schedule:Monitor 'f1' is unknown; valid: val_loss, val_acc, train_loss"));
        Assert.That(new ScheduleOptionsValidator().Validate(null, new ScheduleOptions()).Succeeded, Is.True);
    }

    [Test]
    public void Validator_RefusesAWarmUpLongerThanTheRun_AndNamesBothKeys()
    {
        var training = Microsoft.Extensions.Options.Options.Create(new TrainingOptions { Epochs = 3 });
        var result = new ScheduleOptionsValidator(training).Validate(null, new ScheduleOptions { Name = "cosine", WarmupEpochs = 5 });
        Assert.That(result.Failures, Has.One.Contains("Schedule:WarmupEpochs is 5, more than Training:Epochs (3)").And.Contains("at most 3"));
        Assert.That(new ScheduleOptionsValidator(training).Validate(null, new ScheduleOptions { Name = "cosine", WarmupEpochs = 3 }).Succeeded, Is.True);
    }

    [TestCase("cosine")]
    [TestCase("plateau")]
    public void Validator_RefusesAFloorAboveTheLearningRate_WhichWouldRaiseTheRate(string schedule)
    {
        var optimizer = Microsoft.Extensions.Options.Options.Create(new OptimizerOptions { LearningRate = 0.003f });
        var result = new ScheduleOptionsValidator(optimizer: optimizer).Validate(null, new ScheduleOptions { Name = schedule, MinLearningRate = 1f });

        Assert.That(result.Failures, Has.One.StartsWith("Schedule:MinLearningRate is 1, above Optimizer:LearningRate (0.003)"));
        Assert.That(new ScheduleOptionsValidator(optimizer: optimizer).Validate(null, new ScheduleOptions { Name = schedule, MinLearningRate = 0.001f }).Succeeded, Is.True);
        Assert.That(new ScheduleOptionsValidator(optimizer: optimizer).Validate(null, new ScheduleOptions { Name = "step", MinLearningRate = 1f }).Succeeded, Is.True, "step has no floor");
    }
}
