using System.Diagnostics;
using System.Globalization;
using Microsoft.Extensions.Options;
using ScratchNet.Dashboard.Live;
using ScratchNet.Dashboard.Options;
using ScratchNet.Training;
using ScratchNet.Training.Callbacks;
using ScratchNet.Training.Results;
using ScratchNet.Training.Optimizers;
using ScratchNet.Training.Options;

namespace ScratchNet.Benchmarks;

/// <summary>
/// The dashboard's cost measured in pairs, for a machine too noisy for <see cref="DashboardBenchmarks"/>: one run
/// of the reference recipe (random data of MNIST's shape) whose epochs alternate dashboard off and on, so each
/// "on" epoch is compared with the "off" epoch right before it. An epoch's time is its training loop (the
/// per-batch callback included) plus its validation pass plus the dashboard's epoch-end work; a subscribed
/// page reads every update meanwhile. Prints each pair's ratio and the median.
/// <c>dotnet run -c Release --project bench/ScratchNet.Benchmarks -- --dashboard-overhead [pairs]</c>
/// </summary>
public static class DashboardOverhead
{
    /// <summary>Forwards to the dashboard's callback in even epochs only, timing its epoch-end work.</summary>
    private sealed class Alternating(DashboardCallback dashboard) : ITrainingCallback
    {
        private long _inBatchEnd;
        private TimeSpan _cpuAtLastEpoch = Process.GetCurrentProcess().TotalProcessorTime;

        public List<(int Epoch, bool On, double Seconds, double CallbackSeconds, double CpuSeconds)> Epochs { get; } = [];

        private static bool On(int epoch) => epoch % 2 == 0;

        public void OnTrainBegin(TrainingContext context) => dashboard.OnTrainBegin(context);

        public void OnBatchEnd(TrainingContext context, int epoch, int batch, float loss)
        {
            if (On(epoch))
            {
                long start = Stopwatch.GetTimestamp();
                dashboard.OnBatchEnd(context, epoch, batch, loss);
                _inBatchEnd += Stopwatch.GetTimestamp() - start;
            }
        }

        public void OnEpochEnd(TrainingContext context, EpochMetrics metrics)
        {
            double extra = 0;
            if (On(metrics.Epoch))
            {
                long start = Stopwatch.GetTimestamp();
                dashboard.OnEpochEnd(context, metrics);
                extra = Stopwatch.GetElapsedTime(start).TotalSeconds;
            }

            double inCallback = extra + ((double)_inBatchEnd / Stopwatch.Frequency);
            _inBatchEnd = 0;

            // CPU time of the whole process (training, the feed's pump, the page's reader), which other programs on a busy machine do not inflate.
            TimeSpan cpu = Process.GetCurrentProcess().TotalProcessorTime;
            Epochs.Add((metrics.Epoch, On(metrics.Epoch), metrics.TrainSeconds + metrics.EvaluationSeconds + extra, inCallback, (cpu - _cpuAtLastEpoch).TotalSeconds));
            _cpuAtLastEpoch = cpu;
        }
    }

    private static double Median(List<double> values)
    {
        double[] sorted = [.. values.Order()];
        return sorted.Length % 2 == 1 ? sorted[sorted.Length / 2] : (sorted[(sorted.Length / 2) - 1] + sorted[sorted.Length / 2]) / 2;
    }

    public static void Run(int pairs)
    {
        var feed = new LiveFeed();
        feed.Start();
        using Subscription page = feed.Subscribe();
        Task reading = Task.Run(async () =>
        {
            await foreach (SentEvent _ in page.Updates.ReadAllAsync())
            {
            }
        });

        // Epoch 1 carries the JIT warm-up and is left out; then off/on pairs (3, 4), (5, 6), …
        int epochs = 2 + (2 * pairs);
        IOptions<TrainingOptions> training = Options.Create(new TrainingOptions { Epochs = epochs, BatchSize = 32, Seed = 42, EvaluationBatchSize = 1000 });
        IOptions<ModelOptions> model = Options.Create(new ModelOptions { LayerSizes = "784,128,64,10" });
        var alternating = new Alternating(new DashboardCallback(feed, Options.Create(new DashboardOptions { Enabled = true })));
        var trainer = new Trainer(new DashboardBenchmarks.FixedData(DashboardBenchmarks.RandomDataset()), new NetworkFactory(model, training), new Sgd(0.003f), [alternating], training);
        trainer.TrainAsync().GetAwaiter().GetResult();
        feed.CompleteAsync(TimeSpan.FromSeconds(10)).GetAwaiter().GetResult();
        reading.GetAwaiter().GetResult();

        var ratios = new List<double>();
        var cpuRatios = new List<double>();
        var shares = new List<double>();
        for (int e = 3; e + 1 <= epochs; e += 2)
        {
            (_, _, double off, _, double offCpu) = alternating.Epochs.Single(x => x.Epoch == e);
            (_, _, double on, double callback, double onCpu) = alternating.Epochs.Single(x => x.Epoch == e + 1);
            ratios.Add(on / off);
            cpuRatios.Add(onCpu / offCpu);
            shares.Add(callback / on);
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"epochs {e}/{e + 1}: wall off {off:F4} s, on {on:F4} s ({on / off:F4}); CPU off {offCpu:F4} s, on {onCpu:F4} s ({onCpu / offCpu:F4}); in the callback {callback * 1000:F2} ms ({100 * callback / on:F2} %)"));
        }

        Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"garbage collections during the run: gen0 {GC.CollectionCount(0)}, gen1 {GC.CollectionCount(1)}, gen2 {GC.CollectionCount(2)}"));
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"{ratios.Count} pairs: median on/off wall {Median(ratios):F4}, CPU {Median(cpuRatios):F4}; median time in the callback {100 * Median(shares):F2} % of an epoch; updates dropped {feed.Dropped}"));
    }
}
