using ScratchNet.Core.Activations;
using ScratchNet.Core.Layers;

namespace ScratchNet.Core.Tests.Layers;

public class LayerSyntaxTests
{
    [TestCase("conv 16 3x3 pad 1", LayerKind.Conv, 16, 3, 3, 1, 1)]
    [TestCase("conv 8 5x3 stride 2", LayerKind.Conv, 8, 5, 3, 2, 0)]
    [TestCase("CONV 4 3 padding 2 stride 3", LayerKind.Conv, 4, 3, 3, 3, 2)]
    [TestCase("dense 128", LayerKind.Dense, 128, 0, 0, null, 0)]
    [TestCase("maxpool 2", LayerKind.MaxPool, 0, 2, 2, null, 0)]
    [TestCase("avgpool 3 stride 2", LayerKind.AvgPool, 0, 3, 3, 2, 0)]
    public void Parse_ReadsSizesStridesAndPadding(string text, LayerKind kind, int size, int kernelHeight, int kernelWidth, int? stride, int padding)
    {
        LayerDefinition layer = LayerSyntax.Parse(text);
        Assert.That((layer.Kind, layer.Size, layer.KernelHeight, layer.KernelWidth, layer.Stride, layer.Padding), Is.EqualTo((kind, size, kernelHeight, kernelWidth, stride, padding)));
    }

    private static IEnumerable<string> ActivationNames() => Activation.Names;

    [TestCaseSource(nameof(ActivationNames))]
    [TestCase("batchnorm")]
    [TestCase("flatten")]
    [TestCase("dropout 0.25")]
    [TestCase("conv 16 3x3 pad 1")]
    [TestCase("conv 8 5x3 stride 2")]
    [TestCase("maxpool 3 stride 2")]
    [TestCase("avgpool 2")]
    [TestCase("dense 10")]
    public void ToString_WritesTheDefinitionBackInTheSameGrammar(string text) =>
        Assert.That(LayerSyntax.Parse(text).ToString(), Is.EqualTo(text));

    [TestCase("maxpoo 2", "'maxpoo' is not a layer (did you mean maxpool?); valid: conv, maxpool, avgpool, batchnorm, dropout, ")]
    [TestCase("convolution 3", "'convolution' is not a layer; valid: conv,")]
    [TestCase("linear 10", "'linear' is not a layer (ScratchNet calls it dense); valid: conv,")]
    [TestCase("Conv2d 8 3x3", "'conv2d' is not a layer (ScratchNet calls it conv); valid:")]
    [TestCase("softmax", "'softmax' is not a layer (the loss applies softmax to the last layer's outputs itself, so a network ends in dense N, one output per class)")]
    [TestCase("conv 16", "conv needs its kernel size after OUT, e.g. conv 16 3x3")]
    [TestCase("conv 16 3y3", "the kernel size must be KxK (or KxL, or K) with positive whole numbers, e.g. 3x3; got '3y3'")]
    [TestCase("conv 0 3x3", "OUT (the number of filters) must be a positive whole number, got '0'")]
    [TestCase("conv 16 3x3 pad", "conv needs P, the padding; write conv OUT KxK [stride S] [pad P]")]
    [TestCase("conv 16 3x3 same", "'same' is not an option of conv")]
    [TestCase("dense", "dense needs N, the number of outputs; write dense N, e.g. dense 128")]
    [TestCase("dense 12.5", "N (the number of outputs) must be a positive whole number, got '12.5'")]
    [TestCase("dropout 1.5", "the dropout rate must be a number in [0, 1), got '1.5'")]
    [TestCase("dropout 0.99999999", "the dropout rate must be a number in [0, 1), got '0.99999999', which rounds to 1 in single precision: use at most 0.99999994 (the largest single-precision number below 1)")]
    [TestCase("relu 3", "'3' is one word too many; write relu")]
    [TestCase("maxpool 2 2", "'2' is not an option of maxpool; write maxpool K [stride S], e.g. maxpool 2")]
    [TestCase("   ", "an empty entry is not a layer")]
    [TestCase("dense 2000000000", "N (the number of outputs) is 2000000000; the limit is 1048576")]
    [TestCase("conv 2000000 3x3", "OUT (the number of filters) is 2000000; the limit is 1048576")]
    [TestCase("conv 16 3000000x3", "the kernel size 3000000x3 is beyond the limit of 1048576")]
    [TestCase("conv 4 3x3 stride 2 stride 3", "'conv 4 3x3 stride 2 stride 3': stride is given twice; give each option once")]
    [TestCase("conv 4 3x3 pad 1 padding 2", "'conv 4 3x3 pad 1 padding 2': pad is given twice (pad and padding are one option); give each option once")]
    [TestCase("conv 4 3x3 pad 1 stride 2 pad 1", "'conv 4 3x3 pad 1 stride 2 pad 1': pad is given twice")]
    [TestCase("maxpool 2 stride 1 stride 2", "'maxpool 2 stride 1 stride 2': stride is given twice; give it once, e.g. maxpool 2 stride 1")]
    [TestCase("avgpool 3 stride 2 stride 2", "'avgpool 3 stride 2 stride 2': stride is given twice")]
    public void TryParse_SaysWhatIsWrongAndHowToWriteIt(string text, string expected)
    {
        Assert.That(LayerSyntax.TryParse(text, out LayerDefinition? layer, out string? error), Is.False);
        Assert.That(layer, Is.Null);
        Assert.That(error, Does.Contain(expected));
    }

    [Test]
    public void Parse_Throws_FormatException_QuotingTheEntry()
    {
        var e = Assert.Throws<FormatException>(() => LayerSyntax.Parse("pool 2"));
        Assert.That(e!.Message, Does.StartWith("'pool 2': 'pool' is not a layer"));
    }

    [Test]
    public void ErrorsListEveryWordAndForm_IncludingEveryActivation()
    {
        LayerSyntax.TryParse("maxpoo 2", out _, out string? unknown);
        LayerSyntax.TryParse(" ", out _, out string? empty);
        Assert.Multiple(() =>
        {
            Assert.That(LayerSyntax.Words, Is.SupersetOf(Activation.Names));
            Assert.That(unknown, Does.EndWith($"valid: {string.Join(", ", LayerSyntax.Words)}"));
            Assert.That(empty, Does.EndWith(LayerSyntax.Forms));
            foreach (string name in Activation.Names)
            {
                Assert.That(LayerSyntax.Forms.Split(", "), Does.Contain(name), "LayerSyntax.Forms");
            }
        });
    }
}
