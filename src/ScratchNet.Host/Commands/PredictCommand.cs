using System.Globalization;
using Microsoft.Extensions.Logging;
using ScratchNet.Core.Layers;
using ScratchNet.Core.Losses;
using ScratchNet.Core.Metrics;
using ScratchNet.Data.Imaging;
using ScratchNet.Models;

namespace ScratchNet.Host.Commands;

/// <summary>Classifies image files with a saved model, after MNIST-style preprocessing.</summary>
public sealed partial class PredictCommand(ILogger<PredictCommand> logger) : ICommand
{
    public Task<int> RunAsync(CommandLine commandLine, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(commandLine);
        string modelPath = ModelOption.Require(commandLine, "predict --model runs/20260101-120000/model.snm digit.png");
        if (commandLine.Positionals.Count == 0)
        {
            throw new UsageException("'predict' needs at least one image file, e.g. predict --model model.snm digit.png");
        }

        Predict(modelPath, commandLine.Positionals);
        return Task.FromResult(ExitCodes.Success);
    }

    /// <returns>One row of class probabilities per image.</returns>
    public IReadOnlyList<float[]> Predict(string modelPath, IReadOnlyList<string> images)
    {
        ArgumentNullException.ThrowIfNull(images);
        SavedModel model = ModelFile.Load(modelPath);
        int n = images.Count;
        Sequential network = model.CreateNetwork(n, modelPath);
        const int Features = MnistImagePreprocessor.Side * MnistImagePreprocessor.Side;
        if (network.InputSize != Features || !(network.InputShape.IsFlat || network.InputShape == new Shape(1, MnistImagePreprocessor.Side, MnistImagePreprocessor.Side)))
        {
            throw new ModelFileException($"The model {modelPath} takes {network.InputShape} inputs, but predict makes 1 × 28 × 28 grayscale images ({Features} pixels).");
        }

        // Every image is read before any prediction is printed, so a bad file fails the command as a whole.
        var x = new float[n * Features];
        for (int i = 0; i < n; i++)
        {
            MnistImagePreprocessor.Load(images[i]).CopyTo(x, i * Features);
        }

        int classes = network.OutputSize;
        float[] logits = network.Forward(x, n);
        var probabilities = new float[n * classes];
        Softmax.Forward(logits.AsSpan(0, n * classes), probabilities, n, classes);
        var predicted = new int[n];
        Accuracy.ArgMax(probabilities, predicted, n, classes);
        var rows = new List<float[]>(n);
        for (int i = 0; i < n; i++)
        {
            float[] row = probabilities[(i * classes)..((i + 1) * classes)];
            rows.Add(row);
            string all = string.Join(" ", row.Select((p, c) => string.Create(CultureInfo.InvariantCulture, $"{c}:{p:F4}")));
            LogPrediction(logger, images[i], predicted[i], row[predicted[i]], all);
        }

        return rows;
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "{Image}: {Class} (p={Probability:F4})  {Probabilities}")]
    private static partial void LogPrediction(ILogger logger, string image, int @class, float probability, string probabilities);
}
