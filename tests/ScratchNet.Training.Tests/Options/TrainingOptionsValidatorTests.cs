using ScratchNet.Training.Options;

namespace ScratchNet.Training.Tests.Options;

public class TrainingOptionsValidatorTests
{
    private readonly TrainingOptionsValidator _validator = new();

    [Test]
    public void Defaults_AreValid() =>
        Assert.That(_validator.Validate(null, new TrainingOptions()).Succeeded, Is.True);

    [Test]
    public void Validate_ReportsEveryBadTrainingValueTogether()
    {
        var result = _validator.Validate(null, new TrainingOptions { Epochs = 0, BatchSize = 0 });
        Assert.That(result.Failures, Is.EquivalentTo(new[] { "Training:Epochs must be at least 1, got 0", "Training:BatchSize must be 1 to 1048576 rows, got 0" }));
    }

    private static int ThreadLimit => Math.Max(TrainingOptions.MaxThreads, Environment.ProcessorCount);

    [TestCase(0)]
    [TestCase(-2)]
    [TestCase(100_000)]
    public void Validate_RejectsThreadsBelowOneOrBeyondTheLimit(int threads)
    {
        var result = _validator.Validate(null, new TrainingOptions { Threads = threads.ToString(System.Globalization.CultureInfo.InvariantCulture) });
        Assert.That(result.Failures, Is.EqualTo(new[] { $"Training:Threads must be 'auto' (one per core) or a whole number from 1 to {ThreadLimit}, got {threads}" }));
    }

    [Test]
    public void Validate_AcceptsEveryProcessor() =>
        Assert.That(_validator.Validate(null, new TrainingOptions { Threads = Environment.ProcessorCount.ToString(System.Globalization.CultureInfo.InvariantCulture) }).Succeeded, Is.True);

    [Test]
    public void ThreadsBeyondTheProcessorCount_AreValid_AndRunAsTheProcessorCount()
    {
        // A --config file written on a larger machine: every count gives the same results, so it runs here on every core.
        int processors = Environment.ProcessorCount;
        var options = new TrainingOptions { Threads = (processors + 1).ToString(System.Globalization.CultureInfo.InvariantCulture) };

        Assert.That(_validator.Validate(null, options).Succeeded, Is.True);
        Assert.That(options.TryParseThreads(out string? error), Is.EqualTo(processors));
        Assert.That(error, Is.Null);
        Assert.That(options.ThreadsBeyondProcessors(), Is.EqualTo(processors + 1));
        Assert.That(new TrainingOptions { Threads = "1" }.ThreadsBeyondProcessors(), Is.Null);
        Assert.That(new TrainingOptions { Threads = "auto" }.ThreadsBeyondProcessors(), Is.Null);
        Assert.That(new TrainingOptions { Threads = "0" }.ThreadsBeyondProcessors(), Is.Null);
        Assert.That(new TrainingOptions { Threads = "100000" }.ThreadsBeyondProcessors(), Is.Null, "refused, not capped");
    }

    [TestCase(2_000_000_000)]
    [TestCase(1_048_577)]
    public void Validate_RejectsBatchSizesBeyondTheLimit(int rows)
    {
        var result = _validator.Validate(null, new TrainingOptions { BatchSize = rows, EvaluationBatchSize = rows });
        Assert.That(result.Failures, Is.EquivalentTo(new[] { $"Training:BatchSize must be 1 to 1048576 rows, got {rows}", $"Training:EvaluationBatchSize must be 1 to 1048576 rows, got {rows}" }));
    }

    [TestCase("many")]
    [TestCase("2.5")]
    [TestCase("")]
    public void Validate_RejectsThreadsThatAreNeitherAutoNorAWholeNumber(string threads)
    {
        var result = _validator.Validate(null, new TrainingOptions { Threads = threads });
        Assert.That(result.Failures, Is.EqualTo(new[] { $"Training:Threads must be 'auto' (one per core) or a whole number from 1 to {ThreadLimit}, got '{threads}'" }));
    }

    [TestCase("auto")]
    [TestCase("AUTO")]
    [TestCase(" 1 ")]
    public void Threads_AcceptsAutoAndWholeNumbers(string threads)
    {
        var options = new TrainingOptions { Threads = threads };
        Assert.That(_validator.Validate(null, options).Succeeded, Is.True);
        Assert.That(options.TryParseThreads(out _), Is.EqualTo(threads.Trim() == "1" ? 1 : Environment.ProcessorCount));
    }
}
