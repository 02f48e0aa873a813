using ScratchNet.Dashboard.Live;

namespace ScratchNet.Dashboard.Explorer;

/// <summary>A model as the explorer lists it: its input's shape and its layers.</summary>
/// <param name="InputShape">(1, 28, 28) for a 784-pixel square image; (features) otherwise.</param>
/// <param name="ClassNames">One name per class ("Dress", or "3" where the classes are digits).</param>
public sealed record ModelDescription(string Source, IReadOnlyList<int> InputShape, int Classes, IReadOnlyList<LayerInfo> Layers, long ParameterCount, IReadOnlyList<string> ClassNames);

/// <summary>One layer's values for one input: its output and, with a label, the loss's gradient with respect to that output.</summary>
/// <param name="Output">What the layer produced: Z = x·W + b for a dense layer, A = f(Z) for an activation.</param>
/// <param name="OutputGradient">dL/d(output); for the last layer it is dL/dlogits = P − Y.</param>
public sealed record LayerTrace(LayerInfo Layer, float[] Output, float[]? OutputGradient);

/// <summary>
/// One input through a model: the preprocessed input, every layer's output, the softmax probabilities, and, when a
/// true label is given, the backward pass: the loss, dL/dlogits and the gradient at every layer and at the input.
/// </summary>
/// <param name="InputGradient">dL/dx, the saliency map: how the loss changes with each input pixel.</param>
public sealed record ExplorerTrace(
    IReadOnlyList<int> InputShape, float[] Input, IReadOnlyList<LayerTrace> Layers, float[] Probabilities, int Predicted,
    int? Label, double? Loss, float[]? InputGradient);

/// <summary>A unit's incoming weights: column <see cref="Unit"/> of a dense layer's W, and its bias.</summary>
/// <param name="InputShape">(1, 28, 28) when the layer reads the image, so the weights can be drawn as one.</param>
public sealed record UnitWeights(int Layer, string LayerName, int Unit, IReadOnlyList<int> InputShape, float[] Weights, float Bias);
