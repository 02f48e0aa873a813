using System.Globalization;
using ScottPlot;
using ScratchNet.Core.Metrics;
using ScratchNet.Training.Results;

namespace ScratchNet.Host.Reports;

/// <summary>
/// The run's charts, drawn with ScottPlot and returned as PNG bytes (the caller decides where they go).
/// <c>heldOut</c> names the rows the model is judged on, "validation" or "test", as titles and legends say it.
/// </summary>
public static class Plots
{
    /// <summary>
    /// Where a train figure sits on the epoch axis relative to its epoch: it is a mean over the epoch's batches while the
    /// network learned, so it is drawn mid-epoch; held-out figures are measured after the epoch and drawn at its end.
    /// The dashboard draws them the same way.
    /// </summary>
    public const double TrainOffset = -0.5;

    public const string TrainLegend = "train (mean over the epoch while learning, drawn mid-epoch)";

    public const int Width = 900;

    public const int Height = 560;

    public const int ConfusionWidth = 820;

    public const int ConfusionHeight = 760;

    /// <summary>Train loss (mid-epoch) and held-out loss (after the epoch) per epoch; <paramref name="logScale"/> draws the loss axis in powers of ten.</summary>
    public static byte[] LossCurves(IReadOnlyList<EpochMetrics> history, string heldOut, bool logScale = false) =>
        Png(LossPlot(history, heldOut, logScale), Width, Height);

    internal static Plot LossPlot(IReadOnlyList<EpochMetrics> history, string heldOut, bool logScale)
    {
        ArgumentNullException.ThrowIfNull(history);
        var plot = new Plot();
        Func<double, double> y = logScale ? Math.Log10 : v => v;
        AddCurve(plot, history, h => h.TrainLoss, y, TrainLegend, TrainOffset);
        AddCurve(plot, history, h => h.ValidationLoss, y, HeldOutLegend(heldOut), 0);
        if (logScale)
        {
            double[] losses = [.. history.SelectMany(h => new[] { h.TrainLoss, h.ValidationLoss }).Where(v => v > 0 && double.IsFinite(v))];
            if (losses.Length > 0)
            {
                plot.Axes.Left.TickGenerator = new ScottPlot.TickGenerators.NumericManual(LogTicks(losses.Min(), losses.Max()));
            }
        }

        EpochTicks(plot);
        EpochRange(plot, history);

        // A loss of exactly 0 has no logarithm: its points are left out, and the title says so rather than hide them.
        int zeros = logScale ? history.Sum(h => (h.TrainLoss <= 0 ? 1 : 0) + (h.ValidationLoss <= 0 ? 1 : 0)) : 0;
        plot.Title(!logScale ? "Cross-entropy loss" : zeros == 0 ? "Cross-entropy loss (log scale)" : $"Cross-entropy loss (log scale; {zeros} points of loss 0 not drawn)");
        plot.XLabel("epoch");
        plot.YLabel("loss");
        plot.ShowLegend(Alignment.UpperRight);
        return plot;
    }

    /// <summary>Train accuracy (a running figure over each epoch's batches, drawn mid-epoch) and held-out accuracy (after the epoch) per epoch.</summary>
    public static byte[] AccuracyCurve(IReadOnlyList<EpochMetrics> history, string heldOut) =>
        Png(AccuracyPlot(history, heldOut), Width, Height);

    internal static Plot AccuracyPlot(IReadOnlyList<EpochMetrics> history, string heldOut)
    {
        ArgumentNullException.ThrowIfNull(history);
        var plot = new Plot();
        AddCurve(plot, history, h => h.TrainAccuracy, v => v, TrainLegend, TrainOffset);
        AddCurve(plot, history, h => h.ValidationAccuracy, v => v, HeldOutLegend(heldOut), 0);
        EpochTicks(plot);
        EpochRange(plot, history);
        AccuracyRange(plot);
        plot.Title($"Accuracy (train and {heldOut})");
        plot.XLabel("epoch");
        plot.YLabel("accuracy");
        plot.ShowLegend(Alignment.LowerRight);
        return plot;
    }

    /// <summary>
    /// The confusion matrix as a heatmap, true class down, predicted across, each cell labelled with its count.
    /// The colour is the cell's share of its true class (the row-normalised matrix), so rare classes stay visible,
    /// on a square-root scale that starts at white: a 1 % confusion is a tenth of the way up and visibly tinted,
    /// where a linear scale would paint it the same as 0 next to a 98 % diagonal.
    /// </summary>
    public static byte[] ConfusionHeatmap(ConfusionMatrix matrix, IReadOnlyList<string> classNames, string heldOut) =>
        Png(ConfusionPlot(matrix, classNames, heldOut), ConfusionWidth, ConfusionHeight);

    internal static Plot ConfusionPlot(ConfusionMatrix matrix, IReadOnlyList<string> classNames, string heldOut)
    {
        ArgumentNullException.ThrowIfNull(matrix);
        ArgumentNullException.ThrowIfNull(classNames);
        int k = matrix.Classes;
        var colour = new double[k, k];
        var shares = new double[k, k];
        for (int a = 0; a < k; a++)
        {
            long total = 0;
            for (int p = 0; p < k; p++)
            {
                total += matrix[a, p];
            }

            for (int p = 0; p < k; p++)
            {
                shares[a, p] = total == 0 ? 0 : (double)matrix[a, p] / total;
                colour[a, p] = Math.Sqrt(shares[a, p]);
            }
        }

        var plot = new Plot();
        var heatmap = plot.Add.Heatmap(colour);
        heatmap.Colormap = new ScottPlot.Colormaps.Reversed(new ScottPlot.Colormaps.Blues());
        heatmap.ManualRange = new ScottPlot.Range(0, 1);

        // The extent places the outer cells' centres (cells are centred on their data points), so cell (a, p)
        // spans [p, p+1] × [k−a−1, k−a]: row 0 (the first true class) at the top, as the text table prints it.
        heatmap.Extent = new CoordinateRect(0.5, k - 0.5, 0.5, k - 0.5);
        var colourBar = plot.Add.ColorBar(heatmap);
        colourBar.Label = "share of the true class (square-root scale)";
        double[] shareTicks = [0, 0.01, 0.05, 0.1, 0.25, 0.5, 0.75, 1];
        colourBar.Axis.TickGenerator = new ScottPlot.TickGenerators.NumericManual(
            [.. shareTicks.Select(Math.Sqrt)], [.. shareTicks.Select(s => s.ToString("0%", CultureInfo.InvariantCulture))]);
        for (int a = 0; a < k; a++)
        {
            for (int p = 0; p < k; p++)
            {
                var text = plot.Add.Text(matrix[a, p].ToString(CultureInfo.InvariantCulture), p + 0.5, k - a - 0.5);
                text.LabelAlignment = Alignment.MiddleCenter;
                text.LabelFontSize = k > 12 ? 9 : 12;
                text.LabelFontColor = colour[a, p] > 0.6 ? Colors.White : Colors.Black;
            }
        }

        double[] centres = Enumerable.Range(0, k).Select(i => i + 0.5).ToArray();
        plot.Axes.Bottom.SetTicks(centres, classNames.ToArray());
        plot.Axes.Left.SetTicks(centres.Reverse().ToArray(), classNames.ToArray());
        if (classNames.Any(n => n.Length > 2))
        {
            // Long names (Fashion-MNIST's "T-shirt/top") are slanted; ScottPlot does not size the axis for rotated
            // labels, so it is given room for the longest one.
            plot.Axes.Bottom.TickLabelStyle.Rotation = 45;
            plot.Axes.Bottom.TickLabelStyle.Alignment = Alignment.MiddleLeft;
            plot.Axes.Bottom.MinimumSize = 30 + (7 * classNames.Max(n => n.Length));
        }

        plot.Axes.SetLimits(0, k, 0, k);
        plot.Title($"Confusion matrix ({heldOut})");
        plot.XLabel("predicted");
        plot.YLabel("true");
        return plot;
    }

    /// <summary>
    /// Major ticks at 1, 2 and 5 times the powers of ten between <paramref name="min"/> and <paramref name="max"/>
    /// (every integer multiple when that gives fewer than three), minor ticks at the other multiples; positions are
    /// log10 of the values, labels the values themselves.
    /// </summary>
    internal static Tick[] LogTicks(double min, double max)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(min);
        ArgumentOutOfRangeException.ThrowIfLessThan(max, min);
        int low = (int)Math.Floor(Math.Log10(min));
        int high = (int)Math.Ceiling(Math.Log10(max));
        var inRange = new List<(double Value, int Multiple)>();
        for (int decade = low; decade <= high; decade++)
        {
            for (int m = 1; m <= 9; m++)
            {
                double value = m * Math.Pow(10, decade);
                if (value >= min * 0.999 && value <= max * 1.001)
                {
                    inRange.Add((value, m));
                }
            }
        }

        bool oneTwoFive = inRange.Count(t => t.Multiple is 1 or 2 or 5) >= 3;
        var ticks = new List<Tick>();
        foreach ((double value, int multiple) in inRange)
        {
            if (!oneTwoFive || multiple is 1 or 2 or 5)
            {
                ticks.Add(Tick.Major(Math.Log10(value), value.ToString("G3", CultureInfo.InvariantCulture)));
            }
            else
            {
                ticks.Add(Tick.Minor(Math.Log10(value)));
            }
        }

        if (inRange.Count == 0)
        {
            // All values inside one step of the 1..9 grid: label the two ends instead.
            ticks.Add(Tick.Major(Math.Log10(min), min.ToString("G3", CultureInfo.InvariantCulture)));
            ticks.Add(Tick.Major(Math.Log10(max), max.ToString("G3", CultureInfo.InvariantCulture)));
        }

        return [.. ticks];
    }

    // A row whose value is unknown (NaN: train accuracy resumed from an old checkpoint) is left out of its curve.
    private static void AddCurve(Plot plot, IReadOnlyList<EpochMetrics> history, Func<EpochMetrics, double> value, Func<double, double> y, string label, double offset)
    {
        EpochMetrics[] known = [.. history.Where(h => double.IsFinite(y(value(h))))];
        if (known.Length == 0)
        {
            return;
        }

        var scatter = plot.Add.Scatter(known.Select(h => h.Epoch + offset).ToArray(), known.Select(h => y(value(h))).ToArray());
        scatter.LegendText = label;
    }

    public static string HeldOutLegend(string heldOut) => $"{heldOut} (after the epoch)";

    // Epochs are whole numbers: no tick at 1.2 or 4.8.
    private static void EpochTicks(Plot plot) =>
        plot.Axes.Bottom.TickGenerator = new ScottPlot.TickGenerators.NumericAutomatic { IntegerTicksOnly = true };

    // The whole run along the x axis, also where a curve has points for only some epochs (losses of 0 on a log scale).
    private static void EpochRange(Plot plot, IReadOnlyList<EpochMetrics> history)
    {
        if (history.Count == 0)
        {
            return;
        }

        plot.Axes.AutoScale();
        AxisLimits drawn = plot.Axes.GetLimits();
        double first = history.Min(h => h.Epoch) + TrainOffset;
        double last = history.Max(h => h.Epoch);
        double margin = Math.Max(0.1, (last - first) * 0.03);
        plot.Axes.SetLimitsX(Math.Min(double.IsFinite(drawn.Left) ? drawn.Left : first, first - margin), Math.Max(double.IsFinite(drawn.Right) ? drawn.Right : last, last + margin));
    }

    // Accuracy lies in [0, 1]: the axis never reaches past it by more than a margin, and a flat curve (1.0 every epoch)
    // gets a band around its value instead of the autoscaler's padding, which drew 1.0 in the middle of 0 to 2.1.
    private static void AccuracyRange(Plot plot)
    {
        double[] values = [.. plot.GetPlottables<ScottPlot.Plottables.Scatter>().SelectMany(s => s.Data.GetScatterPoints()).Select(p => p.Y)];
        if (values.Length == 0)
        {
            plot.Axes.SetLimitsY(0, 1);
            return;
        }

        double low = values.Min(), high = values.Max();
        double margin = Math.Max(0.02, (high - low) * 0.05);
        plot.Axes.SetLimitsY(Math.Max(-0.02, low - margin), Math.Min(1.02, high + margin));
    }

    internal static byte[] Png(Plot plot, int width, int height) => PngEncoding.Render(plot, width, height);
}
