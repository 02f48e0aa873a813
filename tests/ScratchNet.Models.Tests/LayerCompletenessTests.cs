using System.Text.RegularExpressions;
using ScratchNet.Core.Activations;
using ScratchNet.Core.Layers;
using ScratchNet.Models.Onnx;

namespace ScratchNet.Models.Tests;

/// <summary>
/// Every layer kind and every activation reaches every place that must know it. A kind added to <see cref="LayerKind"/>
/// or a name added to <see cref="Activation.Names"/> fails here until each of those places handles it, where otherwise
/// a silent default arm would surface only at run time (a model file not written, an export refused). The checklist in
/// docs/contributing.md names these places.
/// </summary>
public sealed partial class LayerCompletenessTests
{
    private static readonly Shape Input = new(1, 9, 9);

    private static IEnumerable<LayerKind> Kinds() => Enum.GetValues<LayerKind>();

    private static IEnumerable<string> ActivationNames() => Activation.Names;

    // The first entry of that kind in the small CNN the ONNX Runtime and file round-trip tests run, so a new kind must
    // be added there too (and so is checked against ONNX Runtime and through every file format).
    private static LayerDefinition Example(LayerKind kind) =>
        TestModels.SmallCnn.Select(LayerSyntax.Parse).FirstOrDefault(d => d.Kind == kind)
        ?? throw new AssertionException($"TestModels.SmallCnn has no {kind} layer; add one so the file, ONNX and PyTorch tests cover it");

    // The example between what it needs before it (a dense layer takes vectors) and a classifier after it.
    private static LayerDefinition[] Around(LayerDefinition example) =>
        example.Kind == LayerKind.Dense ? [LayerDefinition.Flatten(), example, LayerDefinition.Dense(3)] : [example, LayerDefinition.Flatten(), LayerDefinition.Dense(3)];

    [Test]
    public void TheSmallCnnHoldsEveryLayerKind() =>
        Assert.That(TestModels.SmallCnn.Select(l => LayerSyntax.Parse(l).Kind).Distinct(), Is.EquivalentTo(Kinds()));

    [Test]
    public void ModelFilesHoldEveryKindButDropout() =>
        Assert.That(LayerSpec.Kinds, Is.EquivalentTo(Kinds().Where(k => k != LayerKind.Dropout).Select(LayerDefinition.Word)));

    [TestCaseSource(nameof(Kinds))]
    public void EveryKindParsesBackFromItsText(LayerKind kind)
    {
        LayerDefinition example = Example(kind);
        Assert.That(LayerSyntax.Parse(example.ToString()), Is.EqualTo(example));
    }

    [TestCaseSource(nameof(Kinds))]
    public void EveryKindBuildsDescribesItselfAndHasAFileWord(LayerKind kind)
    {
        LayerDefinition example = Example(kind);
        LayerDefinition[] layers = Around(example);
        Sequential network = NetworkBuilder.Build(layers, Input, capacity: 2, "he_normal", seed: 1);

        Assert.That(network.Layers.Select(LayerDefinition.TryOf), Is.EqualTo(layers), "LayerDefinition.TryOf");
        Assert.That(LayerDefinition.Word(kind), Is.Not.Empty, "LayerDefinition.Word");
        Assert.That(kind == LayerKind.Activation ? Activation.Names : [LayerDefinition.Word(kind)], Is.SubsetOf(LayerSyntax.Words), "LayerSyntax.Words");
        if (kind == LayerKind.Dropout)
        {
            Assert.That(LayerSpec.KindOf(kind), Is.Null, "files leave dropout out");
        }
        else
        {
            Assert.That(LayerSpec.KindOf(kind), Is.Not.Null.And.AnyOf([.. LayerSpec.Kinds]), "LayerSpec.KindOf");
        }
    }

    [TestCaseSource(nameof(Kinds))]
    public void EveryKindIsCountedByTheMemoryPlanAndTheModelFileCeiling(LayerKind kind)
    {
        LayerDefinition[] layers = Around(Example(kind));
        Sequential network = NetworkBuilder.Build(layers, Input, capacity: 2, "he_normal", seed: 1);

        Assert.That(NetworkBuilder.Values(layers, Input, capacity: 2), Is.Positive, "NetworkPlan");
        foreach (ILayer layer in network.Layers)
        {
            long stored = NetworkLimits.StoredValues(LayerDefinition.Of(layer), layer.InputShape, layer.OutputShape);
            Assert.That(stored, Is.GreaterThanOrEqualTo(layer.Parameters.Sum(p => (long)p.Length)), $"NetworkLimits.StoredValues of {layer.Name}");
        }
    }

    [TestCaseSource(nameof(Kinds))]
    public void EveryKindLoadsFromAFileAndExportsToOnnx(LayerKind kind)
    {
        LayerDefinition example = Example(kind);
        LayerDefinition[] layers = Around(example);
        Sequential network = NetworkBuilder.Build(layers, Input, capacity: 2, "he_normal", seed: 1);
        SavedModel model = SavedModel.FromNetwork(network, new Dictionary<string, string>(), TestModels.Manifest);

        Sequential loaded = model.CreateNetwork(capacity: 2, "(test)");
        global::Onnx.ModelProto onnx = OnnxExporter.ToProto(model);

        string[] expected = [.. layers.Where(l => l.Kind != LayerKind.Dropout).Select(l => l.ToString())];
        Assert.That(loaded.Layers.Select(l => LayerDefinition.Of(l).ToString()), Is.EqualTo(expected), "SavedModel.CreateNetwork");
        Assert.That(onnx.Graph.Node.Select(n => n.Name), Is.SupersetOf(model.Layers.Select(l => l.Name)), "OnnxExporter: a node per layer");
    }

    [TestCaseSource(nameof(ActivationNames))]
    public void EveryActivationLoadsFromAFileAndExportsToOnnx(string name)
    {
        SavedModel model = TestModels.Model([4, 3, 2], name);

        Sequential loaded = model.CreateNetwork(capacity: 2, "(test)");

        Assert.That(((ActivationLayer)loaded.Layers[1]).Activation.Name, Is.EqualTo(name));
        Assert.That(() => OnnxExporter.ToProto(model), Throws.Nothing, "OnnxExporter.ActivationNode");
    }

    // bench/compare/scratchnet_layers.py rebuilds ScratchNet's networks in PyTorch for the parity checks and the docs'
    // comparisons; read as text, as no test may need torch.
    [Test]
    public void ThePytorchMapKnowsEveryActivationAndEveryKind()
    {
        string script = File.ReadAllText(Path.Combine(RepositoryRoot(), "bench", "compare", "scratchnet_layers.py"));
        Match dict = ActivationsDict().Match(script);
        Assert.That(dict.Success, Is.True, "scratchnet_layers.py has no ACTIVATIONS = {...} dict");
        string[] mapped = [.. DictKey().Matches(dict.Groups[1].Value).Select(m => m.Groups[1].Value)];

        Assert.That(mapped, Is.SupersetOf(Activation.Names), "scratchnet_layers.ACTIVATIONS");
        foreach (string word in LayerSyntax.Words.Except(Activation.Names))
        {
            Assert.That(script, Does.Contain($"\"{word}\""), $"scratchnet_layers.parse/build handle {word}");
        }
    }

    private static string RepositoryRoot()
    {
        for (DirectoryInfo? folder = new(TestContext.CurrentContext.TestDirectory); folder is not null; folder = folder.Parent)
        {
            if (File.Exists(Path.Combine(folder.FullName, "ScratchNet.sln")))
            {
                return folder.FullName;
            }
        }

        throw new InvalidOperationException("no ScratchNet.sln above the test folder");
    }

    // The dict on one line or over several (as black writes it); its values hold no braces.
    [GeneratedRegex(@"^ACTIVATIONS\s*=\s*\{(.*?)\}", RegexOptions.Multiline | RegexOptions.Singleline)]
    private static partial Regex ActivationsDict();

    [GeneratedRegex(@"[""']([a-z0-9_]+)[""']\s*:")]
    private static partial Regex DictKey();
}
