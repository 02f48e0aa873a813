using System.Globalization;
using ScratchNet.Core.Kernels;

namespace ScratchNet.Core.Layers;

/// <summary>
/// The ceilings every ScratchNet network keeps to, in one place for both sides of a model file: the loader checks a file
/// against them before building anything (a 3x3 filter fits any image, so a forged file of a few bytes could otherwise
/// ask for gigabytes of activations), and <see cref="NetworkBuilder"/> checks a network against the very same ceilings
/// before allocating it, so every model <c>train</c> writes can be loaded again by <c>evaluate</c>, <c>predict</c>,
/// <c>export</c> and <c>serve</c>. Dropout layers are left out of the count, as model files leave them out.
/// </summary>
public static class NetworkLimits
{
    /// <summary>More layers than this (dropout not counted) is not a ScratchNet model.</summary>
    public const int MaxLayers = 1024;

    /// <summary>A height, width, kernel size, stride, padding or filter count above this is refused (it keeps every sum of them far from overflow).</summary>
    public const int MaxExtent = 1 << 16;

    /// <summary>
    /// The most values one row may take summed over every layer's input and output (512 MiB of floats): a 16-filter 3x3
    /// convolution on 1024 × 1024 images takes about 18 million, the recipe's CNN about 88,000.
    /// </summary>
    public const long MaxValuesPerRow = 1 << 27;

    /// <summary>The most values a convolution's unfolded image (C·kH·kW × OutH·OutW) may take (64 MiB of floats, per thread).</summary>
    public const long MaxUnfoldedValues = 1 << 24;

    /// <summary>The most activation values one forward pass may hold (rows × values per row: 4 GiB of floats).</summary>
    public const long MaxBatchValues = 1L << 30;

    /// <summary>
    /// The most values a model file stores (weights, biases, batch norm's statistics): 1 GiB of floats less 16 MiB for
    /// the header, so the file stays within the 1 GiB a model file may be when it is read back.
    /// </summary>
    public const long MaxStoredValues = (1L << 28) - (1L << 22);

    /// <summary>
    /// The shape a layer gives for <paramref name="input"/>, worked out as the layer's constructor would, without building
    /// it: the one shape walker that training's plan, this check and the model loader share. <paramref name="window"/> is
    /// a convolution's or pooling's window, else null.
    /// </summary>
    /// <remarks>Callers refuse <see cref="ExceedsExtent"/> first, which keeps the window arithmetic far from overflow.</remarks>
    /// <exception cref="ArgumentException">The layer does not fit its input: a window larger than its padded input, a dense layer on images.</exception>
    public static Shape OutputOf(LayerDefinition definition, Shape input, out Window2D? window)
    {
        ArgumentNullException.ThrowIfNull(definition);
        window = null;
        switch (definition.Kind)
        {
            case LayerKind.Conv:
                Window2D convolution = Window(definition, input, definition.Stride ?? 1, definition.Padding);
                window = convolution;
                return new Shape(definition.Size, convolution.OutHeight, convolution.OutWidth);
            case LayerKind.MaxPool or LayerKind.AvgPool:
                Window2D pool = Window(definition, input, definition.Stride ?? definition.KernelHeight, padding: 0);
                window = pool;
                return new Shape(input.Channels, pool.OutHeight, pool.OutWidth);
            case LayerKind.BatchNorm or LayerKind.Activation or LayerKind.Dropout:
                return input;
            case LayerKind.Flatten:
                return Shape.Flat(input.Size);
            case LayerKind.Dense:
                return input.IsFlat
                    ? Shape.Flat(definition.Size)
                    : throw new ArgumentException(string.Create(CultureInfo.InvariantCulture, $"a dense layer takes flat vectors, and these are images of {input.Size} values each: put flatten before it"));
            default:
                throw new ArgumentException($"it is a {definition.Kind} layer, which has no known shape");
        }
    }

    /// <summary>
    /// One layer of the walk every ceiling check makes (training's, before it allocates, and the model loader's): the
    /// layer's <paramref name="output"/> shape and the first ceiling it breaks, in words, or null when it keeps to them.
    /// <paramref name="totals"/> carries the sums over the layers so far.
    /// </summary>
    /// <exception cref="ArgumentException">As <see cref="OutputOf"/>: the layer does not fit its input.</exception>
    public static string? Step(LayerDefinition layer, Shape input, ref Totals totals, out Shape output)
    {
        output = default;
        if (ExceedsExtent(layer, input))
        {
            return string.Create(CultureInfo.InvariantCulture, $"one of its sizes (input, kernel, stride, padding, filters) is above {MaxExtent:N0}");
        }

        output = OutputOf(layer, input, out Window2D? window);
        if (ShapeProblem(output) is { } outputProblem)
        {
            return $"it gives {output} outputs, where a model's shapes keep to {outputProblem}";
        }

        // In double: channels × kernel alone can pass int's range for a file's shapes.
        double unfolded = layer.Kind == LayerKind.Conv && window is { } w ? (double)w.Channels * w.KernelHeight * w.KernelWidth * w.OutHeight * w.OutWidth : 0;
        if (unfolded > MaxUnfoldedValues)
        {
            return string.Create(CultureInfo.InvariantCulture, $"it unfolds {unfolded:N0} values per image (C·kH·kW × OutH·OutW), more than {MaxUnfoldedValues:N0}");
        }

        if (layer.Kind != LayerKind.Dropout)
        {
            totals.ValuesPerRow += (long)input.Size + output.Size;
        }

        totals.Stored += StoredValues(layer, input, output);
        return totals.ValuesPerRow > MaxValuesPerRow
            ? string.Create(CultureInfo.InvariantCulture, $"the layers up to it take {totals.ValuesPerRow:N0} values per image (inputs and outputs summed), more than {MaxValuesPerRow:N0}")
            : totals.Stored > MaxStoredValues
            ? string.Create(CultureInfo.InvariantCulture, $"the layers up to it hold {totals.Stored:N0} weights, biases and statistics (a model file of {totals.Stored * sizeof(float) / (double)(1L << 30):F1} GiB), more than {MaxStoredValues:N0}")
            : null;
    }

    /// <summary>The sums the ceilings hold over a network's layers so far.</summary>
    public struct Totals
    {
        /// <summary>Every layer's input and output values for one row (dropout not counted).</summary>
        public long ValuesPerRow;

        /// <summary>The weights, biases and statistics a model file stores.</summary>
        public long Stored;
    }

    /// <summary>The ceiling a row shape breaks, in words ("height and width at most 65,536"), or null when it keeps to them.</summary>
    public static string? ShapeProblem(Shape shape) =>
        shape.Height > MaxExtent || shape.Width > MaxExtent || (long)shape.Channels * shape.Height * shape.Width > MaxValuesPerRow
            ? string.Create(CultureInfo.InvariantCulture, $"height and width at most {MaxExtent:N0}, all of it at most {MaxValuesPerRow:N0} values")
            : null;

    /// <summary>
    /// Refuses, before anything is allocated, a network a model file could not hold: too many layers, a size above
    /// <see cref="MaxExtent"/>, too many values per row or per unfolded image, or too many for <paramref name="rows"/> rows at once.
    /// A layer that does not fit its input is left to the builder, which names the shapes.
    /// </summary>
    /// <exception cref="NetworkDefinitionException">Names the layer (1-based, as listed, dropout included) and the ceiling.</exception>
    public static void Check(IReadOnlyList<LayerDefinition> layers, Shape input, int rows)
    {
        Totals totals = CheckModel(layers, input, out string last);
        if (totals.ValuesPerRow * rows > MaxBatchValues)
        {
            throw new NetworkDefinitionException(string.Create(CultureInfo.InvariantCulture,
                $"{last}: the layers up to it take {totals.ValuesPerRow:N0} values per image, too many for {rows:N0} images at once (at most {MaxBatchValues:N0} values in one pass); use at most {MaxRows(totals.ValuesPerRow):N0} rows at once"));
        }
    }

    /// <summary>
    /// The ceilings that do not depend on how many rows run at once, checked first, since no batch size can help a network
    /// that breaks them: <see cref="Check"/> without its rows. Returns the sums over the layers (values per row, stored values).
    /// </summary>
    /// <param name="last">The last layer checked, in the words refusals use ("layer 3 (dense 10) gets 128 inputs (a flat vector)").</param>
    /// <exception cref="NetworkDefinitionException">Names the layer (1-based, as listed, dropout included) and the ceiling.</exception>
    public static Totals CheckModel(IReadOnlyList<LayerDefinition> layers, Shape input, out string last)
    {
        ArgumentNullException.ThrowIfNull(layers);
        int storedLayers = layers.Count(l => l.Kind != LayerKind.Dropout);
        if (storedLayers > MaxLayers)
        {
            throw Refused($"the network has {storedLayers:N0} layers besides dropout, more than {MaxLayers:N0}");
        }

        if (ShapeProblem(input) is { } inputProblem)
        {
            throw Refused($"its {input} inputs are too large; a model's shapes keep to {inputProblem}");
        }

        var totals = default(Totals);
        Shape shape = input;
        last = "the network";
        for (int i = 0; i < layers.Count; i++)
        {
            LayerDefinition layer = layers[i];
            string where = string.Create(CultureInfo.InvariantCulture, $"layer {i + 1} ({layer}) gets {NetworkPlan.Describe(shape)}");
            string? ceiling;
            Shape output;
            try
            {
                ceiling = Step(layer, shape, ref totals, out output);
            }
            catch (ArgumentException)
            {
                // A layer that does not fit its input is the builder's to report, with the shapes.
                return totals;
            }

            if (ceiling is not null)
            {
                throw Refused($"{where}: {ceiling}");
            }

            last = where;
            shape = output;
        }

        return totals;
    }

    /// <summary>The most rows one forward pass may carry when each takes <paramref name="valuesPerRow"/> values (<see cref="MaxBatchValues"/>).</summary>
    public static int MaxRows(long valuesPerRow) => (int)Math.Min(int.MaxValue, MaxBatchValues / Math.Max(1, valuesPerRow));

    /// <summary>The values a layer stores in a model file: a convolution's or dense layer's weights and biases, batch norm's γ, β and running statistics.</summary>
    public static long StoredValues(LayerDefinition definition, Shape input, Shape output)
    {
        ArgumentNullException.ThrowIfNull(definition);
        return definition.Kind switch
        {
            LayerKind.Conv => ((long)output.Channels * input.Channels * definition.KernelHeight * definition.KernelWidth) + output.Channels,
            LayerKind.Dense => ((long)input.Size * output.Size) + output.Size,
            LayerKind.BatchNorm => 4L * input.Channels,
            LayerKind.MaxPool or LayerKind.AvgPool or LayerKind.Dropout or LayerKind.Activation or LayerKind.Flatten => 0,

            // Counted 0, a new kind's weights would pass the model-file ceiling unseen.
            _ => throw new NotSupportedException($"NetworkLimits.StoredValues does not count a {definition.Kind} layer's values; add its case (docs/contributing.md)"),
        };
    }

    /// <summary>True when a convolution's or pooling's input, window, stride, padding or filter count is above <see cref="MaxExtent"/>.</summary>
    public static bool ExceedsExtent(LayerDefinition definition, Shape input)
    {
        ArgumentNullException.ThrowIfNull(definition);
        if (definition.Kind is not (LayerKind.Conv or LayerKind.MaxPool or LayerKind.AvgPool))
        {
            return false;
        }

        int[] extents = [input.Height, input.Width, definition.KernelHeight, definition.KernelWidth, definition.Stride ?? 1, definition.Padding];
        return extents.Any(e => e > MaxExtent) || (definition.Kind == LayerKind.Conv && definition.Size > MaxExtent);
    }

    private static NetworkDefinitionException Refused(FormattableString problem) => new(string.Create(CultureInfo.InvariantCulture,
        $"{problem.ToString(CultureInfo.InvariantCulture)}, the most a ScratchNet model file holds, so evaluate, predict and export could not load what training would save"));

    private static Window2D Window(LayerDefinition definition, Shape input, int stride, int padding)
    {
        try
        {
            return new(input.Channels, input.Height, input.Width, definition.KernelHeight, definition.KernelWidth, stride, padding);
        }
        catch (ArgumentException e) when (input.IsFlat)
        {
            // A flat vector reaches a window only after flatten or dense, which is rarely what the author meant.
            throw new ArgumentException($"{NetworkBuilder.FirstSentence(e.Message)}: it gets a flat vector, and convolutions and pooling slide over images; move it before flatten and the dense layers", e);
        }
    }
}
