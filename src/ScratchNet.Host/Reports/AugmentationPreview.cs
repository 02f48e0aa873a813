using System.Globalization;
using Microsoft.Extensions.Logging;
using SkiaSharp;
using ScratchNet.Core.Layers;
using ScratchNet.Data;
using ScratchNet.Data.Augmentation;
using ScratchNet.Training.Callbacks;
using ScratchNet.Training.Reports;

using ScratchNet.Files;
using ScratchNet.Host.Runs;
using ScratchNet.Data.Splits;

namespace ScratchNet.Host.Reports;

/// <summary>
/// When training starts with <c>Data:Augment</c> on, logs the settings and writes augmented.png to the run folder:
/// the first training image of each class, in class order (the first <see cref="MaxExamples"/> classes of a larger set),
/// beside what the network sees of it in the
/// first <see cref="Epochs"/> epochs — the very transforms training will draw. A picture that cannot be drawn logs one
/// warning and training goes on; one the file system cannot write stops training (exit 8), as every failed write does.
/// </summary>
public sealed partial class AugmentationPreview(RunFolder folder, ILogger<AugmentationPreview> logger) : ITrainingCallback
{
    public const string FileName = "augmented.png";

    /// <summary>The most classes shown, one row each: enough for MNIST's ten or EMNIST's 26 letters on one screen.</summary>
    public const int MaxExamples = 26;

    public const int Epochs = 6;

    private const int Scale = 3;
    private const int Padding = 8;
    private const int Header = 48;
    private const int TitleLine = 18;
    private const int LabelWidth = 70;

    public void OnTrainBegin(TrainingContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        if (context.Augmenter is not { } augmenter)
        {
            return;
        }

        AugmentationOptions o = augmenter.Options;
        if (o.Elastic)
        {
            LogSettingsElastic(logger, o.MaxShift, o.MaxRotationDegrees, o.ScaleRange, o.ElasticAlpha, o.ElasticSigma, FileName);
        }
        else
        {
            LogSettings(logger, o.MaxShift, o.MaxRotationDegrees, o.ScaleRange, FileName);
        }

        try
        {
            AtomicFile.WriteAllBytes(Path.Combine(folder.Path, FileName), Draw(augmenter, context.Dataset.Train, context.Dataset.ClassNames), createFolder: false);
        }
        catch (Exception e) when (e is not FileWriteException)
        {
            // A picture that cannot be drawn (a native library missing, too little memory for it) is not the run's failure.
            LogFailed(logger, FileName, e.Message);
        }
    }

    /// <summary>The picture as PNG bytes: one row per example, the original first, then epochs 1 to <see cref="Epochs"/>.</summary>
    public static byte[] Draw(ImageAugmenter augmenter, DataSplit train, IReadOnlyList<string> classNames)
    {
        ArgumentNullException.ThrowIfNull(augmenter);
        ArgumentNullException.ThrowIfNull(train);
        ArgumentNullException.ThrowIfNull(classNames);
        Shape shape = augmenter.Shape;
        int[] rows = ExampleRows(train);
        int tileWidth = Math.Max(shape.Width * Scale, 56) + Padding;
        int tileHeight = (shape.Height * Scale) + Padding;
        int width = LabelWidth + ((Epochs + 1) * tileWidth) + Padding;

        using SKTypeface typeface = SKTypeface.FromFamilyName("DejaVu Sans") ?? SKTypeface.Default;
        using var titleFont = new SKFont(typeface, 14);
        using var font = new SKFont(typeface, 11);
        AugmentationOptions o = augmenter.Options;
        string[] settings =
        [
            string.Create(CultureInfo.InvariantCulture, $"Augmented training images: shift ±{o.MaxShift} px"),
            string.Create(CultureInfo.InvariantCulture, $"rotation ±{o.MaxRotationDegrees}°"),
            string.Create(CultureInfo.InvariantCulture, $"scale ±{o.ScaleRange}"),
            .. o.Elastic ? [string.Create(CultureInfo.InvariantCulture, $"elastic α={o.ElasticAlpha} σ={o.ElasticSigma}")] : Array.Empty<string>(),
        ];
        IReadOnlyList<string> title = TitleLines(settings, text => titleFont.MeasureText(text), width - (2 * Padding));
        int header = Header + ((title.Count - 1) * TitleLine);

        using var bitmap = new SKBitmap(width, header + (Math.Max(1, rows.Length) * tileHeight) + Padding);
        using var canvas = new SKCanvas(bitmap);
        canvas.Clear(SKColors.White);
        using var ink = new SKPaint { Color = SKColors.Black, IsAntialias = true };
        for (int line = 0; line < title.Count; line++)
        {
            canvas.DrawText(title[line], Padding, TitleLine * (line + 1), SKTextAlign.Left, titleFont, ink);
        }

        for (int c = 0; c <= Epochs; c++)
        {
            canvas.DrawText(c == 0 ? "original" : $"epoch {c}", LabelWidth + (c * tileWidth) + ((tileWidth - Padding) / 2f), header - 8, SKTextAlign.Center, font, ink);
        }

        // The first channel of each image: enough to see what the transforms do.
        int plane = shape.Plane;
        var image = new float[shape.Size];
        for (int i = 0; i < rows.Length; i++)
        {
            int row = rows[i];
            float top = header + (i * tileHeight);
            canvas.DrawText($"{classNames[train.Labels[row]]} (row {row})", Padding, top + (shape.Height * Scale / 2f), SKTextAlign.Left, font, ink);
            train.CopyFeatures(row, 1, image);
            DigitTile.Draw(canvas, image.AsSpan(0, plane), shape.Height, shape.Width, LabelWidth, top, Scale);
            for (int epoch = 1; epoch <= Epochs; epoch++)
            {
                augmenter.Apply(train.PixelRow(row), epoch, row, image);
                DigitTile.Draw(canvas, image.AsSpan(0, plane), shape.Height, shape.Width, LabelWidth + (epoch * tileWidth), top, Scale);
            }
        }

        return PngEncoding.Encode(bitmap);
    }

    /// <summary>The first training row of each class, in class order, for at most <see cref="MaxExamples"/> classes.</summary>
    internal static int[] ExampleRows(DataSplit train) =>
        [.. Enumerable.Range(0, train.Count).DistinctBy(r => train.Labels[r]).OrderBy(r => train.Labels[r]).Take(MaxExamples)];

    /// <summary>The title's parts joined with ", " into as few lines as fit <paramref name="width"/> (a part wider than it alone stays whole).</summary>
    internal static IReadOnlyList<string> TitleLines(IReadOnlyList<string> parts, Func<string, float> measure, float width)
    {
        var lines = new List<string>();
        string line = string.Empty;
        for (int i = 0; i < parts.Count; i++)
        {
            string part = i < parts.Count - 1 ? parts[i] + "," : parts[i];
            string joined = line.Length == 0 ? part : $"{line} {part}";
            if (line.Length > 0 && measure(joined) > width)
            {
                lines.Add(line);
                joined = part;
            }

            line = joined;
        }

        lines.Add(line);
        return lines;
    }

    // Elastic's alpha and sigma only where it is on: "elastic False (alpha 34, sigma 4)" showed settings nothing used.
    [LoggerMessage(Level = LogLevel.Information, Message = "Augmentation on: shift ±{MaxShift} px, rotation ±{MaxRotationDegrees}°, scale ±{ScaleRange}, no elastic distortion; examples in {File}")]
    private static partial void LogSettings(ILogger logger, double maxShift, double maxRotationDegrees, double scaleRange, string file);

    [LoggerMessage(Level = LogLevel.Information, Message = "Augmentation on: shift ±{MaxShift} px, rotation ±{MaxRotationDegrees}°, scale ±{ScaleRange}, elastic distortion alpha {ElasticAlpha} px, sigma {ElasticSigma} px; examples in {File}")]
    private static partial void LogSettingsElastic(ILogger logger, double maxShift, double maxRotationDegrees, double scaleRange, double elasticAlpha, double elasticSigma, string file);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Could not write the picture {Picture}: {Reason}; training goes on")]
    private static partial void LogFailed(ILogger logger, string picture, string reason);
}
