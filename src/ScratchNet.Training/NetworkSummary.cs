using System.Globalization;
using System.Text;
using ScratchNet.Core.Layers;

namespace ScratchNet.Training;

/// <summary>One layer of a <see cref="NetworkSummary"/>.</summary>
/// <param name="Definition">The layer in the grammar of Model:Layers ("conv 16 3x3 pad 1").</param>
/// <param name="Parameters">Trainable values (weights, biases, batch norm's γ and β).</param>
/// <param name="State">Untrained values saved with the model (batch norm's running statistics).</param>
public sealed record LayerSummary(int Index, string Name, string Definition, Shape OutputShape, long Parameters, long State);

/// <summary>A network layer by layer, as Keras's model.summary(): name, definition, output shape and parameter count, with the totals.</summary>
public static class NetworkSummary
{
    public static IReadOnlyList<LayerSummary> Rows(Sequential network)
    {
        ArgumentNullException.ThrowIfNull(network);
        return network.Layers.Select((layer, i) => new LayerSummary(
            i + 1, layer.Name, Describe(layer), layer.OutputShape, layer.Parameters.Sum(p => (long)p.Length), layer.State.Sum(s => (long)s.Length))).ToArray();
    }

    /// <summary>The aligned table: a row for the input, one per layer, and the totals.</summary>
    public static string Format(Sequential network, Shape input)
    {
        IReadOnlyList<LayerSummary> rows = Rows(network);
        int name = Math.Max(5, rows.Max(r => r.Name.Length));
        int definition = Math.Max(10, rows.Max(r => r.Definition.Length));
        int shape = Math.Max(12, rows.Max(r => r.OutputShape.ToString().Length));
        var text = new StringBuilder();
        void Row(string index, string layer, string what, string output, string parameters) =>
            text.Append(index.PadLeft(3)).Append("  ").Append(layer.PadRight(name)).Append("  ").Append(what.PadRight(definition)).Append("  ")
                .Append(output.PadRight(shape)).Append("  ").Append(parameters.PadLeft(11)).AppendLine();

        Row("#", "layer", "definition", "output shape", "parameters");
        Row("0", "input", string.Empty, input.ToString(), "0");
        foreach (LayerSummary r in rows)
        {
            Row(r.Index.ToString(CultureInfo.InvariantCulture), r.Name, r.Definition, r.OutputShape.ToString(), Count(r.Parameters + r.State));
        }

        text.Append(CultureInfo.InvariantCulture, $"total {Count(network.ParameterCount + network.StateCount)} parameters: {Count(network.ParameterCount)} trainable, {Count(network.StateCount)} non-trainable");
        if (network.StateCount > 0)
        {
            text.Append(" (batch norm's running statistics)");
        }

        return text.ToString();
    }

    /// <summary>
    /// The architecture on one line: "784-128-64-10" for an MLP (dense, activation and dropout layers only), the
    /// layers' definitions joined by " → " otherwise.
    /// </summary>
    public static string Compact(Sequential network)
    {
        ArgumentNullException.ThrowIfNull(network);
        return network.Layers.All(l => l is Dense or ActivationLayer or Dropout)
            ? string.Join("-", network.Layers.OfType<Dense>().Select(d => d.InputSize).Append(network.OutputSize))
            : string.Join(" → ", network.Layers.Select(Describe));
    }

    private static string Describe(ILayer layer) => LayerDefinition.TryOf(layer)?.ToString() ?? layer.GetType().Name;

    private static string Count(long value) => value.ToString("N0", CultureInfo.InvariantCulture);
}
