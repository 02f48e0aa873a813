using System.Globalization;
using ScottPlot;
using ScratchNet.Core.Metrics;
using ScratchNet.Training.Metrics;

namespace ScratchNet.Host.Reports;

/// <summary>The run's charts, drawn with ScottPlot and returned as PNG bytes (the caller decides where they go).</summary>
public static class Plots
{
    public const int Width = 900;

    public const int Height = 560;

    /// <summary>Train and validation loss per epoch.</summary>
    public static byte[] LossCurves(IReadOnlyList<EpochMetrics> history)
    {
        ArgumentNullException.ThrowIfNull(history);
        var plot = new Plot();
        double[] epochs = history.Select(h => (double)h.Epoch).ToArray();
        plot.Add.Scatter(epochs, history.Select(h => h.TrainLoss).ToArray()).LegendText = "train";
        plot.Add.Scatter(epochs, history.Select(h => h.ValidationLoss).ToArray()).LegendText = "validation";
        plot.Title("Cross-entropy loss");
        plot.XLabel("epoch");
        plot.YLabel("loss");
        plot.ShowLegend(Alignment.UpperRight);
        return Png(plot, Width, Height);
    }

    /// <summary>Validation accuracy per epoch.</summary>
    public static byte[] AccuracyCurve(IReadOnlyList<EpochMetrics> history)
    {
        ArgumentNullException.ThrowIfNull(history);
        var plot = new Plot();
        plot.Add.Scatter(history.Select(h => (double)h.Epoch).ToArray(), history.Select(h => h.ValidationAccuracy).ToArray()).LegendText = "validation";
        plot.Title("Validation accuracy");
        plot.XLabel("epoch");
        plot.YLabel("accuracy");
        plot.ShowLegend(Alignment.LowerRight);
        return Png(plot, Width, Height);
    }

    /// <summary>
    /// The confusion matrix as a heatmap, true class down, predicted across, each cell labelled with its count.
    /// The colour is the share of the true class's rows (the row-normalised matrix), so rare classes stay visible.
    /// </summary>
    public static byte[] ConfusionHeatmap(ConfusionMatrix matrix, IReadOnlyList<string> classNames)
    {
        ArgumentNullException.ThrowIfNull(matrix);
        ArgumentNullException.ThrowIfNull(classNames);
        int k = matrix.Classes;
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
            }
        }

        var plot = new Plot();
        var heatmap = plot.Add.Heatmap(shares);
        heatmap.Colormap = new ScottPlot.Colormaps.Viridis();

        // The extent places the outer cells' centres (cells are centred on their data points), so cell (a, p)
        // spans [p, p+1] × [k−a−1, k−a]: row 0 (the first true class) at the top, as the text table prints it.
        heatmap.Extent = new CoordinateRect(0.5, k - 0.5, 0.5, k - 0.5);
        plot.Add.ColorBar(heatmap).Label = "share of the true class";
        for (int a = 0; a < k; a++)
        {
            for (int p = 0; p < k; p++)
            {
                var text = plot.Add.Text(matrix[a, p].ToString(CultureInfo.InvariantCulture), p + 0.5, k - a - 0.5);
                text.LabelAlignment = Alignment.MiddleCenter;
                text.LabelFontSize = k > 12 ? 9 : 12;
                text.LabelFontColor = shares[a, p] > 0.5 ? Colors.Black : Colors.White;
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
        plot.Title("Confusion matrix (validation)");
        plot.XLabel("predicted");
        plot.YLabel("true");
        return Png(plot, 820, 760);
    }

    private static byte[] Png(Plot plot, int width, int height) => plot.GetImageBytes(width, height, ImageFormat.Png);
}
