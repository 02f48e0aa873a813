using Microsoft.Extensions.Options;
using Moq;
using ScratchNet.Core.Layers;
using ScratchNet.Core.Random;
using ScratchNet.Data;
using ScratchNet.Training;
using ScratchNet.Training.Callbacks;
using ScratchNet.Training.Optimizers;
using ScratchNet.Training.Options;
using ScratchNet.Data.Splits;

namespace ScratchNet.Dashboard.Tests.Support;

/// <summary>A real trainer on small synthetic 28 × 28 "images": class c lights up a band of rows, with noise.</summary>
internal static class TrainingRig
{
    public const int Classes = 3;

    public static Dataset Images(int trainRows = 240, int validationRows = 60, ulong seed = 4)
    {
        var rng = new Xoshiro256(seed);
        return new Dataset("bands", Split(trainRows, rng), Split(validationRows, rng), ["top", "middle", "bottom"]) { InputShape = new Shape(1, 28, 28) };
    }

    private static DataSplit Split(int rows, Xoshiro256 rng)
    {
        var x = new float[rows * 784];
        var labels = new byte[rows];
        for (int i = 0; i < rows; i++)
        {
            int label = rng.NextInt(Classes);
            labels[i] = (byte)label;
            for (int p = 0; p < 784; p++)
            {
                bool band = (p / 28) / 10 == label;
                x[(i * 784) + p] = Math.Clamp((band ? 0.6f : 0f) + (0.3f * (float)rng.NextGaussian()), 0f, 1f);
            }
        }

        return DataSplit.FromLabels(x, labels, 784, Classes);
    }

    /// <param name="layers">A Model:Layers list (e.g. a small CNN); null for the 784-12-3 MLP.</param>
    public static Trainer Trainer(Dataset dataset, IEnumerable<ITrainingCallback> callbacks, int epochs, float dropout = 0.2f, float learningRate = 0.05f, string[]? layers = null)
    {
        var provider = new Mock<IDatasetProvider>();
        provider.Setup(p => p.LoadAsync(It.IsAny<CancellationToken>())).ReturnsAsync(dataset);
        IOptions<TrainingOptions> training = Microsoft.Extensions.Options.Options.Create(new TrainingOptions { Epochs = epochs, BatchSize = 16, Seed = 3, EvaluationBatchSize = 64 });
        IOptions<ModelOptions> model = Microsoft.Extensions.Options.Options.Create(layers is null
            ? new ModelOptions { LayerSizes = $"784,12,{Classes}", Dropout = dropout }
            : new ModelOptions { Layers = [.. layers] });
        return new Trainer(provider.Object, new NetworkFactory(model, training), new Sgd(learningRate), callbacks, training);
    }
}
