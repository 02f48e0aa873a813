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

    private static float[] EveryStep(LearningRateSchedule schedule, int epochs, int batchesPerEpoch, float baseRate = 1f) =>
        [.. from e in Enumerable.Range(1, epochs) from b in Enumerable.Range(0, batchesPerEpoch) select schedule.RateFor(baseRate, e, b, batchesPerEpoch)];

    // 2 warm-up epochs of 4 batches: 1/8 … 8/8 of η, then exponential counts epochs from the end of the warm-up: η, η·γ, η·γ²
    // (torch, stepped per batch and so in batch units: SequentialLR([LinearLR(start_factor=1/8, total_iters=7),
    // StepLR(step_size=4, gamma=γ)], milestones=[8]); see TorchPerBatch).
    [Test]
    public void Exponential_WithWarmup_RisesLinearlyToTheBaseRate_ThenDecaysFromTheEpochAfter()
    {
        float[] rates = EveryStep(new LearningRateSchedule(new ScheduleOptions { Name = "exponential", Gamma = 0.5f, WarmupEpochs = 2 }, 5), 5, 4, 0.2f);
        double[] expected =
        [
            .. Enumerable.Range(1, 8).Select(k => 0.2 * k / 8),
            .. Enumerable.Repeat(0.2, 4), .. Enumerable.Repeat(0.1, 4), .. Enumerable.Repeat(0.05, 4),
        ];
        Assert.That(rates, Is.EqualTo(expected).Within(1e-7));
        Assert.That(rates.Zip(rates.Skip(1)).Take(7).All(pair => pair.Second > pair.First), Is.True, "the warm-up never falls");
    }

    // docs/training.md's PyTorch construction, in closed form, every scheduler stepped once per batch (k from 0) and so
    // counted in batches: SequentialLR([LinearLR(start_factor=1/(W·B), total_iters=W·B−1), S], milestones=[W·B]) with S
    // StepLR(StepSize·B, γ), StepLR(B, γ) for exponential, CosineAnnealingLR((E−W)·B, η_min), or LinearLR alone.
    private static double TorchPerBatch(ScheduleOptions o, int epochs, int batches, double rate, int k)
    {
        int warmup = o.WarmupEpochs * batches;
        if (k < warmup)
        {
            double start = 1.0 / warmup;
            int total = warmup - 1;
            return rate * (total == 0 ? 1.0 : start + ((1.0 - start) * Math.Min(k, total) / total));
        }

        int j = k - warmup;
        double gamma = o.Gamma, min = o.MinLearningRate;
        return o.Name switch
        {
            "step" => rate * Math.Pow(gamma, j / (o.StepSize * batches)),
            "exponential" => rate * Math.Pow(gamma, j / batches),
            "cosine" => min + ((rate - min) * (1 + Math.Cos(Math.PI * j / ((epochs - o.WarmupEpochs) * batches))) / 2),
            _ => rate,
        };
    }

    [TestCase("constant", 2, 5, 7)]
    [TestCase("step", 1, 6, 10)]
    [TestCase("step", 2, 7, 3)]
    [TestCase("exponential", 2, 5, 4)]
    [TestCase("cosine", 1, 4, 10)]
    [TestCase("cosine", 3, 5, 1)]
    public void EveryScheduleWithWarmup_IsTorchsSequentialLRInBatchUnits(string name, int warmup, int epochs, int batches)
    {
        var options = new ScheduleOptions { Name = name, WarmupEpochs = warmup, StepSize = 2, Gamma = 0.5f, MinLearningRate = 0.001f };
        float[] rates = EveryStep(new LearningRateSchedule(options, epochs), epochs, batches, 0.1f);
        double[] torch = [.. Enumerable.Range(0, epochs * batches).Select(k => TorchPerBatch(options, epochs, batches, 0.1, k))];
        Assert.That(rates, Is.EqualTo(torch).Within(1e-8));
    }

    // 1 warm-up epoch of 2 batches, then StepLR(StepSize 2, γ 0.1) over epochs 2… counted as 1…
    [Test]
    public void Step_WithWarmup_ReachesTheBaseRate_AndStepsEveryStepSizeEpochsAfterTheWarmup()
    {
        float[] rates = EveryStep(new LearningRateSchedule(new ScheduleOptions { Name = "step", StepSize = 2, Gamma = 0.1f, WarmupEpochs = 1 }, 6), 6, 2);
        Assert.That(rates, Is.EqualTo(new[] { 0.5, 1, 1, 1, 1, 1, 0.1, 0.1, 0.1, 0.1, 0.01, 0.01 }).Within(1e-7));
    }

    // The QA report's case: a run as long as its warm-up must end at Optimizer:LearningRate, whatever the decay.
    [TestCase("step")]
    [TestCase("exponential")]
    [TestCase("plateau")]
    [TestCase("constant")]
    [TestCase("cosine")]
    public void EveryScheduleWithWarmup_EndsTheWarmupAtTheBaseRate(string name)
    {
        var schedule = new LearningRateSchedule(new ScheduleOptions { Name = name, Gamma = 0.1f, StepSize = 1, WarmupEpochs = 2 }, 2);
        Assert.That(schedule.RateFor(0.003f, 2, 9, 10), Is.EqualTo(0.003f));
        Assert.That(schedule.RateFor(0.003f, 2, 0, 10), Is.EqualTo(0.003f * 11 / 20).Within(1e-9), "no decay inside the warm-up");
    }

    // The rule cosine (and constant) followed before warm-up preceded every schedule; the shipped recipes use
    // cosine with 1 warm-up epoch or constant, so their rates must stay bit for bit what they were.
    private static float PreviousRate(ScheduleOptions options, int epochs, float baseRate, int epoch, int batch, int batchesPerEpoch)
    {
        long step = ((long)(epoch - 1) * batchesPerEpoch) + batch;
        long warmupSteps = (long)options.WarmupEpochs * batchesPerEpoch;
        double warmup = step < warmupSteps ? (step + 1) / (double)warmupSteps : 1.0;
        double rate = baseRate;
        long annealSteps = ((long)epochs * batchesPerEpoch) - warmupSteps;
        if (options.Name == "cosine" && step >= warmupSteps && annealSteps > 0)
        {
            double progress = Math.Min(1.0, (step - warmupSteps) / (double)annealSteps);
            double min = options.MinLearningRate;
            rate = min + ((baseRate - min) * (1.0 + Math.Cos(Math.PI * progress)) / 2.0);
        }

        return (float)Math.Max(rate * warmup, float.Epsilon);
    }

    // fast (20 epochs), cnn (12), the augmented recipes (40): 938 batches of 64 on 60,000 rows; reference: constant, 100 epochs of 32.
    [TestCase("cosine", 20, 1, 938, 0.001f, 0f)]
    [TestCase("cosine", 12, 1, 938, 0.05f, 0f)]
    [TestCase("cosine", 40, 1, 938, 0.05f, 0f)]
    [TestCase("cosine", 7, 3, 5, 0.1f, 0.01f)]
    [TestCase("cosine", 3, 3, 5, 0.1f, 0f)]
    [TestCase("constant", 100, 0, 50, 0.003f, 0f)]
    [TestCase("constant", 5, 2, 7, 0.003f, 0f)]
    public void CosineAndConstant_GiveTheSameRatesAsBefore(string name, int epochs, int warmup, int batchesPerEpoch, float baseRate, float min)
    {
        var options = new ScheduleOptions { Name = name, WarmupEpochs = warmup, MinLearningRate = min };
        var schedule = new LearningRateSchedule(options, epochs);
        float[] expected = [.. from e in Enumerable.Range(1, epochs) from b in Enumerable.Range(0, batchesPerEpoch) select PreviousRate(options, epochs, baseRate, e, b, batchesPerEpoch)];
        Assert.That(EveryStep(schedule, epochs, batchesPerEpoch, baseRate), Is.EqualTo(expected));
    }

    // Patience 0 would drop the rate after any epoch that fails to improve; the warm-up's epochs are not watched, so the
    // watch starts at epoch 3 and the first drop can come after epoch 4 at the earliest.
    [Test]
    public void Plateau_WithWarmup_WatchesOnlyTheEpochsAfterTheWarmup()
    {
        var schedule = new LearningRateSchedule(new ScheduleOptions { Name = "plateau", Patience = 0, Factor = 0.5f, WarmupEpochs = 2 }, 6);
        var rates = new List<float>();
        for (int e = 1; e <= 5; e++)
        {
            schedule.OnEpochEnd(new EpochMetrics(e, 0, 1.0, 0, 0, 0));
            rates.Add(schedule.RateFor(1f, e + 1, 9, 10));
        }

        Assert.That(rates, Is.EqualTo(new[] { 1f, 1f, 1f, 0.5f, 0.25f }));
    }

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
