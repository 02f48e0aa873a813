using ScratchNet.Training.Options;

namespace ScratchNet.Training.Tests.Options;

public class ModelOptionsValidatorTests
{
    private readonly ModelOptionsValidator _validator = new();

    [Test]
    public void Defaults_AreValid() =>
        Assert.That(_validator.Validate(null, new ModelOptions()).Succeeded, Is.True);

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

    [Test]
    public void Validate_ListsValidNames_ForUnknownActivationAndInitializer()
    {
        var model = _validator.Validate(null, new ModelOptions { Activation = "swish", Initializer = "orthogonal" });
        Assert.Multiple(() =>
        {
            Assert.That(model.FailureMessage, Does.Contain("Model:Activation 'swish' is unknown; valid: relu, leaky_relu, sigmoid, tanh"));
            Assert.That(model.FailureMessage, Does.Contain("Model:Initializer 'orthogonal' is unknown; valid: he_normal"));
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
