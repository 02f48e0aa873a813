using Google.Protobuf;
using global::Onnx;

namespace ScratchNet.Models.Onnx;

/// <summary>
/// Writes a model as an ONNX graph through the messages protoc generates from <c>onnx.proto</c>:
/// input (batch, in) → Gemm → activation → … → Gemm → Softmax(axis 1) → probabilities (batch, classes).
/// Gemm computes A·B + C with B = the (in, out) weight as stored, so no transpose is needed.
/// </summary>
public static class OnnxExporter
{
    public const string InputName = "input";

    public const string OutputName = "probabilities";

    // IR version 8 and opset 13: what onnx 1.12 (the vendored onnx.proto) writes by default; every ONNX Runtime since 1.8 runs it.
    private const long IrVersion = 8;
    private const long OpsetVersion = 13;

    public static void Write(SavedModel model, Stream destination)
    {
        ArgumentNullException.ThrowIfNull(destination);
        ToProto(model).WriteTo(destination);
    }

    internal static ModelProto ToProto(SavedModel model)
    {
        ArgumentNullException.ThrowIfNull(model);
        ModelStructure.Check(model, "(model to export)");
        var graph = new GraphProto { Name = "scratchnet_mlp" };
        var tensors = model.Tensors.ToDictionary(t => t.Name, StringComparer.Ordinal);
        graph.Input.Add(Value(InputName, model.LayerSizes[0]));
        string previous = InputName;
        foreach (LayerSpec layer in model.Layers)
        {
            string output = $"{layer.Name}_out";
            NodeProto node;
            if (layer.Kind == LayerSpec.Dense)
            {
                string weight = $"{layer.Name}.weight";
                string bias = $"{layer.Name}.bias";
                graph.Initializer.Add(Initializer(tensors[weight]));
                graph.Initializer.Add(Initializer(tensors[bias]));
                node = new NodeProto { OpType = "Gemm", Name = layer.Name, Input = { previous, weight, bias } };
            }
            else
            {
                node = ActivationNode(layer.ActivationName!, layer.Name, previous);
            }

            node.Output.Add(output);
            graph.Node.Add(node);
            previous = output;
        }

        var softmax = new NodeProto { OpType = "Softmax", Name = "softmax", Input = { previous }, Output = { OutputName } };
        softmax.Attribute.Add(new AttributeProto { Name = "axis", Type = AttributeProto.Types.AttributeType.Int, I = 1 });
        graph.Node.Add(softmax);
        graph.Output.Add(Value(OutputName, model.LayerSizes[^1]));

        var proto = new ModelProto
        {
            IrVersion = IrVersion,
            ProducerName = "ScratchNet",
            ProducerVersion = model.Manifest?.CodeVersion ?? string.Empty,
            Graph = graph,
            DocString = "An MLP trained by ScratchNet; input: (batch, features) pixels scaled to [0, 1]; output: class probabilities.",
        };
        proto.OpsetImport.Add(new OperatorSetIdProto { Domain = string.Empty, Version = OpsetVersion });
        foreach ((string key, string value) in model.Configuration)
        {
            proto.MetadataProps.Add(new StringStringEntryProto { Key = key, Value = value });
        }

        return proto;
    }

    private static NodeProto ActivationNode(string activation, string name, string input)
    {
        var node = new NodeProto { Name = name, Input = { input } };
        switch (activation.ToLowerInvariant())
        {
            case "relu":
                node.OpType = "Relu";
                break;
            case "sigmoid":
                node.OpType = "Sigmoid";
                break;
            case "tanh":
                node.OpType = "Tanh";
                break;
            case "leaky_relu":
                node.OpType = "LeakyRelu";
                node.Attribute.Add(new AttributeProto { Name = "alpha", Type = AttributeProto.Types.AttributeType.Float, F = Core.Activations.LeakyRelu.DefaultSlope });
                break;
            default:
                throw new ModelFileException($"The activation '{activation}' has no ONNX operator mapping.");
        }

        return node;
    }

    private static TensorProto Initializer(NamedTensor tensor)
    {
        var proto = new TensorProto { Name = tensor.Name, DataType = (int)TensorProto.Types.DataType.Float, RawData = ByteString.CopyFrom(Float32Bytes.ToBytes(tensor.Data)) };
        proto.Dims.AddRange(tensor.Shape.Select(d => (long)d));
        return proto;
    }

    // (batch, width) float32, the batch left symbolic.
    private static ValueInfoProto Value(string name, int width) => new()
    {
        Name = name,
        Type = new TypeProto
        {
            TensorType = new TypeProto.Types.Tensor
            {
                ElemType = (int)TensorProto.Types.DataType.Float,
                Shape = new TensorShapeProto
                {
                    Dim =
                    {
                        new TensorShapeProto.Types.Dimension { DimParam = "batch" },
                        new TensorShapeProto.Types.Dimension { DimValue = width },
                    },
                },
            },
        },
    };
}
