using System.Globalization;
using ScratchNet.Core.Kernels;

namespace ScratchNet.Core.Layers;

/// <summary>
/// What a network of <see cref="LayerDefinition"/>s will take, worked out from the definitions alone before anything is
/// allocated: every layer's output shape and the length of every array its layer (and a fused conv → relu → maxpool block)
/// will hold for <c>capacity</c> rows. <see cref="NetworkBuilder"/> checks the whole network here first, so a network that
/// does not fit is refused at once, naming the layer and the limit, instead of after earlier layers were allocated and
/// initialised, or with an int overflow, or at the first batch.
/// <code>
/// per image: every layer's input, framed input, output, unfolded columns (C·kH·kW · OutH·OutW) and weights ≤ MaxImageValues
/// per array: rows × values of a row, threads × scratch, weights (in · out)                                  ≤ Array.MaxLength
/// </code>
/// The per-image bound keeps the kernels' own sizes (each a sum of at most a dozen of those products: scratch, packed
/// weights, tables) exact in int arithmetic.
/// </summary>
internal static class NetworkPlan
{
    /// <summary>The most values any per-image quantity of a layer may take (64 Mi, 256 MB of floats).</summary>
    public const int MaxImageValues = 1 << 26;

    /// <summary>What a layer holds besides its arrays (the objects, names, lists and small tables), in float values: 4 KiB, a little more than measured.</summary>
    public const int LayerOverhead = 1 << 10;

    /// <summary>Checks every layer in order, starting at <paramref name="input"/>; returns the values the layers' arrays hold in all.</summary>
    /// <param name="stateArrays">Arrays the size of each parameter that an optimizer keeps beside its weight and gradient (Adam's two moments), counted in the total.</param>
    /// <param name="trainingRows">
    /// The most rows a backward pass carries (the training batch; at most <paramref name="capacity"/>, which is then the
    /// evaluation's): gradients and dropout masks are allocated for these rows only (<see cref="RowBuffer{T}"/>). Null: capacity.
    /// </param>
    /// <remarks>
    /// Every array is checked at <paramref name="capacity"/> rows, but counted as the layers really allocate it: outputs for
    /// the forward pass's rows, gradients and masks for the backward pass's, no input gradient for the first layer (nothing
    /// takes it), and a fused conv → relu → maxpool block (as <see cref="ConvReluMaxPoolBlock"/> runs it, image by image)
    /// with its pooled output, where each maximum sat and its scratch, but never the convolution's or the ReLU's outputs.
    /// </remarks>
    /// <param name="fusesBlocks">False: the network will run every layer on its own (<see cref="Sequential.FusesBlocks"/>), so each convolution's and ReLU's outputs are held for the whole batch and counted.</param>
    /// <exception cref="NetworkDefinitionException">A layer does not fit the shape it gets, or one of its arrays would exceed a limit; the message names the layer (1-based) and the limit.</exception>
    public static long Check(IReadOnlyList<LayerDefinition> layers, Shape input, int capacity, int threads, int stateArrays = 0, int? trainingRows = null, bool fusesBlocks = true)
    {
        int backwardRows = Math.Min(trainingRows ?? capacity, capacity);
        long total = 0;
        Shape shape = input;
        var windows = new Window2D?[layers.Count];
        int fusedUntil = -1;
        for (int i = 0; i < layers.Count; i++)
        {
            Fused role = i <= fusedUntil ? (layers[i].Kind == LayerKind.Activation ? Fused.Relu : Fused.Pool) : Fused.None;
            if (role == Fused.None && IsFusedBlock(layers, i) && FusedWindows(layers, i, shape) is { } block && ConvReluMaxPool.Fits(layers[i].Size, block.Conv, block.Pool))
            {
                role = Fused.Conv;
                fusedUntil = i + 2;
            }

            // Every block is built, with its scratch and packed weights, whether or not it runs; run layer by layer, its
            // layers hold their own arrays too.
            var step = new Step(layers[i], i + 1, shape, capacity, backwardRows, threads, stateArrays, fusesBlocks ? role : Fused.None);
            shape = step.Layer();
            windows[i] = step.Window;
            if (role == Fused.Pool)
            {
                Window2D conv = windows[i - 2]!.Value;
                int filters = layers[i - 2].Size;
                step.Scratch("fused conv → relu → maxpool block's scratch", ConvReluMaxPool.ScratchPerThread(filters, conv, windows[i]!.Value));
                step.Count(ConvReluMaxPool.PackedWeightsLength(filters, conv));
            }

            total += step.Total + LayerOverhead;
        }

        return total;
    }

    /// <summary>"784 inputs (a flat vector)" or "1 × 28 × 28 inputs", as refusals describe what a layer gets.</summary>
    public static string Describe(Shape shape) => shape.IsFlat ? $"{shape.Size} inputs (a flat vector)" : $"{shape} inputs";

    private static bool IsFusedBlock(IReadOnlyList<LayerDefinition> layers, int i) =>
        i + 2 < layers.Count && ConvReluMaxPoolBlock.Fuses(layers[i], layers[i + 1], layers[i + 2]);

    // The convolution's and the pooling's windows of the block at i, or null when either does not fit (its step says why).
    private static (Window2D Conv, Window2D Pool)? FusedWindows(IReadOnlyList<LayerDefinition> layers, int i, Shape input)
    {
        if (NetworkLimits.ExceedsExtent(layers[i], input))
        {
            return null;
        }

        try
        {
            Shape convolved = NetworkLimits.OutputOf(layers[i], input, out Window2D? conv);
            if (NetworkLimits.ExceedsExtent(layers[i + 2], convolved))
            {
                return null;
            }

            NetworkLimits.OutputOf(layers[i + 2], convolved, out Window2D? pool);
            return (conv!.Value, pool!.Value);
        }
        catch (ArgumentException)
        {
            return null;
        }
    }

    // A layer's part in a fused conv → relu → maxpool block: its buffers are the block's, not the layer's own.
    private enum Fused
    {
        None,
        Conv,
        Relu,
        Pool,
    }

    // One layer: its output shape and arrays, each checked as it is worked out.
    private sealed class Step(LayerDefinition d, int position, Shape shape, int capacity, int backwardRows, int threads, int stateArrays, Fused role)
    {
        // Nothing takes the first layer's input gradient, so no layer allocates it.
        private readonly bool _first = position == 1;

        public long Total { get; private set; }

        public Window2D? Window { get; private set; }

        public Shape Layer()
        {
            try
            {
                PerImage("input", (long)shape.Channels * shape.Height * shape.Width);
                return Output();
            }
            catch (ArgumentException e)
            {
                // Window2D's and Shape's checks (a window larger than its padded input, a size that is not positive) in the user's terms.
                throw Refusal(NetworkBuilder.FirstSentence(e.Message));
            }
        }

        /// <summary>Threads × <paramref name="perThread"/>, the scratch a kernel holds for every thread of the team.</summary>
        public void Scratch(string what, int perThread) => Array(what, (long)threads * perThread, $"for {threads} threads", "use fewer threads or make the layer smaller");

        /// <summary>Values an array holds that no limit bounds beyond those already checked.</summary>
        public void Count(long values) => Total += values;

        // The shape from the walker every check shares; the arrays the layer will hold for it from its kind.
        private Shape Output()
        {
            Shape output = NetworkLimits.OutputOf(d, shape, out Window2D? window);
            Window = window;
            switch (d.Kind)
            {
                case LayerKind.Conv:
                    Window2D conv = window!.Value;
                    long patch = (long)shape.Channels * d.KernelHeight * d.KernelWidth;
                    PerImage("zero-framed input", shape.Channels * (shape.Height + (2L * d.Padding)) * (shape.Width + (2L * d.Padding)));
                    PerImage("output", (long)d.Size * conv.OutHeight * conv.OutWidth);
                    PerImage("weights (filters × channels × kernel)", d.Size * patch, string.Empty, "a convolution");
                    PerImage("unfolded input (channels × kernel × output positions)", patch * conv.OutHeight * conv.OutWidth);
                    Parameter(d.Size * patch);
                    Parameter(d.Size);

                    // A fused block never holds the convolution's output; its input gradient and partial sums are the block's, of the same size.
                    Forward("output", output.Size, arrays: role == Fused.Conv ? 0 : 1, grows: true);
                    Backward("input gradient", shape.Size);
                    Scratch("scratch", Conv2DLowered.ScratchPerThread(d.Size, conv));
                    Array("gradient partial sums", (Conv2DLowered.Groups(capacity) - 1L) * ((d.Size * patch) + d.Size), $"for {capacity} rows", "use fewer rows per pass (a smaller batch) or make the layer smaller", counted: false);
                    Count(Conv2DLowered.PartialsLength(backwardRows, d.Size, conv));
                    break;
                case LayerKind.MaxPool or LayerKind.AvgPool:
                    // Max pooling keeps where each maximum sat, as the fused block does; the block passes back the convolution's input gradient instead.
                    Forward("output", output.Size, arrays: d.Kind == LayerKind.MaxPool ? 2 : 1, grows: d.Kind == LayerKind.MaxPool);
                    Backward("input gradient", shape.Size, arrays: role == Fused.Pool ? 0 : 1);
                    break;
                case LayerKind.BatchNorm:
                    Parameter(shape.Channels);
                    Parameter(shape.Channels);
                    Count(2L * shape.Channels); // running mean and variance
                    Forward("output", shape.Size, arrays: 2); // and the normalised input
                    Backward("input gradient", shape.Size);
                    break;
                case LayerKind.Dropout:
                    Forward("output", shape.Size);
                    Backward("mask", shape.Size, always: true);
                    Backward("input gradient", shape.Size);
                    break;
                case LayerKind.Activation:
                    Forward("output", shape.Size, arrays: role == Fused.Relu ? 0 : 1, grows: true);
                    Backward("input gradient", shape.Size, arrays: role == Fused.Relu ? 0 : 1);
                    break;
                case LayerKind.Flatten:
                    // Hands on the array before it; only the data's rows, a view into a larger array, are copied.
                    Forward("output", shape.Size, arrays: _first ? 1 : 0, grows: true);
                    break;
                case LayerKind.Dense:
                    Parameter((long)shape.Size * d.Size);
                    Parameter(d.Size);
                    Forward("output", d.Size);
                    Backward("input gradient", shape.Size);
                    break;
                default:
                    // A kind the plan does not know would allocate nothing here and slip past the memory check.
                    throw new NotSupportedException($"NetworkPlan does not count the arrays of a {d.Kind} layer; add its case (docs/contributing.md)");
            }

            return output;
        }

        private void PerImage(string what, long values, string unit = " per image", string taker = "a layer")
        {
            if (values > MaxImageValues)
            {
                throw Refusal($"its {what} would take {Number(values)} values{unit}, more than the {Number(MaxImageValues)} {taker} may take; make the layer smaller (fewer filters, less padding, a smaller kernel or a larger stride)");
            }
        }

        // A weight (or bias), its gradient and the optimizer's arrays beside them.
        private void Parameter(long values)
        {
            Array("weights", values, string.Empty, "make the layer smaller");
            Total += (1 + stateArrays) * values;
        }

        // Arrays of the forward pass's rows: checked and counted for capacity rows. One that grows on use (a RowBuffer) is
        // first allocated for the training batch and again for the larger evaluation chunk; the first stays until the
        // collector frees it, so it is counted too.
        private void Forward(string what, long rowValues, int arrays = 1, bool grows = false)
        {
            Array(what, capacity * rowValues, $"for {capacity} rows", "use fewer rows per pass (a smaller batch) or make the layer smaller", counted: false);
            Total += arrays * (capacity + (grows && backwardRows < capacity ? backwardRows : 0)) * rowValues;
        }

        // Arrays of the backward pass's rows: checked for capacity rows (the layer could be asked for them), counted for the
        // training batch's; an input gradient not at all for the first layer, unless the array is a dropout mask.
        private void Backward(string what, long rowValues, int arrays = 1, bool always = false)
        {
            Array(what, capacity * rowValues, $"for {capacity} rows", "use fewer rows per pass (a smaller batch) or make the layer smaller", counted: false);
            Total += _first && !always ? 0 : arrays * backwardRows * rowValues;
        }

        private void Array(string what, long values, string scope, string remedy, bool counted = true)
        {
            if (values > System.Array.MaxLength)
            {
                throw Refusal($"its {what}{(scope.Length > 0 ? " " + scope : string.Empty)} would take {Number(values)} values, more than one array holds ({Number(System.Array.MaxLength)}); {remedy}");
            }

            Total += counted ? values : 0;
        }

        private NetworkDefinitionException Refusal(string problem) => new($"layer {position} ({d}) gets {Describe(shape)}: {problem}");

        private static string Number(long value) => value.ToString("N0", CultureInfo.InvariantCulture);
    }
}
