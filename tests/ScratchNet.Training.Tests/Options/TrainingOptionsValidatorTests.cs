using ScratchNet.Training.Options;

namespace ScratchNet.Training.Tests.Options;

public class TrainingOptionsValidatorTests
{
    private readonly TrainingOptionsValidator _validator = new();

    [Test]
    public void Defaults_AreValid()
    {
        Assert.That(_validator.Validate(null, new TrainingOptions()).Succeeded, Is.True);
        Assert.That(_validator.Validate(null, new ModelOptions()).Succeeded, Is.True);
        Assert.That(_validator.Validate(null, new OptimizerOptions()).Succeeded, Is.True);
    }

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

    [TestCase("784,2000000000,10", "has a layer of 2000000000 units; no layer may have more than 1048576, and the whole network at most 264,241,152 weights and biases (what a model file holds)")]
    [TestCase("784,1048576,1048576,10", "more than 264,241,152, the most a ScratchNet model file holds")]
    public void Validate_RejectsLayerSizesBeyondTheirLimits(string sizes, string expected)
    {
        var result = _validator.Validate(null, new ModelOptions { LayerSizes = sizes });
        Assert.That(result.Failures, Has.Some.Contains(expected));
    }

    [Test]
    public void LayerSizes_AModelFileCouldNotHold_AreRefusedForThat_BeforeAnyMemoryAdvice_NamingAWidthThatFits()
    {
        // 833 million weights: no batch size and no machine helps, so the memory check (which used to speak first, and
        // advise an evaluation batch that the model-file ceiling then refused) has nothing to say.
        var result = _validator.Validate(null, new ModelOptions { LayerSizes = "784,1048576,10" });

        Assert.That(result.Failures, Is.EqualTo(new[]
        {
            "Model:LayerSizes '784,1048576,10' has 833,617,930 weights and biases (a model file of 3.1 GiB), more than 264,241,152, the most a ScratchNet model file holds, so evaluate, predict and export could not load what training would save; make the layers narrower (with the others as they are, layer 1's 1048576 units could be at most 332378)",
        }));
        Assert.That(_validator.Validate(null, new ModelOptions { LayerSizes = "784,332378,10" }).Failures ?? [], Has.None.Contains("model file"), "the width it names fits");
        Assert.That(_validator.Validate(null, new ModelOptions { LayerSizes = "784,332379,10" }).Failures, Has.One.Contains("model file"), "one more does not");
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

    [TestCase(0f)]
    [TestCase(-1f)]
    public void Validate_RejectsANonPositiveLearningRate(float learningRate)
    {
        var result = _validator.Validate(null, new OptimizerOptions { LearningRate = learningRate });
        Assert.That(result.FailureMessage, Does.Contain("Optimizer:LearningRate must be a finite positive number"));
    }

    [Test]
    public void Validate_ListsValidNames_ForUnknownActivationInitializerAndOptimizer()
    {
        var model = _validator.Validate(null, new ModelOptions { Activation = "swish", Initializer = "orthogonal" });
        var optimizer = _validator.Validate(null, new OptimizerOptions { Name = "lbfgs" });
        Assert.Multiple(() =>
        {
            Assert.That(model.FailureMessage, Does.Contain("Model:Activation 'swish' is unknown; valid: relu, leaky_relu, sigmoid, tanh"));
            Assert.That(model.FailureMessage, Does.Contain("Model:Initializer 'orthogonal' is unknown; valid: he_normal"));
            Assert.That(optimizer.FailureMessage, Does.Contain("Optimizer:Name 'lbfgs' is unknown; valid: sgd"));
        });
    }

    [TestCase("784", "needs at least an input and an output size")]
    [TestCase("784,abc,10", "'abc', which is not a positive whole number")]
    [TestCase("784,0,10", "'0', which is not a positive whole number")]
    [TestCase("784,128,,10", "has an empty size at position 3")]
    [TestCase("784,128,10,", "has an empty size at position 4")]
    [TestCase(",784,10", "has an empty size at position 1")]
    [TestCase(" ", "needs at least an input and an output size")]
    public void Validate_ExplainsBadLayerSizes(string sizes, string expected)
    {
        var result = _validator.Validate(null, new ModelOptions { LayerSizes = sizes });
        Assert.That(result.FailureMessage, Does.Contain(expected));
    }

    [Test]
    public void LayerSizes_ParseWithSpaces() =>
        Assert.That(new ModelOptions { LayerSizes = " 784, 128 ,10" }.TryParseLayerSizes(out _), Is.EqualTo(new[] { 784, 128, 10 }));

    [Test]
    public void Validate_ReportsEveryBadLayer_NamingItsKey()
    {
        var result = _validator.Validate(null, new ModelOptions { Layers = ["conv 16 3x3", "maxpoo 2", "flatten", "dense"] });
        Assert.That(result.Failures, Has.Count.EqualTo(2));
        Assert.That(result.Failures, Has.Some.StartsWith("Model:Layers:1 (layer 2) 'maxpoo 2': 'maxpoo' is not a layer (did you mean maxpool?)"));
        Assert.That(result.Failures, Has.Some.StartsWith("Model:Layers:3 (layer 4) 'dense': dense needs N"));
    }

    [Test]
    public void Validate_DoesNotReadTheMlpShorthand_WhenLayersAreGiven()
    {
        // Whether a key of it was left there by mistake depends on who set it; the host's IgnoredKeys decides that.
        var result = _validator.Validate(null, new ModelOptions { Layers = ["flatten", "dense 10"], LayerSizes = "not sizes", Activation = "swishy", Dropout = 0.2f });
        Assert.That(result.Succeeded, Is.True, result.FailureMessage);
    }
}
