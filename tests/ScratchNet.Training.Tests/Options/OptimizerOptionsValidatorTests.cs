using ScratchNet.Training.Options;

namespace ScratchNet.Training.Tests.Options;

public class OptimizerOptionsValidatorTests
{
    private readonly OptimizerOptionsValidator _validator = new();

    [Test]
    public void Defaults_AreValid() =>
        Assert.That(_validator.Validate(null, new OptimizerOptions()).Succeeded, Is.True);

    [TestCase(0f)]
    [TestCase(-1f)]
    public void Validate_RejectsANonPositiveLearningRate(float learningRate)
    {
        var result = _validator.Validate(null, new OptimizerOptions { LearningRate = learningRate });
        Assert.That(result.FailureMessage, Does.Contain("Optimizer:LearningRate must be a finite positive number"));
    }

    [Test]
    public void Validate_ListsValidNames_ForAnUnknownOptimizer() =>
        Assert.That(_validator.Validate(null, new OptimizerOptions { Name = "lbfgs" }).FailureMessage, Does.Contain("Optimizer:Name 'lbfgs' is unknown; valid: sgd"));
}
