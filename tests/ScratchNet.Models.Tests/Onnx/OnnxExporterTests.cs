using Microsoft.ML.OnnxRuntime;
using Microsoft.ML.OnnxRuntime.Tensors;
using ScratchNet.Core.Layers;
using ScratchNet.Models.Onnx;

namespace ScratchNet.Models.Tests.Onnx;

public sealed class OnnxExporterTests
{
    /// <summary>Runs the exported bytes in ONNX Runtime on (rows, features) inputs and returns the probabilities.</summary>
    internal static float[] RunInOnnxRuntime(byte[] onnx, float[] x, int rows, int features) => RunInOnnxRuntime(onnx, x, [rows, features]);

    /// <summary>Runs the exported bytes in ONNX Runtime on inputs of the given dimensions ((rows, C, H, W) for images).</summary>
    internal static float[] RunInOnnxRuntime(byte[] onnx, float[] x, int[] dimensions)
    {
        using var session = new InferenceSession(onnx);
        var input = new DenseTensor<float>(x, dimensions);
        using IDisposableReadOnlyCollection<DisposableNamedOnnxValue> results = session.Run([NamedOnnxValue.CreateFromTensor(OnnxExporter.InputName, input)]);
        DisposableNamedOnnxValue output = results.Single(r => r.Name == OnnxExporter.OutputName);
        return output.AsTensor<float>().ToArray();
    }

    internal static byte[] Export(SavedModel model)
    {
        using var stream = new MemoryStream();
        OnnxExporter.Write(model, stream);
        return stream.ToArray();
    }

    private static IEnumerable<string> Activations() => Core.Activations.Activation.Names;

    [TestCaseSource(nameof(Activations))]
    public void OnnxRuntime_MatchesScratchNet_Within1e5_On1000Inputs(string activation)
    {
        int[] sizes = [784, 128, 64, 10];
        Sequential network = TestModels.Network(sizes, activation);

        AssertOnnxRuntimeAgrees(network, SavedModel.FromNetwork(network, TestModels.Configuration(sizes, activation), TestModels.Manifest), [1000, 784], activation);
    }

    /// <summary>ONNX Runtime on the exported model and ScratchNet's own forward pass give the same probabilities within 1e-5 on seeded inputs of <paramref name="dimensions"/>.</summary>
    private static void AssertOnnxRuntimeAgrees(Sequential network, SavedModel model, int[] dimensions, string name)
    {
        int rows = dimensions[0];
        float[] x = TestModels.Inputs(rows, network.InputSize);

        float[] expected = TestModels.Probabilities(network, x, rows);
        float[] actual = RunInOnnxRuntime(Export(model), x, dimensions);

        Assert.That(actual, Has.Length.EqualTo(expected.Length));
        float worst = expected.Zip(actual, (e, a) => MathF.Abs(e - a)).Max();
        TestContext.Out.WriteLine($"{name}: max |ORT − ScratchNet| = {worst:E2}");
        Assert.That(worst, Is.LessThanOrEqualTo(1e-5f));
    }

    [Test]
    public void Graph_IsGemmActivationSoftmax_WithWeightsAsInitializers()
    {
        global::Onnx.ModelProto proto = OnnxExporter.ToProto(TestModels.Model([6, 4, 3]));

        Assert.That(proto.Graph.Node.Select(n => n.OpType), Is.EqualTo(new[] { "Gemm", "Relu", "Gemm", "Softmax" }));
        Assert.That(proto.Graph.Initializer.Select(t => $"{t.Name}[{string.Join(",", t.Dims)}]"),
            Is.EqualTo(new[] { "dense0.weight[6,4]", "dense0.bias[4]", "dense1.weight[4,3]", "dense1.bias[3]" }));
        Assert.That(proto.OpsetImport.Single().Version, Is.EqualTo(13));
        Assert.That(proto.MetadataProps.Single(p => p.Key == "Model:LayerSizes").Value, Is.EqualTo("6,4,3"));

        // What protoc's code writes, protoc's code reads back: the bytes are a real ModelProto, not a lookalike.
        global::Onnx.ModelProto parsed = global::Onnx.ModelProto.Parser.ParseFrom(Export(TestModels.Model([6, 4, 3])));
        Assert.That(parsed, Is.EqualTo(proto));
    }

    /// <summary>
    /// Seeded weights and batch-norm statistics away from their defaults, on 1,000 seeded images: every operator's
    /// attributes (padding, stride, non-square kernel, pool strides, ε) must match for the outputs to agree.
    /// </summary>
    [TestCase("small CNN with every layer kind", 9)]
    [TestCase("the recipe's CNN", 28)]
    public void OnnxRuntime_MatchesScratchNet_Within1e5_On1000Images_ForCnns(string name, int side)
    {
        string[] layers = side == 28 ? RecipeCnn : TestModels.SmallCnn;
        Sequential network = TestModels.Network(layers, new Shape(1, side, side));

        AssertOnnxRuntimeAgrees(network, SavedModel.FromNetwork(network, TestModels.Configuration(layers), TestModels.Manifest), [1000, 1, side, side], name);
    }

    [Test]
    public void CnnGraphMapsEachLayerToItsOperatorWithPytorchsAttributes()
    {
        global::Onnx.ModelProto proto = OnnxExporter.ToProto(TestModels.Model(TestModels.SmallCnn, new Shape(1, 9, 9)));

        Assert.That(proto.Graph.Node.Select(n => n.OpType), Is.EqualTo(new[]
        {
            "Conv", "BatchNormalization", "Relu", "MaxPool", "Conv", "LeakyRelu", "AveragePool", "Flatten", "Gemm", "BatchNormalization", "Tanh", "Gemm", "Softmax",
        }));
        global::Onnx.NodeProto conv = proto.Graph.Node.Single(n => n.Name == "conv1");
        Assert.That(conv.Attribute.Select(a => $"{a.Name}={string.Join(",", a.Ints)}{(a.Ints.Count == 0 ? a.I.ToString(System.Globalization.CultureInfo.InvariantCulture) : "")}"),
            Is.EqualTo(new[] { "kernel_shape=3,2", "strides=2,2", "pads=1,1,1,1", "dilations=1,1", "group=1" }));
        Assert.That(proto.Graph.Node.Single(n => n.Name == "avgpool0").Attribute.Select(a => $"{a.Name}={string.Join(",", a.Ints)}"), Is.EqualTo(new[] { "kernel_shape=2,2", "strides=1,1" }));
        Assert.That(proto.Graph.Node.Single(n => n.Name == "bn0").Input, Is.EqualTo(new[] { "conv0_out", "bn0.weight", "bn0.bias", "bn0.running_mean", "bn0.running_var" }));
        Assert.That(proto.Graph.Input.Single().Type.TensorType.Shape.Dim.Select(d => d.HasDimParam ? d.DimParam : d.DimValue.ToString(System.Globalization.CultureInfo.InvariantCulture)), Is.EqualTo(new[] { "batch", "1", "9", "9" }));
        Assert.That(proto.Graph.Name, Is.EqualTo("scratchnet_cnn"));
    }

    [Test]
    public void ADenseLayerOnA1x1ImageGetsAFlattenAndAConvOnAVectorAReshape()
    {
        // "conv 3 5x5" on 1 × 5 × 5 gives 3 × 1 × 1, which a dense layer takes without flatten; a conv after a dense layer sees (f, 1, 1).
        string[] layers = ["conv 3 5x5", "dense 4", "conv 2 1x1", "relu", "dense 2"];
        Sequential network = TestModels.Network(layers, new Shape(1, 5, 5));
        SavedModel model = SavedModel.FromNetwork(network, TestModels.Configuration(layers), TestModels.Manifest);
        float[] x = TestModels.Inputs(10, 25);

        global::Onnx.ModelProto proto = OnnxExporter.ToProto(model);
        float[] actual = RunInOnnxRuntime(Export(model), x, [10, 1, 5, 5]);

        Assert.That(proto.Graph.Node.Select(n => n.OpType), Is.EqualTo(new[] { "Conv", "Flatten", "Gemm", "Reshape", "Conv", "Relu", "Flatten", "Gemm", "Softmax" }));
        Assert.That(actual, Is.EqualTo(TestModels.Probabilities(network, x, 10)).Within(1e-6f));
    }

    /// <summary>
    /// ONNX's own checker, the full one (shape inference included), on exported CNNs and an MLP per activation: Debian's python3-onnx
    /// (.ci/run installs it when missing).
    /// </summary>
    [Test]
    public void ExportedModelsPassTheOnnxCheckersFullCheck()
    {
        string folder = Directory.CreateTempSubdirectory("scratchnet-onnx-").FullName;
        try
        {
            string cnn = Path.Combine(folder, "cnn.onnx"), mlp = Path.Combine(folder, "mlp.onnx"), odd = Path.Combine(folder, "odd.onnx");
            File.WriteAllBytes(cnn, Export(TestModels.Model(TestModels.SmallCnn, new Shape(1, 9, 9))));
            File.WriteAllBytes(mlp, Export(TestModels.Model([6, 5, 3])));
            File.WriteAllBytes(odd, Export(TestModels.Model(["conv 3 5x5", "dense 4", "conv 2 1x1", "relu", "dense 2"], new Shape(1, 5, 5))));
            // An MLP per activation, so a new activation's operators are checked too.
            string[] activations = [.. Core.Activations.Activation.Names.Select(name => Path.Combine(folder, $"{name}.onnx"))];
            foreach ((string name, string path) in Core.Activations.Activation.Names.Zip(activations))
            {
                File.WriteAllBytes(path, Export(TestModels.Model([6, 5, 3], name)));
            }

            const string Script = "import sys, onnx\nfor p in sys.argv[1:]:\n    onnx.checker.check_model(onnx.load(p), full_check=True)\n    print('ok', p)\n";

            (int exitCode, string output) = Python(Script, [cnn, mlp, odd, .. activations]);

            Assert.That(exitCode, Is.Zero, output);
            Assert.That(output.Split('\n').Count(l => l.StartsWith("ok ", StringComparison.Ordinal)), Is.EqualTo(3 + activations.Length), output);
        }
        finally
        {
            Directory.Delete(folder, recursive: true);
        }
    }

    private static readonly string[] RecipeCnn =
        ["conv 16 3x3 pad 1", "relu", "maxpool 2", "conv 32 3x3 pad 1", "relu", "maxpool 2", "flatten", "dense 128", "relu", "dense 10"];

    private static (int ExitCode, string Output) Python(string script, params string[] arguments)
    {
        var start = new System.Diagnostics.ProcessStartInfo("/usr/bin/python3") { RedirectStandardOutput = true, RedirectStandardError = true };
        start.ArgumentList.Add("-c");
        start.ArgumentList.Add(script);
        foreach (string argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }

        using var process = System.Diagnostics.Process.Start(start)!;
        Task<string> error = process.StandardError.ReadToEndAsync();
        string output = process.StandardOutput.ReadToEnd();
        process.WaitForExit();
        return (process.ExitCode, output + error.Result);
    }
}
