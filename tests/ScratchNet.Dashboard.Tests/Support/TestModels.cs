using ScratchNet.Models;
using ScratchNet.Training.Results;
using ScratchNet.Training.Reports;

namespace ScratchNet.Dashboard.Tests.Support;

/// <summary>Models and run folders made by hand, so a test knows exactly what the dashboard must show.</summary>
internal static class TestModels
{
    public const int VerticalClass = 1;
    public const int HorizontalClass = 4;

    /// <summary>
    /// A 784 → 2 → 10 ReLU network that reads strokes: hidden unit 0 sums the ink of a thin column above and below the
    /// centre (a vertical stroke, once preprocessed, covers it), unit 1 a thin row left and right of it (a horizontal
    /// stroke). Class 1 scores unit 0 minus unit 1, class 4 the reverse, every other class 0.
    /// </summary>
    public static SavedModel StrokeModel()
    {
        var w0 = new float[784 * 2];
        for (int r = 0; r < 28; r++)
        {
            for (int c = 0; c < 28; c++)
            {
                bool centre = Math.Abs(r - 13.5) < 5 && Math.Abs(c - 13.5) < 5;
                if (!centre && c is >= 11 and <= 16 && r is >= 3 and <= 24)
                {
                    w0[(((r * 28) + c) * 2) + 0] = 1f;
                }

                if (!centre && r is >= 11 and <= 16 && c is >= 3 and <= 24)
                {
                    w0[(((r * 28) + c) * 2) + 1] = 1f;
                }
            }
        }

        var w1 = new float[2 * 10];
        w1[(0 * 10) + VerticalClass] = 1f;
        w1[(1 * 10) + VerticalClass] = -1f;
        w1[(0 * 10) + HorizontalClass] = -1f;
        w1[(1 * 10) + HorizontalClass] = 1f;
        return new SavedModel(
            [new LayerSpec(LayerSpec.Dense, "dense0", 784, 2), new LayerSpec(LayerSpec.Activation, "relu0", 2, 2, "relu"), new LayerSpec(LayerSpec.Dense, "dense1", 2, 10)],
            [new NamedTensor("dense0.weight", [784, 2], w0), new NamedTensor("dense0.bias", [2], new float[2]), new NamedTensor("dense1.weight", [2, 10], w1), new NamedTensor("dense1.bias", [10], new float[10])],
            new Dictionary<string, string> { ["Model:LayerSizes"] = "784,2,10", ["Model:Activation"] = "relu" },
            null);
    }

    public static string SaveStrokeModel(string path)
    {
        ModelFile.Save(StrokeModel(), path, ModelFormat.Native);
        return path;
    }

    /// <summary>A run folder with a history.json of <paramref name="epochs"/> epochs whose validation accuracy climbs from <paramref name="firstAccuracy"/>.</summary>
    public static string WriteRun(string runs, string id, int epochs, double firstAccuracy, bool withModel = false, string? configJson = null)
    {
        string folder = Path.Combine(runs, id);
        Directory.CreateDirectory(folder);
        EpochMetrics[] history = [.. Enumerable.Range(1, epochs).Select(e => new EpochMetrics(
            e, 1.0 / e, 1.2 / e, Math.Min(0.99, firstAccuracy + (0.02 * (e - 1))), 0.2, 0.05, TrainAccuracy: firstAccuracy, LearningRate: 0.003))];
        File.WriteAllText(Path.Combine(folder, "history.json"), History.ToJson(history));
        if (withModel)
        {
            SaveStrokeModel(Path.Combine(folder, "model.snm"));
        }

        if (configJson is not null)
        {
            File.WriteAllText(Path.Combine(folder, "config.json"), configJson);
        }

        return folder;
    }
}
