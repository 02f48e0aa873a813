using Google.Protobuf;
using ScratchNet.Core.Layers;
using global::Onnx;

namespace ScratchNet.Models.Onnx;

/// <summary>
/// Writes a model as an ONNX graph through the messages protoc generates from <c>onnx.proto</c>. An MLP takes
/// (batch, features) and a convolutional network (batch, C, H, W), pixels scaled to [0, 1]; every layer becomes its
/// operator, and Softmax(axis 1) turns the last layer's scores into the output (batch, classes):
/// <code>
/// dense → Gemm (B = the (in, out) weight as stored, so no transpose)    conv → Conv (W (out, in, kH, kW) as stored)
/// maxpool → MaxPool    avgpool → AveragePool    batchnorm → BatchNormalization (the running statistics, ε = 1e-5)
/// flatten → Flatten(axis 1)    an activation → its operator (ActivationNode: relu → Relu, leaky_relu → LeakyRelu(0.01), …)
/// </code>
/// Where a dense layer meets a (batch, C, 1, 1) tensor a Flatten is put in, and where a convolution or pool meets a
/// (batch, F) tensor a Reshape to (batch, F, 1, 1): ScratchNet reads both as the same values. Dropout is not in the file
/// (the identity at inference).
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
        var graph = new GraphProto { Name = model.IsMlp ? "scratchnet_mlp" : "scratchnet_cnn" };
        var tensors = model.Tensors.ToDictionary(t => t.Name, StringComparer.Ordinal);
        Shape shape = model.InputShape;
        bool images = !shape.IsFlat;
        graph.Input.Add(images ? Value(InputName, shape.Channels, shape.Height, shape.Width) : Value(InputName, shape.Size));
        string previous = InputName;

        // Adds a node that reads the previous output, and makes its output the next input.
        void Add(NodeProto node, string output, params string[] weights)
        {
            node.Input.Add(previous);
            foreach (string weight in weights)
            {
                node.Input.Add(weight);
                graph.Initializer.Add(Initializer(tensors[weight]));
            }

            node.Output.Add(output);
            graph.Node.Add(node);
            previous = output;
        }

        void Flat(string name)
        {
            if (images)
            {
                Add(new NodeProto { OpType = "Flatten", Name = name, Attribute = { Int("axis", 1) } }, $"{name}_out");
                images = false;
            }
        }

        void Images(string name, Shape of)
        {
            if (!images)
            {
                string target = $"{name}.shape";
                graph.Initializer.Add(Int64Initializer(target, [0, of.Channels, of.Height, of.Width]));
                // Reshape(data, shape), the shape an int64 initializer ([0, C, H, W]: 0 keeps the batch), not a model tensor.
                var reshape = new NodeProto { OpType = "Reshape", Name = name };
                Add(reshape, $"{name}_out");
                reshape.Input.Add(target);
                images = true;
            }
        }

        foreach (LayerSpec layer in model.Layers)
        {
            LayerDefinition d = ModelStructure.Definition(layer, "(model to export)");
            string output = $"{layer.Name}_out";
            string weight = $"{layer.Name}.weight", bias = $"{layer.Name}.bias";
            switch (d.Kind)
            {
                case LayerKind.Dense:
                    Flat($"{layer.Name}_flatten");
                    Add(new NodeProto { OpType = "Gemm", Name = layer.Name }, output, weight, bias);
                    break;
                case LayerKind.Conv:
                    Images($"{layer.Name}_reshape", shape);
                    Add(
                        new NodeProto
                        {
                            OpType = "Conv",
                            Name = layer.Name,
                            Attribute =
                            {
                                Ints("kernel_shape", d.KernelHeight, d.KernelWidth), Ints("strides", d.Stride ?? 1, d.Stride ?? 1),
                                Ints("pads", d.Padding, d.Padding, d.Padding, d.Padding), Ints("dilations", 1, 1), Int("group", 1),
                            },
                        },
                        output,
                        weight,
                        bias);
                    break;
                case LayerKind.MaxPool or LayerKind.AvgPool:
                    Images($"{layer.Name}_reshape", shape);
                    int stride = d.Stride ?? d.KernelHeight;
                    Add(
                        new NodeProto
                        {
                            OpType = d.Kind == LayerKind.MaxPool ? "MaxPool" : "AveragePool",
                            Name = layer.Name,
                            Attribute = { Ints("kernel_shape", d.KernelHeight, d.KernelWidth), Ints("strides", stride, stride) },
                        },
                        output);
                    break;
                case LayerKind.BatchNorm:
                    Add(
                        new NodeProto { OpType = "BatchNormalization", Name = layer.Name, Attribute = { Float("epsilon", BatchNorm.DefaultEpsilon) } },
                        output,
                        weight,
                        bias,
                        $"{layer.Name}.running_mean",
                        $"{layer.Name}.running_var");
                    break;
                case LayerKind.Flatten:
                    Add(new NodeProto { OpType = "Flatten", Name = layer.Name, Attribute = { Int("axis", 1) } }, output);
                    images = false;
                    break;
                default:
                    Add(ActivationNode(layer.ActivationName!, layer.Name), output);
                    break;
            }

            shape = ModelStructure.Infer(layer.Name, d, shape, "(model to export)");
        }

        Flat("scores_flatten");
        var softmax = new NodeProto { OpType = "Softmax", Name = "softmax", Input = { previous }, Output = { OutputName }, Attribute = { Int("axis", 1) } };
        graph.Node.Add(softmax);
        graph.Output.Add(Value(OutputName, shape.Size));

        var proto = new ModelProto
        {
            IrVersion = IrVersion,
            ProducerName = "ScratchNet",
            ProducerVersion = model.Manifest?.CodeVersion ?? string.Empty,
            Graph = graph,
            DocString = model.IsMlp
                ? model.ImageShape is { } image
                    ? $"An MLP trained by ScratchNet; input: (batch, features), the pixels of {image.Channels} × {image.Height} × {image.Width} images row by row, scaled to [0, 1]; output: class probabilities."
                    : "An MLP trained by ScratchNet; input: (batch, features) pixels scaled to [0, 1]; output: class probabilities."
                : $"A network trained by ScratchNet; input: (batch, {model.InputShape.Channels}, {model.InputShape.Height}, {model.InputShape.Width}) pixels scaled to [0, 1], NCHW; output: class probabilities.",
        };
        proto.OpsetImport.Add(new OperatorSetIdProto { Domain = string.Empty, Version = OpsetVersion });
        foreach ((string key, string value) in model.Configuration)
        {
            proto.MetadataProps.Add(new StringStringEntryProto { Key = key, Value = value });
        }

        return proto;
    }

    private static NodeProto ActivationNode(string activation, string name)
    {
        var node = new NodeProto { Name = name };
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
                node.Attribute.Add(Float("alpha", Core.Activations.LeakyRelu.DefaultSlope));
                break;
            default:
                // Every activation a model may hold (Core's one list) is mapped above; one added there and not here is this
                // build's bug, not the user's file's.
                throw new InvalidOperationException($"The activation '{activation}' has no ONNX operator mapping.");
        }

        return node;
    }

    private static TensorProto Initializer(NamedTensor tensor)
    {
        var proto = new TensorProto { Name = tensor.Name, DataType = (int)TensorProto.Types.DataType.Float, RawData = ByteString.CopyFrom(Float32Bytes.ToBytes(tensor.Data)) };
        proto.Dims.AddRange(tensor.Shape.Select(d => (long)d));
        return proto;
    }

    private static TensorProto Int64Initializer(string name, long[] values)
    {
        var proto = new TensorProto { Name = name, DataType = (int)TensorProto.Types.DataType.Int64 };
        proto.Dims.Add(values.Length);
        proto.Int64Data.AddRange(values);
        return proto;
    }

    private static AttributeProto Int(string name, long value) => new() { Name = name, Type = AttributeProto.Types.AttributeType.Int, I = value };

    private static AttributeProto Float(string name, float value) => new() { Name = name, Type = AttributeProto.Types.AttributeType.Float, F = value };

    private static AttributeProto Ints(string name, params long[] values)
    {
        var attribute = new AttributeProto { Name = name, Type = AttributeProto.Types.AttributeType.Ints };
        attribute.Ints.AddRange(values);
        return attribute;
    }

    // (batch, sizes…) float32, the batch left symbolic.
    private static ValueInfoProto Value(string name, params int[] sizes)
    {
        var shape = new TensorShapeProto { Dim = { new TensorShapeProto.Types.Dimension { DimParam = "batch" } } };
        foreach (int size in sizes)
        {
            shape.Dim.Add(new TensorShapeProto.Types.Dimension { DimValue = size });
        }

        return new ValueInfoProto
        {
            Name = name,
            Type = new TypeProto { TensorType = new TypeProto.Types.Tensor { ElemType = (int)TensorProto.Types.DataType.Float, Shape = shape } },
        };
    }
}
