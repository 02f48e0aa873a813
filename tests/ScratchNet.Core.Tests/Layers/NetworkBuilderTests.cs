using ScratchNet.Core.Layers;

namespace ScratchNet.Core.Tests.Layers;

public class NetworkBuilderTests
{
    private static readonly string[] Cnn = ["conv 16 3x3 pad 1", "relu", "maxpool 2", "conv 32 3x3 pad 1", "relu", "maxpool 2", "flatten", "dense 128", "relu", "dense 10"];

    private static Sequential Build(IEnumerable<string> layers, Shape input, ulong seed = 42) =>
        NetworkBuilder.Build(layers.Select(LayerSyntax.Parse).ToArray(), input, capacity: 2, "he_normal", seed);

    [Test]
    public void Build_WorksOutEveryShape_OfTheRecipesCnn()
    {
        Sequential network = Build(Cnn, new Shape(1, 28, 28));
        Assert.Multiple(() =>
        {
            Assert.That(network.Layers.Select(l => l.Name), Is.EqualTo(new[] { "conv0", "relu0", "maxpool0", "conv1", "relu1", "maxpool1", "flatten0", "dense0", "relu2", "dense1" }));
            Assert.That(network.Layers.Select(l => l.OutputShape.ToString()), Is.EqualTo(new[]
            {
                "16 × 28 × 28", "16 × 28 × 28", "16 × 14 × 14", "32 × 14 × 14", "32 × 14 × 14", "32 × 7 × 7", "1568", "128", "128", "10",
            }));
            Assert.That(network.ParameterCount, Is.EqualTo(160 + 4_640 + 200_832 + 1_290));
            Assert.That(network.Layers.Select(l => LayerDefinition.Of(l).ToString()), Is.EqualTo(Cnn), "every layer describes itself in the grammar it was built from");
        });
    }

    [Test]
    public void Build_Throws_NamingTheLayerAndTheShape_WhenDenseGetsImages()
    {
        string[] layers = ["conv 16 3x3 pad 1", "relu", "maxpool 2", "conv 32 3x3 pad 1", "relu", "maxpool 2", "dense 128", "relu", "dense 10"];
        var e = Assert.Throws<NetworkDefinitionException>(() => Build(layers, new Shape(1, 28, 28)));
        Assert.That(e!.Message, Is.EqualTo("layer 7 (dense 128) gets 32 × 7 × 7 inputs: a dense layer takes flat vectors, and these are images of 1568 values each: put flatten before it"));
    }

    [Test]
    public void Build_RefusesANetworkWhoseModelFileCouldNotBeReadBack_BeforeAllocatingIt()
    {
        // 784 × 400,000 weights: each array fits, but the model file would be 1.2 GiB, past the 1 GiB a model file may be.
        long before = GC.GetAllocatedBytesForCurrentThread();
        var e = Assert.Throws<NetworkDefinitionException>(() => Build(["flatten", "dense 400000", "dense 10"], new Shape(1, 28, 28)));
        Assert.That(GC.GetAllocatedBytesForCurrentThread() - before, Is.LessThan(1 << 20), "refused before the weights were allocated");
        Assert.That(e!.Message, Does.StartWith("layer 2 (dense 400000) gets 784 inputs (a flat vector): the layers up to it hold 314,000,000 weights, biases and statistics (a model file of 1.2 GiB), more than 264,241,152")
            .And.Contain("evaluate, predict and export could not load what training would save"));
        Assert.That(NetworkLimits.StoredValues(LayerSyntax.Parse("batchnorm"), new Shape(8, 4, 4), new Shape(8, 4, 4)), Is.EqualTo(32), "γ, β, running mean and variance");
    }

    [Test]
    public void Build_Throws_NamingTheLayerAndTheShape_WhenAWindowDoesNotFit()
    {
        var e = Assert.Throws<NetworkDefinitionException>(() => Build(["maxpool 2", "maxpool 2", "conv 4 5x5"], new Shape(1, 12, 12)));
        Assert.That(e!.Message, Is.EqualTo("layer 3 (conv 4 5x5) gets 1 × 3 × 3 inputs: a 5x5 window does not fit 1 × 3 × 3 inputs"));
        e = Assert.Throws<NetworkDefinitionException>(() => Build(["flatten", "dense 8", "maxpool 2"], new Shape(1, 4, 4)));
        Assert.That(e!.Message, Does.StartWith("layer 3 (maxpool 2) gets 8 inputs (a flat vector): a 2x2 window does not fit 8 × 1 × 1 inputs")
            .And.EndWith("it gets a flat vector, and convolutions and pooling slide over images; move it before flatten and the dense layers"));
    }

    [Test]
    public void Build_Throws_WhenThereAreNoLayers() =>
        Assert.Throws<NetworkDefinitionException>(() => Build([], new Shape(1, 2, 2)));

    [Test]
    public void AnMlpWrittenAsLayers_IsTheMlpOfTheShorthand_WeightForWeight()
    {
        Sequential shorthand = Sequential.Mlp([784, 128, 64, 10], "relu", "he_normal", seed: 42, capacity: 2, dropout: 0.1f);
        Sequential layers = Build(["flatten", "dense 128", "relu", "dropout 0.1", "dense 64", "relu", "dropout 0.1", "dense 10"], new Shape(1, 28, 28));
        Assert.That(layers.Parameters.Select(p => p.Name), Is.EqualTo(shorthand.Parameters.Select(p => p.Name)));
        Assert.That(layers.Parameters.Select(p => p.Value), Is.EqualTo(shorthand.Parameters.Select(p => p.Value)));
        Assert.That(layers.Layers.OfType<Dropout>().Select(d => d.GetRandomState()), Is.EqualTo(shorthand.Layers.OfType<Dropout>().Select(d => d.GetRandomState())));
    }

    [Test]
    public void BatchNormNames_CountTheirOwnKind()
    {
        Sequential network = Build(["conv 2 3x3", "batchnorm", "relu", "flatten", "dense 4", "batchnorm", "dense 2"], new Shape(1, 5, 5));
        Assert.That(network.State.Select(s => s.Name), Is.EqualTo(new[] { "bn0.running_mean", "bn0.running_var", "bn1.running_mean", "bn1.running_var" }));
        Assert.That(network.StateCount, Is.EqualTo(12));
        Assert.That(network.Layers.OfType<BatchNorm>().Select(b => b.InputShape.ToString()), Is.EqualTo(new[] { "2 × 3 × 3", "4" }));
    }
}
