using System.Text.Json.Serialization;
using ScratchNet.Core.Layers;

namespace ScratchNet.Models;

/// <summary>
/// One layer as a model file describes it. The kind is matched by name against a fixed list (<see cref="Kinds"/>): a
/// file never names a .NET type, so loading can build nothing but ScratchNet's own layers. Dropout is never stored: at
/// inference it is the identity.
/// </summary>
/// <param name="Kind">One of <see cref="Kinds"/>.</param>
/// <param name="Name">The layer's name; its tensors are <c>{Name}.weight</c>, <c>{Name}.bias</c>, <c>{Name}.running_mean</c>, ….</param>
/// <param name="Inputs">Values per input row (c·h·w).</param>
/// <param name="Outputs">Values per output row (equal to <paramref name="Inputs"/> for an activation).</param>
/// <param name="ActivationName">For an activation layer: one of <see cref="Core.Activations.Activation.Names"/>.</param>
/// <remarks>
/// Files written before convolutional networks hold only dense and activation layers with the five values above; their
/// rows are flat vectors. Later files add, for every layer, <see cref="Definition"/>, <see cref="InputShape"/> and
/// <see cref="OutputShape"/>, which older builds ignore (they refuse the new kinds by name).
/// </remarks>
public sealed record LayerSpec(string Kind, string Name, int Inputs, int Outputs, string? ActivationName = null)
{
    public const string Dense = "dense";
    public const string Activation = "activation";
    public const string Conv = "conv";
    public const string MaxPool = "maxpool";
    public const string AvgPool = "avgpool";
    public const string BatchNorm = "batchnorm";
    public const string Flatten = "flatten";

    /// <summary>Every kind a model file may hold.</summary>
    public static IReadOnlyList<string> Kinds { get; } = [Dense, Activation, Conv, MaxPool, AvgPool, BatchNorm, Flatten];

    /// <summary>The layer in the grammar of Model:Layers (<see cref="LayerSyntax"/>), e.g. <c>conv 16 3x3 pad 1</c>: its hyper-parameters.</summary>
    public string? Definition { get; init; }

    /// <summary>One input row's shape; null in older files, whose rows are flat: (Inputs, 1, 1).</summary>
    public RowShape? InputShape { get; init; }

    /// <summary>One output row's shape; null in older files: (Outputs, 1, 1).</summary>
    public RowShape? OutputShape { get; init; }

    /// <summary>The file's kind word for a layer kind; null for dropout, which files leave out.</summary>
    public static string? KindOf(LayerKind kind) => kind == LayerKind.Dropout ? null : LayerDefinition.Word(kind);

    /// <summary>Describes a layer from its definition and shapes, as a file stores it.</summary>
    public static LayerSpec Of(string name, LayerDefinition definition, Shape input, Shape output)
    {
        ArgumentNullException.ThrowIfNull(definition);
        string kind = KindOf(definition.Kind) ?? throw new ArgumentException($"model files do not hold {definition.Kind} layers", nameof(definition));
        return new LayerSpec(kind, name, input.Size, output.Size, definition.Kind == LayerKind.Activation ? definition.Activation : null)
        {
            Definition = definition.ToString(),
            InputShape = RowShape.From(input),
            OutputShape = RowShape.From(output),
        };
    }
}

/// <summary>
/// A row's shape (channels, height, width) as a model file writes it: plain numbers that the structure check validates
/// before anything becomes a <see cref="Shape"/>.
/// </summary>
public sealed record RowShape(int Channels, int Height, int Width)
{
    public static RowShape From(Shape shape) => new(shape.Channels, shape.Height, shape.Width);

    /// <summary>c·h·w, computed without overflow.</summary>
    [JsonIgnore]
    public long Size => (long)Channels * Height * Width;

    public override string ToString() => $"{Channels} × {Height} × {Width}";
}
