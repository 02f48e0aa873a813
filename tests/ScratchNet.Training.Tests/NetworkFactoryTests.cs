using ScratchNet.Core.Layers;
using Moq;
using ScratchNet.Training.Optimizers;
using ScratchNet.Training.Options;
using static Microsoft.Extensions.Options.Options;

namespace ScratchNet.Training.Tests;

public sealed class NetworkFactoryTests
{
    private static NetworkFactory Factory(string sizes, string? initFrom, int seed = 5) =>
        new(Create(new ModelOptions { LayerSizes = sizes, InitFrom = initFrom }), Create(new TrainingOptions { Seed = seed }));

    [Test]
    public void InitFrom_HandsTheFreshNetworkToTheRegisteredInitialWeights()
    {
        var weights = new Mock<IInitialWeights>();
        weights.Setup(w => w.CopyInto(It.IsAny<Sequential>(), "m.snm")).Callback((Sequential n, string _) => n.Parameters[0].Value[0] = 42f);
        var factory = new NetworkFactory(Create(new ModelOptions { LayerSizes = "6,5,3", InitFrom = "m.snm" }), Create(new TrainingOptions { Seed = 5 }), weights.Object);

        Sequential network = factory.Create(Shape.Flat(6), 4);

        weights.Verify(w => w.CopyInto(network, "m.snm"), Times.Once);
        Assert.That(network.Parameters[0].Value[0], Is.EqualTo(42f));
        Assert.That(Factory("6,5,3", null).Create(Shape.Flat(6), 4).Parameters[0].Value[0], Is.Not.EqualTo(42f), "without InitFrom the seed decides");
    }

    [Test]
    public void InitFrom_IsASetupError_WhenNothingReadsWeightFiles()
    {
        var e = Assert.Throws<TrainingSetupException>(() => Factory("6,5,3", "m.snm").Create(Shape.Flat(6), 4));

        Assert.That(e!.Message, Does.Contain("Model:InitFrom"));
    }

    [Test]
    public void Validator_RejectsAnInitFromFileThatDoesNotExist()
    {
        var result = new ModelOptionsValidator().Validate(null, new ModelOptions { InitFrom = "/nonexistent/m.snm" });

        Assert.That(result.Failures, Has.Some.Contains("Model:InitFrom /nonexistent/m.snm does not exist"));
    }

    [Test]
    public void Layers_BuildAConvolutionalNetwork_OnTheDatasInputShape()
    {
        var factory = new NetworkFactory(Create(new ModelOptions { Layers = ["conv 4 3x3 pad 1", "relu", "maxpool 2", "flatten", "dense 10"] }), Create(new TrainingOptions { Seed = 1 }));
        Sequential network = factory.Create(new Shape(1, 28, 28), 8);
        Assert.That(network.InputShape, Is.EqualTo(new Shape(1, 28, 28)));
        Assert.That(network.Layers.Select(l => l.OutputShape.ToString()), Is.EqualTo(new[] { "4 × 28 × 28", "4 × 28 × 28", "4 × 14 × 14", "784", "10" }));
    }

    [Test]
    public void Layers_WhoseArraysTogetherExceedTheMemoryBudget_AreRefusedBeforeAnythingIsAllocated()
    {
        // Every array within its own limit, their sum beyond the budget (here 1 MB: a flatten-dense 300 on 784 inputs holds
        // about 470,000 weights and as many gradients, nearly 4 MB).
        var factory = new NetworkFactory(
            Create(new ModelOptions { Layers = ["flatten", "dense 300", "relu", "dense 10"] }), Create(new TrainingOptions { Threads = "1" }), memoryBudget: 1 << 20);
        long before = GC.GetAllocatedBytesForCurrentThread();

        var e = Assert.Throws<TrainingSetupException>(() => factory.Create(new Shape(1, 28, 28), 8));

        Assert.That(e!.Message, Does.StartWith("Model:Layers needs about").And.Contain("for its weights, gradients and activations at 8 rows, more than this machine allows"));
        Assert.That(GC.GetAllocatedBytesForCurrentThread() - before, Is.LessThan(1 << 20), "refused before the weights were allocated");
        Assert.That(new NetworkFactory(Create(new ModelOptions { Layers = ["flatten", "dense 300", "relu", "dense 10"] }), Create(new TrainingOptions { Threads = "1" })).Create(new Shape(1, 28, 28), 8).Layers,
            Has.Count.EqualTo(4), "the same network within this machine's budget builds");
    }

    [Test]
    public void TheMemoryBudget_CountsTheOptimizersStateArrays()
    {
        // A budget that holds the weights, gradients and activations exactly: plain SGD keeps nothing more, momentum one
        // array per parameter, Adam two (a wide dense layer with Adam used to pass the check and then take twice the memory).
        string[] layers = ["flatten", "dense 300", "relu", "dense 10"];
        var input = new Shape(1, 28, 28);
        long budget = NetworkBuilder.Values(layers.Select(LayerSyntax.Parse).ToList(), input, 8) * sizeof(float);
        NetworkFactory With(IOptimizer optimizer) =>
            new(Create(new ModelOptions { Layers = [.. layers] }), Create(new TrainingOptions { Threads = "1" }), optimizer: optimizer, memoryBudget: budget);

        Assert.That(With(new Sgd(0.1f)).Create(input, 8).Layers, Has.Count.EqualTo(4), "plain SGD keeps no state");
        Assert.That(() => With(new Sgd(0.1f, momentum: 0.9f)).Create(input, 8), Throws.TypeOf<TrainingSetupException>().With.Message.Contains("for its weights, gradients, momentum's state and activations")
            .And.Property(nameof(TrainingSetupException.AboutMemory)).True);
        Assert.That(() => With(new Adam(0.001f)).Create(input, 8), Throws.TypeOf<TrainingSetupException>().With.Message.Contains("adam's state"));
    }

    [Test]
    public void Layers_ThatDoNotFitTheInput_AreASetupErrorNamingTheLayerAndTheShapes()
    {
        var factory = new NetworkFactory(Create(new ModelOptions { Layers = ["conv 4 3x3", "maxpool 2", "dense 10"] }), Create(new TrainingOptions()));
        var e = Assert.Throws<TrainingSetupException>(() => factory.Create(new Shape(1, 8, 8), 2));
        Assert.That(e!.Message, Is.EqualTo("Model:Layers does not fit the 1 × 8 × 8 inputs: layer 3 (dense 10) gets 4 × 3 × 3 inputs: a dense layer takes flat vectors, and these are images of 36 values each: put flatten before it"));
    }

    [Test]
    public void Layers_AModelFileCouldNotHold_AreASetupErrorNamingTheLayerAndTheCeiling_BeforeAnythingIsAllocated()
    {
        // 70,000 filters train fine but no command could load the model train saves (a model holds at most 65,536).
        var factory = new NetworkFactory(Create(new ModelOptions { Layers = ["conv 70000 28x28", "flatten", "dense 10"] }), Create(new TrainingOptions { Threads = "1" }));

        long before = GC.GetAllocatedBytesForCurrentThread();
        var e = Assert.Throws<TrainingSetupException>(() => factory.Create(new Shape(1, 28, 28), 4));
        long allocated = GC.GetAllocatedBytesForCurrentThread() - before;

        Assert.That(e!.Message, Does.StartWith("Model:Layers does not fit the 1 × 28 × 28 inputs: layer 1 (conv 70000 28x28) gets 1 × 28 × 28 inputs: one of its sizes (input, kernel, stride, padding, filters) is above 65,536, the most a ScratchNet model file holds"));
        Assert.That(allocated, Is.LessThan(1 << 20));
    }

    [Test]
    public void LayerSizes_TooWideForTheRowsAtOnce_AreASetupErrorNamingTheKeysToLower()
    {
        // 1.2 million values per row: 1,000 rows at once is more than a forward pass may hold, here as in evaluate.
        var e = Assert.Throws<TrainingSetupException>(() => Factory("784,300000,10", null).Create(Shape.Flat(784), 1000));
        Assert.That(e!.Message, Is.EqualTo("Model:LayerSizes does not fit the 784 inputs: layer 3 (dense 10) gets 300000 inputs (a flat vector): the layers up to it take 1,200,794 values per image, too many for 1,000 images at once (at most 1,073,741,824 values in one pass); use at most 894 rows at once"));
    }

    [Test]
    public void Summary_ListsEveryLayerWithItsShapeAndParameters_AndTheTotals()
    {
        var factory = new NetworkFactory(Create(new ModelOptions { Layers = ["conv 2 3x3", "batchnorm", "relu", "flatten", "dense 3"] }), Create(new TrainingOptions()));
        Sequential network = factory.Create(new Shape(1, 5, 5), 2);
        string[] lines = NetworkSummary.Format(network, new Shape(1, 5, 5)).Split(Environment.NewLine);
        Assert.That(lines, Is.EqualTo(new[]
        {
            "  #  layer     definition  output shape   parameters",
            "  0  input                 1 × 5 × 5               0",
            "  1  conv0     conv 2 3x3  2 × 3 × 3              20",
            "  2  bn0       batchnorm   2 × 3 × 3               8",
            "  3  relu0     relu        2 × 3 × 3               0",
            "  4  flatten0  flatten     18                      0",
            "  5  dense0    dense 3     3                      57",
            "total 85 parameters: 81 trainable, 4 non-trainable (batch norm's running statistics)",
        }));
        Assert.That(NetworkSummary.Compact(network), Is.EqualTo("conv 2 3x3 → batchnorm → relu → flatten → dense 3"));
        Assert.That(NetworkSummary.Compact(Sequential.Mlp([784, 128, 10], "relu", "he_normal", 1, 1)), Is.EqualTo("784-128-10"));
    }
}
