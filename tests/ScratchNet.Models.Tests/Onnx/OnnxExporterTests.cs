using Microsoft.ML.OnnxRuntime;
using Microsoft.ML.OnnxRuntime.Tensors;
using ScratchNet.Core.Layers;
using ScratchNet.Models.Onnx;

namespace ScratchNet.Models.Tests.Onnx;

public sealed class OnnxExporterTests
{
    /// <summary>Runs the exported bytes in ONNX Runtime on (rows, features) inputs and returns the probabilities.</summary>
    internal static float[] RunInOnnxRuntime(byte[] onnx, float[] x, int rows, int features)
    {
        using var session = new InferenceSession(onnx);
        var input = new DenseTensor<float>(x, [rows, features]);
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

    [TestCase("relu")]
    [TestCase("leaky_relu")]
    [TestCase("sigmoid")]
    [TestCase("tanh")]
    public void OnnxRuntime_MatchesScratchNet_Within1e5_On1000Inputs(string activation)
    {
        int[] sizes = [784, 128, 64, 10];
        Sequential network = TestModels.Network(sizes, activation);
        SavedModel model = SavedModel.FromNetwork(network, TestModels.Configuration(sizes, activation), TestModels.Manifest);
        float[] x = TestModels.Inputs(1000, 784);

        float[] expected = TestModels.Probabilities(network, x, 1000);
        float[] actual = RunInOnnxRuntime(Export(model), x, 1000, 784);

        Assert.That(actual, Has.Length.EqualTo(expected.Length));
        float worst = expected.Zip(actual, (e, a) => MathF.Abs(e - a)).Max();
        TestContext.Out.WriteLine($"{activation}: max |ORT − ScratchNet| = {worst:E2}");
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
}
