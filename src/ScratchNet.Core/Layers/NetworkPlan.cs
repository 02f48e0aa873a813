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

    /// <summary>Checks every layer in order, starting at <paramref name="input"/>; returns the values the layers' arrays hold in all.</summary>
    /// <param name="stateArrays">Arrays the size of each parameter that an optimizer keeps beside its weight and gradient (Adam's two moments), counted in the total.</param>
    /// <exception cref="NetworkDefinitionException">A layer does not fit the shape it gets, or one of its arrays would exceed a limit; the message names the layer (1-based) and the limit.</exception>
    public static long Check(IReadOnlyList<LayerDefinition> layers, Shape input, int capacity, int threads, int stateArrays = 0)
    {
        long total = 0;
        Shape shape = input;
        var windows = new Window2D?[layers.Count];
        for (int i = 0; i < layers.Count; i++)
        {
            var step = new Step(layers[i], i + 1, shape, capacity, threads, stateArrays);
            shape = step.Layer();
            windows[i] = step.Window;
            if (i >= 2 && IsFusedBlock(layers, i - 2))
            {
                step.Scratch("fused conv → relu → maxpool block's scratch", ConvReluMaxPool.ScratchPerThread(layers[i - 2].Size, windows[i - 2]!.Value, windows[i]!.Value));
            }

            total += step.Total;
        }

        return total;
    }

    /// <summary>"784 inputs (a flat vector)" or "1 × 28 × 28 inputs", as refusals describe what a layer gets.</summary>
    public static string Describe(Shape shape) => shape.IsFlat ? $"{shape.Size} inputs (a flat vector)" : $"{shape} inputs";

    // As ConvReluMaxPoolBlock.At finds them among the built layers.
    private static bool IsFusedBlock(IReadOnlyList<LayerDefinition> layers, int i) =>
        i + 2 < layers.Count && layers[i].Kind == LayerKind.Conv && layers[i + 1] is { Kind: LayerKind.Activation, Activation: "relu" } && layers[i + 2].Kind == LayerKind.MaxPool;

    // One layer: its output shape and arrays, each checked as it is worked out.
    private sealed class Step(LayerDefinition d, int position, Shape shape, int capacity, int threads, int stateArrays)
    {
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
                    Rows("output", output.Size);
                    Rows("input gradient", shape.Size);
                    Scratch("scratch", Conv2DLowered.ScratchPerThread(d.Size, conv));
                    Array("gradient partial sums", (Conv2DLowered.Groups(capacity) - 1L) * ((d.Size * patch) + d.Size), $"for {capacity} rows", "use fewer rows per pass (a smaller batch) or make the layer smaller");
                    break;
                case LayerKind.MaxPool or LayerKind.AvgPool:
                    Rows("output", output.Size, arrays: d.Kind == LayerKind.MaxPool ? 2 : 1); // max pooling keeps where each maximum sat
                    Rows("input gradient", shape.Size);
                    break;
                case LayerKind.BatchNorm:
                    Parameter(shape.Channels);
                    Parameter(shape.Channels);
                    Rows("output", shape.Size, arrays: 3); // and the normalised input and the input gradient
                    break;
                case LayerKind.Dropout or LayerKind.Activation:
                    Rows("output", shape.Size, arrays: 3); // and the mask or the input gradient
                    break;
                case LayerKind.Flatten:
                    Rows("output", shape.Size);
                    break;
                case LayerKind.Dense:
                    Parameter((long)shape.Size * d.Size);
                    Parameter(d.Size);
                    Rows("output", d.Size);
                    Rows("input gradient", shape.Size);
                    break;
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

        private void Rows(string what, long rowValues, int arrays = 1)
        {
            Array(what, capacity * rowValues, $"for {capacity} rows", "use fewer rows per pass (a smaller batch) or make the layer smaller");
            Total += (arrays - 1) * capacity * rowValues;
        }

        private void Array(string what, long values, string scope, string remedy)
        {
            if (values > System.Array.MaxLength)
            {
                throw Refusal($"its {what}{(scope.Length > 0 ? " " + scope : string.Empty)} would take {Number(values)} values, more than one array holds ({Number(System.Array.MaxLength)}); {remedy}");
            }

            Total += values;
        }

        private NetworkDefinitionException Refusal(string problem) => new($"layer {position} ({d}) gets {Describe(shape)}: {problem}");

        private static string Number(long value) => value.ToString("N0", CultureInfo.InvariantCulture);
    }
}
