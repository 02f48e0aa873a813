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
        Assert.That(result.Failures, Is.EquivalentTo(new[] { "Training:Epochs must be at least 1, got 0", "Training:BatchSize must be at least 1, got 0" }));
    }

    [TestCase(0)]
    [TestCase(-2)]
    public void Validate_RejectsFewerThanOneThread(int threads)
    {
        var result = _validator.Validate(null, new TrainingOptions { Threads = threads.ToString(System.Globalization.CultureInfo.InvariantCulture) });
        Assert.That(result.Failures, Is.EqualTo(new[] { $"Training:Threads must be at least 1, got {threads}" }));
    }

    [TestCase("many")]
    [TestCase("2.5")]
    [TestCase("")]
    public void Validate_RejectsThreadsThatAreNeitherAutoNorAWholeNumber(string threads)
    {
        var result = _validator.Validate(null, new TrainingOptions { Threads = threads });
        Assert.That(result.Failures, Is.EqualTo(new[] { $"Training:Threads must be 'auto' or a whole number of at least 1, got '{threads}'" }));
    }

    [TestCase("auto")]
    [TestCase("AUTO")]
    [TestCase(" 3 ")]
    public void Threads_AcceptsAutoAndWholeNumbers(string threads)
    {
        var options = new TrainingOptions { Threads = threads };
        Assert.That(_validator.Validate(null, options).Succeeded, Is.True);
        Assert.That(options.TryParseThreads(out _), Is.EqualTo(threads.Trim() == "3" ? 3 : Environment.ProcessorCount));
    }

    [TestCase(0f)]
    [TestCase(-1f)]
    public void Validate_RejectsANonPositiveLearningRate(float learningRate)
    {
        var result = _validator.Validate(null, new OptimizerOptions { LearningRate = learningRate });
        Assert.That(result.FailureMessage, Does.Contain("Optimizer:LearningRate must be a positive number"));
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
    public void Validate_ExplainsBadLayerSizes(string sizes, string expected)
    {
        var result = _validator.Validate(null, new ModelOptions { LayerSizes = sizes });
        Assert.That(result.FailureMessage, Does.Contain(expected));
    }

    [Test]
    public void LayerSizes_ParseWithSpaces() =>
        Assert.That(new ModelOptions { LayerSizes = " 784, 128 ,10" }.TryParseLayerSizes(out _), Is.EqualTo(new[] { 784, 128, 10 }));
}
