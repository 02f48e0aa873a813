using ScratchNet.Core.Layers;
using ScratchNet.Training.Optimizers;
using ScratchNet.Training.Options;

namespace ScratchNet.Training.Tests.Optimizers;

public class SgdTests
{
    [Test]
    public void Step_SubtractsLearningRateTimesGradient()
    {
        var p = new Parameter("w", 1, 3);
        new float[] { 1f, 2f, 3f }.CopyTo(p.Value, 0);
        new float[] { 10f, -10f, 0f }.CopyTo(p.Gradient, 0);
        new Sgd(0.1f).Step([p]);
        Assert.That(p.Value, Is.EqualTo(new[] { 0f, 3f, 3f }).Within(1e-6));
    }

    [Test]
    public void Step_KeepsNoState() => Assert.That(new Sgd(0.1f).State, Is.Empty);

    [TestCase(0f)]
    [TestCase(-0.1f)]
    [TestCase(float.NaN)]
    [TestCase(float.PositiveInfinity)]
    public void Constructor_Throws_WhenLearningRateIsNotPositive(float learningRate) =>
        Assert.Throws<ArgumentOutOfRangeException>(() => _ = new Sgd(learningRate));

    [Test]
    public void Factory_ListsValidNames_WhenNameIsUnknown()
    {
        var ex = Assert.Throws<ArgumentException>(() => OptimizerFactory.Create(new OptimizerOptions { Name = "lbfgs" }));
        Assert.That(ex!.Message, Does.Contain("valid names: sgd"));
    }
}
