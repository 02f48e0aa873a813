using BenchmarkDotNet.Attributes;
using Microsoft.Extensions.Options;
using ScratchNet.Core.Random;
using ScratchNet.Dashboard.Live;
using ScratchNet.Dashboard.Options;
using ScratchNet.Data;
using ScratchNet.Training;
using ScratchNet.Training.Callbacks;
using ScratchNet.Training.Results;
using ScratchNet.Training.Optimizers;
using ScratchNet.Training.Options;
using ScratchNet.Data.Splits;

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
        var trainer = new Trainer(new FixedData(_dataset), new NetworkFactory(model, training), new Sgd(0.003f), callbacks, training);
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

/// <summary>
/// The dashboard's own work for one reference epoch, without the training it watches: 1,750 OnBatchEnd calls (a
/// loss point every 50, statistics of one step every 500) and the epoch-end work (first-layer tiles, the 256-row
/// probe), on the reference network; and, on the pump's side, serialising that epoch's updates. Compare with
/// <c>TrainingEpochBenchmarks</c> (one epoch's steps) in the same session: the training thread's share is
/// <c>CallbacksOfOneEpoch / Epoch</c>.
/// </summary>
[MemoryDiagnoser]
public class DashboardCallbackBenchmarks
{
    private const int Batches = 1750;

    private LiveFeed _feed = null!;
    private Subscription _page = null!;
    private DashboardCallback _callback = null!;
    private TrainingContext _context = null!;
    private EpochMetrics _metrics = null!;

    [GlobalSetup]
    public void Setup()
    {
        _feed = new LiveFeed();
        _feed.Start();
        _page = _feed.Subscribe();
        Dataset dataset = DashboardBenchmarks.RandomDataset();
        var network = ScratchNet.Core.Layers.Sequential.Mlp([784, 128, 64, 10], "relu", "he_normal", 42, 1000);
        _context = new TrainingContext(network, new Sgd(0.003f), dataset, 100, Batches);
        _metrics = new EpochMetrics(1, 0.5, 0.4, 0.9, 0.17, 0.04, 0.88, 0.003);
        _callback = new DashboardCallback(_feed, Options.Create(new DashboardOptions { Enabled = true }));
        _callback.OnTrainBegin(_context);
    }

    [GlobalCleanup]
    public void Cleanup() => _page.Dispose();

    [Benchmark]
    public void CallbacksOfOneEpoch()
    {
        for (int b = 0; b < Batches; b++)
        {
            _callback.OnBatchEnd(_context, 1, b, 0.5f);
        }

        _callback.OnEpochEnd(_context, _metrics);

        // The page's side is not measured here: drop what the pump delivered so its queue never fills.
        while (_page.Updates.TryRead(out _))
        {
        }
    }
}
