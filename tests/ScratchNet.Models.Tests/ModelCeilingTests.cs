using ScratchNet.Core.Layers;

namespace ScratchNet.Models.Tests;

/// <summary>What training may build and what the loader reads keep to the same ceilings, so every model train saves loads again.</summary>
public sealed class ModelCeilingTests
{
    private static readonly object[] Networks =
    [
        // A small CNN on 1024 × 1024 images: ~18 million values per image, trained and then refused by the loader before.
        new object[] { new Shape(1, 1024, 1024), new[] { "conv 16 3x3 pad 1", "relu", "maxpool 16", "flatten", "dense 10" }, true },
        new object[] { new Shape(1, 28, 28), new[] { "conv 70000 28x28", "flatten", "dense 10" }, false },
        new object[] { new Shape(1, 28, 28), new[] { "maxpool 2 stride 70000", "flatten", "dense 10" }, false },
        new object[] { new Shape(1, 28, 28), new[] { "conv 8 3x3 pad 3000", "flatten", "dense 10" }, false },
        new object[] { new Shape(64, 512, 512), new[] { "conv 64 1x1", "relu", "conv 64 1x1", "relu", "flatten", "dense 10" }, false },
        new object[] { new Shape(1, 28, 28), new[] { "flatten", "dropout 0.5", "dense 200000", "relu", "dense 10" }, true },
        // 824 million weights: a 3 GiB model file, past the 1 GiB the loader reads.
        new object[] { new Shape(1, 28, 28), new[] { "flatten", "dropout 0.5", "dense 1048576", "relu", "dense 10" }, false },
        new object[] { Shape.Flat(4), Enumerable.Repeat("relu", NetworkLimits.MaxLayers).Append("dense 2").ToArray(), false },
        new object[] { Shape.Flat(4), Enumerable.Repeat("relu", NetworkLimits.MaxLayers - 1).Append("dropout 0.1").Append("dense 2").ToArray(), true },
    ];

    [TestCaseSource(nameof(Networks))]
    public void TheLoaderAcceptsExactlyTheNetworksTheBuilderAccepts(Shape input, string[] layers, bool fits)
    {
        LayerDefinition[] definitions = [.. layers.Select(LayerSyntax.Parse)];

        bool builds = Succeeds(() => NetworkLimits.Check(definitions, input, rows: 1));
        string loader = LoaderVerdict(definitions, input);

        Assert.That(builds, Is.EqualTo(fits), "the builder's verdict");
        Assert.That(loader.Contains(" is missing", StringComparison.Ordinal), Is.EqualTo(fits), $"the loader's verdict: {loader}");
    }

    // The structure check runs through every layer's ceilings before it looks at that layer's tensors, so a file
    // without tensors is refused for a missing tensor exactly when its layers keep to the ceilings (nothing is allocated).
    private static string LoaderVerdict(IReadOnlyList<LayerDefinition> definitions, Shape input)
    {
        var specs = new List<LayerSpec>();
        var counts = new Dictionary<LayerKind, int>();
        Shape shape = input;
        foreach (LayerDefinition definition in definitions.Where(d => d.Kind != LayerKind.Dropout))
        {
            Shape output = NetworkLimits.OutputOf(definition, shape, out _);
            int index = counts.GetValueOrDefault(definition.Kind);
            counts[definition.Kind] = index + 1;
            specs.Add(LayerSpec.Of($"{definition.Kind}{index}".ToLowerInvariant(), definition, shape, output));
            shape = output;
        }

        var model = new SavedModel(specs, [], new Dictionary<string, string>(), null);
        return Assert.Throws<ModelFileException>(() => ModelStructure.Check(model, "m.snm"))!.Message;
    }

    private static bool Succeeds(Action action)
    {
        try
        {
            action();
            return true;
        }
        catch (NetworkDefinitionException)
        {
            return false;
        }
    }
}
