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
/// the first training image of each class (up to <see cref="Examples"/>) beside what the network sees of it in the
/// first <see cref="Epochs"/> epochs — the very transforms training will draw. A picture that cannot be drawn logs one
/// warning and training goes on; one the file system cannot write stops training (exit 8), as every failed write does.
/// </summary>
public sealed partial class AugmentationPreview(RunFolder folder, ILogger<AugmentationPreview> logger) : ITrainingCallback
{
    public const string FileName = "augmented.png";

    public const int Examples = 8;

    public const int Epochs = 6;

    private const int Scale = 3;
    private const int Padding = 8;
    private const int Header = 48;
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
        int[] rows = [.. Enumerable.Range(0, train.Count).DistinctBy(r => train.Labels[r]).Take(Examples)];
        int tileWidth = Math.Max(shape.Width * Scale, 56) + Padding;
        int tileHeight = (shape.Height * Scale) + Padding;

        using var bitmap = new SKBitmap(LabelWidth + ((Epochs + 1) * tileWidth) + Padding, Header + (Math.Max(1, rows.Length) * tileHeight) + Padding);
        using var canvas = new SKCanvas(bitmap);
        canvas.Clear(SKColors.White);
        using SKTypeface typeface = SKTypeface.FromFamilyName("DejaVu Sans") ?? SKTypeface.Default;
        using var titleFont = new SKFont(typeface, 14);
        using var font = new SKFont(typeface, 11);
        using var ink = new SKPaint { Color = SKColors.Black, IsAntialias = true };
        AugmentationOptions o = augmenter.Options;
        string title = string.Create(CultureInfo.InvariantCulture, $"Augmented training images: shift ±{o.MaxShift} px, rotation ±{o.MaxRotationDegrees}°, scale ±{o.ScaleRange}")
            + (o.Elastic ? string.Create(CultureInfo.InvariantCulture, $", elastic α={o.ElasticAlpha} σ={o.ElasticSigma}") : string.Empty);
        canvas.DrawText(title, Padding, 18, SKTextAlign.Left, titleFont, ink);
        for (int c = 0; c <= Epochs; c++)
        {
            canvas.DrawText(c == 0 ? "original" : $"epoch {c}", LabelWidth + (c * tileWidth) + ((tileWidth - Padding) / 2f), Header - 8, SKTextAlign.Center, font, ink);
        }

        // The first channel of each image: enough to see what the transforms do.
        int plane = shape.Plane;
        var image = new float[shape.Size];
        for (int i = 0; i < rows.Length; i++)
        {
            int row = rows[i];
            float top = Header + (i * tileHeight);
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

    // Elastic's alpha and sigma only where it is on: "elastic False (alpha 34, sigma 4)" showed settings nothing used.
    [LoggerMessage(Level = LogLevel.Information, Message = "Augmentation on: shift ±{MaxShift} px, rotation ±{MaxRotationDegrees}°, scale ±{ScaleRange}, no elastic distortion; examples in {File}")]
    private static partial void LogSettings(ILogger logger, double maxShift, double maxRotationDegrees, double scaleRange, string file);

    [LoggerMessage(Level = LogLevel.Information, Message = "Augmentation on: shift ±{MaxShift} px, rotation ±{MaxRotationDegrees}°, scale ±{ScaleRange}, elastic distortion alpha {ElasticAlpha} px, sigma {ElasticSigma} px; examples in {File}")]
    private static partial void LogSettingsElastic(ILogger logger, double maxShift, double maxRotationDegrees, double scaleRange, double elasticAlpha, double elasticSigma, string file);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Could not write the picture {Picture}: {Reason}; training goes on")]
    private static partial void LogFailed(ILogger logger, string picture, string reason);
}
