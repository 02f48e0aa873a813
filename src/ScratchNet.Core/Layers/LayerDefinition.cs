using System.Globalization;
using ScratchNet.Core.Activations;

namespace ScratchNet.Core.Layers;

/// <summary>What kind of layer a <see cref="LayerDefinition"/> describes.</summary>
public enum LayerKind
{
    Conv,
    MaxPool,
    AvgPool,
    BatchNorm,
    Dropout,
    Activation,
    Flatten,
    Dense,
}

/// <summary>
/// One layer of a network as configuration writes it (one entry of Model:Layers), before the input shape is known:
/// the kind and its hyper-parameters. <see cref="LayerSyntax.Parse"/> reads it, <see cref="ToString"/> writes it back in
/// the same grammar, <see cref="Of"/> describes a live layer, and <see cref="NetworkBuilder"/> builds the layers.
/// </summary>
/// <param name="Kind">The layer's kind.</param>
/// <param name="Size">conv: output channels; dense: outputs; 0 for the others.</param>
/// <param name="KernelHeight">conv, maxpool, avgpool: the window's height; 0 for the others.</param>
/// <param name="KernelWidth">conv, maxpool, avgpool: the window's width; 0 for the others.</param>
/// <param name="Stride">conv: 1 unless given; pools: null means the kernel size.</param>
/// <param name="Padding">conv: zeros added on each side; 0 for the others.</param>
/// <param name="Rate">dropout: the rate p in [0, 1); 0 for the others.</param>
/// <param name="Activation">activation: one of <see cref="Activations.Activation.Names"/>; null for the others.</param>
public sealed record LayerDefinition(
    LayerKind Kind, int Size = 0, int KernelHeight = 0, int KernelWidth = 0, int? Stride = null, int Padding = 0, float Rate = 0f, string? Activation = null)
{
    public static LayerDefinition Conv(int outChannels, int kernelHeight, int kernelWidth, int stride = 1, int padding = 0) =>
        new(LayerKind.Conv, outChannels, kernelHeight, kernelWidth, stride, padding);

    public static LayerDefinition MaxPool(int kernelSize, int? stride = null) => new(LayerKind.MaxPool, KernelHeight: kernelSize, KernelWidth: kernelSize, Stride: stride);

    public static LayerDefinition AvgPool(int kernelSize, int? stride = null) => new(LayerKind.AvgPool, KernelHeight: kernelSize, KernelWidth: kernelSize, Stride: stride);

    public static LayerDefinition BatchNorm() => new(LayerKind.BatchNorm);

    public static LayerDefinition Dropout(float rate) => new(LayerKind.Dropout, Rate: rate);

    public static LayerDefinition ActivationOf(string name) => new(LayerKind.Activation, Activation: name.ToLowerInvariant());

    public static LayerDefinition Flatten() => new(LayerKind.Flatten);

    public static LayerDefinition Dense(int outputs) => new(LayerKind.Dense, outputs);

    /// <summary>
    /// The kind's word, the one name every part uses for it: the grammar's first word (an activation's entry is its
    /// name instead), the kind a model file records (<c>LayerSpec.KindOf</c>) and the kind the dashboard shows.
    /// </summary>
    /// <exception cref="ArgumentOutOfRangeException">A kind with no word yet: add it here.</exception>
    public static string Word(LayerKind kind) => kind switch
    {
        LayerKind.Conv => "conv",
        LayerKind.MaxPool => "maxpool",
        LayerKind.AvgPool => "avgpool",
        LayerKind.BatchNorm => "batchnorm",
        LayerKind.Dropout => "dropout",
        LayerKind.Activation => "activation",
        LayerKind.Flatten => "flatten",
        LayerKind.Dense => "dense",
        _ => throw new ArgumentOutOfRangeException(nameof(kind), kind, "a layer kind without a word; add it to LayerDefinition.Word"),
    };

    /// <summary>The definition a live layer was built from (or would be).</summary>
    /// <exception cref="ArgumentException">The layer is of a kind the grammar does not know.</exception>
    public static LayerDefinition Of(ILayer layer) =>
        TryOf(layer ?? throw new ArgumentNullException(nameof(layer)))
        ?? throw new ArgumentException($"layer {layer.Name} is a {layer.GetType().Name}, which Model:Layers cannot describe", nameof(layer));

    /// <summary>The definition a live layer was built from, or null for a layer of a kind the grammar does not know.</summary>
    public static LayerDefinition? TryOf(ILayer layer) => layer switch
    {
        Conv2D c => Conv(c.OutChannels, c.KernelHeight, c.KernelWidth, c.Stride, c.Padding),
        MaxPool2D p => MaxPool(p.KernelSize, p.Stride == p.KernelSize ? null : p.Stride),
        AvgPool2D p => AvgPool(p.KernelSize, p.Stride == p.KernelSize ? null : p.Stride),
        Layers.BatchNorm => BatchNorm(),
        Layers.Dropout d => Dropout(d.Rate),
        ActivationLayer a => ActivationOf(a.Activation.Name),
        Layers.Flatten => Flatten(),
        Layers.Dense d => Dense(d.OutputSize),
        _ => null,
    };

    /// <summary>The definition in the grammar of <see cref="LayerSyntax"/>, shortest form: "conv 16 3x3 pad 1", "maxpool 2", "dense 10".</summary>
    public override string ToString() => Kind switch
    {
        LayerKind.Conv => Text($"conv {Size} {KernelHeight}x{KernelWidth}{(Stride is null or 1 ? string.Empty : Text($" stride {Stride}"))}{(Padding == 0 ? string.Empty : Text($" pad {Padding}"))}"),
        LayerKind.MaxPool or LayerKind.AvgPool => Text($"{Word(Kind)} {KernelHeight}{(Stride is null || Stride == KernelHeight ? string.Empty : Text($" stride {Stride}"))}"),
        LayerKind.BatchNorm => "batchnorm",
        LayerKind.Dropout => Text($"dropout {Rate}"),
        LayerKind.Activation => Activation ?? "activation",
        LayerKind.Flatten => "flatten",
        LayerKind.Dense => Text($"dense {Size}"),
        _ => Kind.ToString(),
    };

    private static string Text(FormattableString text) => text.ToString(CultureInfo.InvariantCulture);
}
