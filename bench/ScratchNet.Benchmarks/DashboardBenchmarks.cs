using BenchmarkDotNet.Attributes;
using Microsoft.Extensions.Options;
using ScratchNet.Core.Random;
using ScratchNet.Dashboard.Live;
using ScratchNet.Dashboard.Options;
using ScratchNet.Data;
using ScratchNet.Training;
using ScratchNet.Training.Callbacks;
using ScratchNet.Training.Metrics;
using ScratchNet.Training.Optimizers;
using ScratchNet.Training.Options;

namespace ScratchNet.Benchmarks;

/// <summary>
/// The live dashboard's cost: one whole epoch of the reference recipe (56,000 random 784-pixel rows, batch 32,
/// [784, 128, 64, 10], SGD), validation on 14,000 rows included, through the real Trainer, with the dashboard's
/// callback off (the baseline) and on at its default settings, its feed pumping to one subscribed page that
/// reads every update (as an open browser tab does). Target: on ≤ 1.03 × off.
/// </summary>
[MemoryDiagnoser]
public class DashboardBenchmarks
{
    private const int TrainRows = 56_000;
    private const int ValidationRows = 14_000;
    private const int Features = 784;
    private const int Classes = 10;

    private Dataset _dataset = null!;
    private LiveFeed _feed = null!;
    private Subscription _page = null!;
    private Task _reading = null!;

    [Params(false, true)]
    public bool Dashboard { get; set; }

    [GlobalSetup]
    public void Setup()
    {
        _dataset = RandomDataset();
        _feed = new LiveFeed();
        _feed.Start();
        _page = _feed.Subscribe();
        _reading = Task.Run(async () =>
        {
            await foreach (SentEvent _ in _page.Updates.ReadAllAsync())
            {
            }
        });
    }

    [GlobalCleanup]
    public void Cleanup()
    {
        _feed.CompleteAsync(TimeSpan.FromSeconds(10)).GetAwaiter().GetResult();
        _reading.GetAwaiter().GetResult();
        _page.Dispose();
    }

    [Benchmark]
    public TrainingResult Epoch()
    {
        IOptions<TrainingOptions> training = Options.Create(new TrainingOptions { Epochs = 1, BatchSize = 32, Seed = 42, EvaluationBatchSize = 1000 });
        IOptions<ModelOptions> model = Options.Create(new ModelOptions { LayerSizes = "784,128,64,10" });
        ITrainingCallback[] callbacks = Dashboard ? [new DashboardCallback(_feed, Options.Create(new DashboardOptions { Enabled = true }))] : [];
        var trainer = new Trainer(new FixedData(_dataset), new MlpFactory(model, training), new Sgd(0.003f), callbacks, training);
        return trainer.TrainAsync().GetAwaiter().GetResult();
    }

    internal static Dataset RandomDataset()
    {
        var rng = new Xoshiro256(7);
        return new Dataset("random", Split(rng, TrainRows), Split(rng, ValidationRows), [.. Enumerable.Range(0, Classes).Select(c => c.ToString(System.Globalization.CultureInfo.InvariantCulture))]);
    }

    private static DataSplit Split(Xoshiro256 rng, int rows)
    {
        var pixels = new byte[rows * Features];
        for (int i = 0; i < pixels.Length; i++)
        {
            pixels[i] = (byte)rng.NextInt(256);
        }

        var labels = new byte[rows];
        for (int i = 0; i < rows; i++)
        {
            labels[i] = (byte)rng.NextInt(Classes);
        }

        return DataSplit.FromPixels(pixels, labels, Features, Classes);
    }

    internal sealed class FixedData(Dataset dataset) : IDatasetProvider
    {
        public Task<Dataset> LoadAsync(CancellationToken cancellationToken = default) => Task.FromResult(dataset);
    }
}
