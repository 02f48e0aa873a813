using System.Globalization;
using Microsoft.Extensions.Logging;
using ScratchNet.Core.Layers;
using ScratchNet.Core.Losses;
using ScratchNet.Core.Metrics;
using ScratchNet.Data;
using ScratchNet.Data.Imaging;
using ScratchNet.Files;
using ScratchNet.Models;

namespace ScratchNet.Host.Commands;

/// <summary>Classifies image files with a saved model, after preprocessing them the way its dataset's images were made.</summary>
public sealed partial class PredictCommand(ResultWriter results, ILogger<PredictCommand> logger, UserLines? userLines = null) : ICommand
{
    /// <summary>
    /// Below this top probability a reading gets a warning. A model sure of a clean digit gives 0.9 and more; on a picture
    /// unlike its training images it spreads its belief, though it can also be confidently wrong, which only the
    /// picture's own oddities reveal.
    /// </summary>
    public const float LowConfidence = 0.6f;

    public static readonly CommandOption AsIsOption = new("as-is", null, "take images already at the model's input size as they are (light ink on dark, as IDX files hold them), without preparing them");

    public static readonly CommandOption FormatOption = new("format", "text|json|csv", "text (the default): a line per image; json: a JSON object per line; csv: a header and a row per image; json and csv give every probability at full precision");

    public static readonly CommandOption TopOption = new("top", "K", "list the K most likely classes of each image (1 to the model's number of classes), most likely first, ties in class order: in the text line instead of every probability, as a \"top\" array in json, as K column triples (class, name, probability) in csv");

    /// <summary>The ways predict writes its readings (<see cref="FormatOption"/>).</summary>
    public static IReadOnlyList<string> FormatNames { get; } = ["text", "json", "csv"];

    public Task<int> RunAsync(CommandLine commandLine, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(commandLine);
        string modelPath = ModelOption.Require(commandLine, "predict --model runs/20260101-120000-8f3a9c1e/model.snm digit.png");
        // The format first: "--format digit.png", its value left out, takes the image for it, and leaves no image.
        string format = commandLine.Option(FormatOption.Name) ?? "text";
        if (!FormatNames.Contains(format, StringComparer.OrdinalIgnoreCase))
        {
            string leftOut = commandLine.Positionals.Count == 0 ? $" (was its value left out, and {format} taken for it?)" : "";
            throw new UsageException($"--format {format} is no format predict writes{leftOut}; give --format {string.Join(" or --format ", FormatNames)}");
        }

        // Before the images, for the same reason: "--top digit.png" took the image for the number.
        int? top = Top(commandLine);
        if (commandLine.Positionals.Count == 0)
        {
            throw new UsageException("'predict' needs at least one image file, e.g. predict --model model.snm digit.png");
        }

        string? records = string.Equals(format, "text", StringComparison.OrdinalIgnoreCase) ? null : format.ToLowerInvariant();
        (IReadOnlyList<string> images, IReadOnlyList<InputImageException> folderFailures) = Expand(commandLine.Positionals);

        // A bad image is reported on its own line and the others are still classified; the exit code says one failed.
        (float[]?[] _, IReadOnlyList<InputImageException> failures) = Classify(modelPath, images, commandLine.HasOption(AsIsOption.Name), cancellationToken, records, top);
        foreach (InputImageException failure in folderFailures.Concat(failures))
        {
            // As the host's own errors: no Serilog setting may leave exit 6 without its reason.
            (userLines ?? UserLines.Logged).Write(logger, l => LogImageFailed(l, failure.Message));
        }

        return Task.FromResult(folderFailures.Count + failures.Count == 0 ? ExitCodes.Success : ExitCodes.InvalidInput);
    }

    // The number --top asks for, checked as far as it can be without the model: a whole number from 1.
    private static int? Top(CommandLine commandLine)
    {
        if (!commandLine.HasOption(TopOption.Name))
        {
            return null;
        }

        string? text = commandLine.Option(TopOption.Name);
        if (text is null)
        {
            // As the catalog says it of every option, for a caller that ran the command without its check.
            throw new UsageException($"--{TopOption.Name} needs a value: --{TopOption.Name} {TopOption.ValueName}");
        }

        if (!int.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out int top) || top < 1)
        {
            string leftOut = commandLine.Positionals.Count == 0 ? $" (was its value left out, and {text} taken for it?)" : "";
            throw new UsageException($"--top {text} is no number of classes to list{leftOut}; give a whole number from 1 to the model's number of classes, e.g. --top 3");
        }

        return top;
    }

    // A folder stands for the images in it (ImageFolder), each read as if named; what it holds besides is noted, once.
    private (IReadOnlyList<string> Images, IReadOnlyList<InputImageException> Failures) Expand(IReadOnlyList<string> arguments)
    {
        var images = new List<string>();
        var failures = new List<InputImageException>();
        foreach (string argument in arguments)
        {
            if (!Directory.Exists(argument))
            {
                images.Add(argument);
                continue;
            }

            try
            {
                (IReadOnlyList<string> inFolder, IReadOnlyList<string> skipped) = ImageFolder.List(argument);
                images.AddRange(inFolder);
                if (skipped.Count > 0)
                {
                    LogSkipped(logger, ShownName.Of(argument), skipped.Count <= 3 ? string.Join(", ", skipped.Select(ShownName.Of)) : $"{string.Join(", ", skipped.Take(3).Select(ShownName.Of))} and {skipped.Count - 3} more");
                }
            }
            catch (InputImageException e)
            {
                failures.Add(e);
            }
        }

        return (images, failures);
    }

    /// <summary>The most images one forward pass carries; a network's own limit (NetworkLimits.MaxRows) may be lower. Tests lower it to see the passes.</summary>
    internal int RowsPerPass { get; init; } = int.MaxValue;

    /// <returns>One row of class probabilities per image.</returns>
    /// <exception cref="InputImageException">An image cannot be read (the first such one).</exception>
    /// <param name="asIs">Take the images as they are (<see cref="MnistImagePreprocessor.ReadAsIs"/>) instead of preparing them.</param>
    public IReadOnlyList<float[]> Predict(string modelPath, IReadOnlyList<string> images, bool asIs = false)
    {
        (float[]?[] rows, IReadOnlyList<InputImageException> failures) = Classify(modelPath, images, asIs);
        return failures.Count > 0 ? throw failures[0] : [.. rows.Select(r => r!)];
    }

    /// <returns>The probabilities of each readable image (null for the others, in order) and why each other one failed.</returns>
    /// <param name="records">"json" or "csv": write each image's reading, or why it failed, as a record of that format (<see cref="PredictionRecord"/>) instead of a line of text.</param>
    /// <param name="top">List this many of the most likely classes (<see cref="TopClasses"/>) for each image; null: the text line gives every probability, the records none.</param>
    private (float[]?[] Rows, IReadOnlyList<InputImageException> Failures) Classify(string modelPath, IReadOnlyList<string> images, bool asIs, CancellationToken cancellationToken = default, string? records = null, int? top = null)
    {
        ArgumentNullException.ThrowIfNull(images);
        SavedModel model = ModelFile.Load(modelPath);

        // As many images per pass as one pass may carry for this network: any number of images is read, in passes.
        int capacity = Math.Clamp(Math.Min(RowsPerPass, NetworkLimits.MaxRows(model.ValuesPerRow(modelPath))), 1, Math.Max(1, images.Count));
        Sequential network = model.CreateNetwork(capacity, modelPath);
        // An MLP's flat rows are the images its file records (1 × 12 × 20), or, where it records none, a square's pixels.
        ImageField field = ImageField.For(model.Configuration.GetValueOrDefault("Data:Dataset"), model.DataShape)
            ?? throw (network.InputShape.IsFlat
                ? ModelFileException.Model(
                    modelPath,
                    $"takes {network.InputShape} inputs, a flat vector that is no square image, and its file does not record the images' shape (files written before it was recorded, or by another tool), so predict cannot make images into its input",
                    "train it again with this build, which records the shape")
                : ModelFileException.Model(
                    modelPath,
                    $"takes {network.InputShape} inputs, but predict makes grayscale images: one channel, or a flat vector of a square image's pixels",
                    "give a model trained on grayscale images"));
        int features = field.Width * field.Height;
        IReadOnlyList<string>? names = ClassNames(model, network.OutputSize);

        // Before any image is read or any line written, as the other refusals of the command line.
        if (top > network.OutputSize)
        {
            throw new UsageException($"--top {top} asks for more classes than the model {ShownName.Of(modelPath)} has ({network.OutputSize}); give --top 1 to --top {network.OutputSize}");
        }

        var inputs = new List<(int Index, PreparedImage Image)>(images.Count);
        var failures = new List<InputImageException>();
        var failed = new InputImageException?[images.Count];
        foreach ((string image, int i) in images.Select((image, i) => (image, i)))
        {
            // Reading and preparing the images is most of predict's time: Ctrl+C is honoured between them, before any result.
            cancellationToken.ThrowIfCancellationRequested();
            try
            {
                inputs.Add((i, asIs ? MnistImagePreprocessor.ReadAsIs(image, field) : MnistImagePreprocessor.Read(image, field)));
            }
            catch (InputImageException e)
            {
                failures.Add(e);
                failed[i] = e;
            }
        }

        var rows = new float[]?[images.Count];
        int n = inputs.Count;
        if (n == 0)
        {
            WriteRecords(records, images, rows, failed, [], names, network.OutputSize, top ?? 0);
            return (rows, failures);
        }

        var x = new float[n * features];
        for (int k = 0; k < n; k++)
        {
            inputs[k].Image.Pixels.CopyTo(x, k * features);
        }

        int classes = network.OutputSize;
        var logits = new float[n * classes];
        for (int start = 0; start < n; start += capacity)
        {
            int m = Math.Min(capacity, n - start);
            network.Forward(x.AsMemory(start * features, m * features), m).AsSpan(0, m * classes).CopyTo(logits.AsSpan(start * classes));
        }

        // A stop during the forward pass (seconds for many images on a big network) still ends without a result.
        cancellationToken.ThrowIfCancellationRequested();
        var probabilities = new float[n * classes];
        Softmax.Forward(logits.AsSpan(0, n * classes), probabilities, n, classes);

        // An overflowing model's NaN probabilities would still name a class (the argmax of NaNs is 0): no reading is
        // printed, for these images or the others, since the model itself is bad.
        string[] nonFinite = [.. Enumerable.Range(0, n).Where(k => !AllFinite(probabilities.AsSpan(k * classes, classes))).Select(k => images[inputs[k].Index])];
        if (nonFinite.Length > 0)
        {
            throw NonFiniteOutputs.Refusal(modelPath, network, nonFinite.Length <= 3 ? string.Join(", ", nonFinite) : $"{string.Join(", ", nonFinite.Take(3))} and {nonFinite.Length - 3} more of the {n} images");
        }

        // From here the readings and their warnings are written whole, whatever stop comes (the answer to it says so);
        // a stop before this point ends predict without them.
        results.BeginResults();
        var predicted = new int[n];
        Accuracy.ArgMax(probabilities, predicted, n, classes);
        var doubts = new string?[images.Count];
        for (int k = 0; k < n; k++)
        {
            float[] row = probabilities[(k * classes)..((k + 1) * classes)];
            int index = inputs[k].Index;
            rows[index] = row;
            doubts[index] = Doubt(inputs[k].Image.Oddities, row[predicted[k]]);
            if (records is null)
            {
                // --top ranks a few classes by name for a person; without it every probability, by number, for a script.
                string all = top is { } count
                    ? $"top {count}: {string.Join(", ", TopClasses.Of(row, count).Select(c => string.Create(CultureInfo.InvariantCulture, $"{Label(names, c)} {row[c]:F4}")))}"
                    : string.Join(" ", row.Select((p, c) => string.Create(CultureInfo.InvariantCulture, $"{c}:{p:F4}")));
                results.WriteLine(string.Create(CultureInfo.InvariantCulture, $"{ShownName.Of(images[index])}: {Label(names, predicted[k])} (p={row[predicted[k]]:F4})  {all}"));
            }

            if (doubts[index] is { } doubt)
            {
                LogDoubt(logger, ShownName.Of(images[index]), doubt);
            }
        }

        WriteRecords(records, images, rows, failed, doubts, names, classes, top ?? 0);
        return (rows, failures);
    }

    // Every image in the order given, a reading or why it failed, so a script pairs each record with its image.
    private void WriteRecords(string? records, IReadOnlyList<string> images, float[]?[] rows, InputImageException?[] failed, string?[] doubts, IReadOnlyList<string>? names, int classes, int top)
    {
        if (records is null)
        {
            return;
        }

        bool csv = records == "csv";
        if (csv)
        {
            results.WriteLine(PredictionRecord.CsvHeader(classes, top));
        }

        for (int i = 0; i < images.Count; i++)
        {
            string? doubt = i < doubts.Length ? doubts[i] : null;
            results.WriteLine(rows[i] is { } row
                ? csv ? PredictionRecord.CsvReading(images[i], row, names, doubt, top) : PredictionRecord.Reading(images[i], row, names, doubt, top)
                : csv ? PredictionRecord.CsvFailure(images[i], failed[i]!.Message, classes, top) : PredictionRecord.Failure(images[i], failed[i]!.Message));
        }
    }

    private static bool AllFinite(ReadOnlySpan<float> values)
    {
        foreach (float v in values)
        {
            if (!float.IsFinite(v))
            {
                return false;
            }
        }

        return true;
    }

    /// <summary>One sentence on why a reading may be wrong and what to try, or null when nothing looked odd.</summary>
    public static string? Doubt(IReadOnlyList<PreparedImage.Oddity> oddities, float probability)
    {
        ArgumentNullException.ThrowIfNull(oddities);
        List<PreparedImage.Oddity> all = [.. oddities];
        if (probability < LowConfidence)
        {
            all.Add(new(string.Create(CultureInfo.InvariantCulture, $"the model is unsure (p={probability:F2})"), "crop closer to one digit and photograph it in even light"));
        }

        return all.Count == 0 ? null : $"this reading may be wrong: {string.Join("; ", all.Select(o => o.What))}. Try: {string.Join("; ", all.Select(o => o.Advice).Distinct())}";
    }

    // The dataset's names for the model's classes (Fashion-MNIST's, or an IDX set's Data:ClassNames), or null.
    private static IReadOnlyList<string>? ClassNames(SavedModel model, int classes)
    {
        IReadOnlyList<string>? names = DatasetCatalog.ClassNames(model.Configuration.GetValueOrDefault("Data:Dataset"), model.Configuration.GetValueOrDefault("Data:ClassNames"));
        return names?.Count == classes ? names : null;
    }

    // "7" for a digit, "Dress (3)" where the class has a name of its own.
    private static string Label(IReadOnlyList<string>? names, int index)
    {
        string number = index.ToString(CultureInfo.InvariantCulture);
        return names is null || names[index] == number ? number : $"{names[index]} ({number})";
    }

    [LoggerMessage(Level = LogLevel.Error, Message = "{Reason}")]
    private static partial void LogImageFailed(ILogger logger, string reason);

    [LoggerMessage(Level = LogLevel.Warning, Message = "{Folder}: left out {Skipped}: only a folder's image files (by their names: .png, .jpg, …) are read, not its subfolders")]
    private static partial void LogSkipped(ILogger logger, string folder, string skipped);

    [LoggerMessage(Level = LogLevel.Warning, Message = "{Image}: {Doubt}")]
    private static partial void LogDoubt(ILogger logger, string image, string doubt);
}
