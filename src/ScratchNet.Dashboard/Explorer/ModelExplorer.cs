using ScratchNet.Core.Layers;
using ScratchNet.Core.Losses;
using ScratchNet.Core.Metrics;
using ScratchNet.Dashboard.Live;
using ScratchNet.Data;
using ScratchNet.Data.Imaging;
using ScratchNet.Models;

namespace ScratchNet.Dashboard.Explorer;

/// <summary>
/// Runs one input through a saved model, layer by layer, and back: the forward pass is the layers' own Forward and
/// the backward pass is <see cref="Sequential.BackwardToInput"/>, the training code itself, on a batch of one row.
/// A network's buffers serve one call at a time, so calls take turns.
/// </summary>
public sealed class ModelExplorer
{
    private readonly Sequential _network;
    private readonly Lock _gate = new();
    private readonly IReadOnlyList<LayerInfo> _layers;

    public ModelExplorer(SavedModel model, string source)
    {
        ArgumentNullException.ThrowIfNull(model);
        _network = model.CreateNetwork(1, source);
        _layers = NetworkDescription.Layers(_network);
        string? dataset = model.Configuration.GetValueOrDefault("Data:Dataset");
        Field = ImageField.For(dataset, _network.InputShape);

        // The picture the network's input is: its own 1 × H × W (12 × 20 for such an IDX set), a square for a flat MLP input.
        InputShape = Field is { } field ? [1, field.Height, field.Width] : [_network.InputSize];
        IReadOnlyList<string>? names = DatasetCatalog.ClassNames(dataset, model.Configuration.GetValueOrDefault("Data:ClassNames"));
        ClassNames = names?.Count == _network.OutputSize ? names : [.. Enumerable.Range(0, _network.OutputSize).Select(k => k.ToString(System.Globalization.CultureInfo.InvariantCulture))];
        Description = new ModelDescription(source, InputShape, _network.OutputSize, _layers, _network.ParameterCount, ClassNames);
    }

    /// <summary>What an uploaded image becomes for this model (as <c>predict</c> makes it); null when no image fits its input.</summary>
    public ImageField? Field { get; }

    public ModelDescription Description { get; }

    public IReadOnlyList<int> InputShape { get; }

    /// <summary>The dataset's names for the classes (Fashion-MNIST's, an IDX set's Data:ClassNames), as predict gives them; else the digits.</summary>
    public IReadOnlyList<string> ClassNames { get; }

    public int InputSize => _network.InputSize;

    /// <param name="input">One row of <see cref="InputSize"/> features, as the training data has them ([0, 1] pixels).</param>
    /// <param name="label">The true class, for the backward view; null for the forward pass alone.</param>
    public ExplorerTrace Trace(float[] input, int? label)
    {
        ArgumentNullException.ThrowIfNull(input);
        int classes = _network.OutputSize;
        if (input.Length != _network.InputSize)
        {
            throw new ArgumentException($"the input has {input.Length} values, but the model takes {_network.InputSize}", nameof(input));
        }

        if (label is int l && (l < 0 || l >= classes))
        {
            throw new ArgumentOutOfRangeException(nameof(label), label, $"the label must be a class between 0 and {classes - 1}");
        }

        lock (_gate)
        {
            // Layer by layer, as Sequential.Forward runs them, keeping a copy of each output.
            var outputs = new float[_network.Layers.Count][];
            ReadOnlyMemory<float> x = input;
            for (int i = 0; i < _network.Layers.Count; i++)
            {
                ILayer layer = _network.Layers[i];
                float[] y = layer.Forward(x, 1);
                outputs[i] = y[..layer.OutputSize];
                x = y;
            }

            float[] logits = outputs[^1];
            var probabilities = new float[classes];
            Softmax.Forward(logits, probabilities, 1, classes);
            int predicted = Accuracy.ArgMaxRow(probabilities);
            if (label is not int target)
            {
                return new ExplorerTrace(InputShape, input, [.. _layers.Select((info, i) => new LayerTrace(info, outputs[i], null))], probabilities, predicted, null, null, null);
            }

            // Softmax + cross-entropy backward is the fused (P − Y) / n; with n = 1 it is P − Y.
            var y1 = new float[classes];
            y1[target] = 1f;
            float loss = SoftmaxCrossEntropy.Forward(logits, y1, probabilities, 1, classes);
            var dLogits = new float[classes];
            SoftmaxCrossEntropy.Backward(probabilities, y1, dLogits, 1, classes);
            float[][] inputGradients = _network.BackwardToInput(dLogits, 1);

            // Layer i's output is layer i+1's input, so its gradient is that layer's input gradient.
            var layers = new LayerTrace[_layers.Count];
            for (int i = 0; i < layers.Length; i++)
            {
                layers[i] = new LayerTrace(_layers[i], outputs[i], i + 1 < layers.Length ? inputGradients[i + 1] : dLogits);
            }

            return new ExplorerTrace(InputShape, input, layers, probabilities, predicted, target, loss, inputGradients[0]);
        }
    }

    /// <summary>Returns <paramref name="layerIndex"/> when it names a dense layer, so a request's layer is judged before its unit.</summary>
    /// <exception cref="ArgumentOutOfRangeException">It does not.</exception>
    public int CheckDenseLayer(int layerIndex) => DenseAt(layerIndex) is not null ? layerIndex
        : throw new ArgumentOutOfRangeException(nameof(layerIndex), layerIndex, $"layer {layerIndex} is not a dense layer of this model");

    private Dense? DenseAt(int layerIndex) => layerIndex >= 0 && layerIndex < _network.Layers.Count ? _network.Layers[layerIndex] as Dense : null;

    /// <summary>The incoming weights of unit <paramref name="unit"/> of dense layer <paramref name="layerIndex"/> (W is (in, out): column unit).</summary>
    public UnitWeights IncomingWeights(int layerIndex, int unit)
    {
        Dense dense = DenseAt(CheckDenseLayer(layerIndex))!;

        if (unit < 0 || unit >= dense.OutputSize)
        {
            throw new ArgumentOutOfRangeException(nameof(unit), unit, $"layer {dense.Name} has units 0 to {dense.OutputSize - 1}");
        }

        lock (_gate)
        {
            var weights = new float[dense.InputSize];
            for (int k = 0; k < weights.Length; k++)
            {
                weights[k] = dense.Weight.Value[(k * dense.OutputSize) + unit];
            }

            IReadOnlyList<int> shape = layerIndex == 0 ? InputShape : [dense.InputSize];
            return new UnitWeights(layerIndex, dense.Name, unit, shape, weights, dense.BiasParameter.Value[unit]);
        }
    }
}
