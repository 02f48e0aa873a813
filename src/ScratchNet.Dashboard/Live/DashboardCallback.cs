using System.Diagnostics;
using Microsoft.Extensions.Options;
using ScratchNet.Core.Layers;
using ScratchNet.Core.Metrics;
using ScratchNet.Dashboard.Options;
using ScratchNet.Dashboard.Server;
using ScratchNet.Data;
using ScratchNet.Training;
using ScratchNet.Training.Callbacks;
using ScratchNet.Training.Diagnostics;
using ScratchNet.Training.Results;
using ScratchNet.Training.Reports;
using ScratchNet.Data.Splits;

namespace ScratchNet.Dashboard.Live;

/// <summary>
/// Reports training to the <see cref="LiveFeed"/>: a smoothed loss point every few steps, the diagnose statistics of
/// one step every few hundred (both counted over the whole run, see <see cref="ReportingIntervals"/>), and after each
/// epoch its metrics, confusion matrix, worst mistakes, first-layer weights and dead units. It only reads the network (the probe pass runs in evaluation mode, so no random number is drawn):
/// a run gives the same numbers with the dashboard on or off.
/// </summary>
/// <param name="sources">Where the run's folder is: the end names the command that browses it (null: the page says serve).</param>
public sealed class DashboardCallback(LiveFeed feed, IOptions<DashboardOptions> options, DashboardSources? sources = null) : ITrainingCallback
{
    /// <summary>Rows of the held-out split whose activations are measured after each epoch (diagnose uses 1,000; a forward pass of 256 rows costs ~0.3 ms).</summary>
    public const int ProbeRows = 256;

    /// <summary>The most first-layer units drawn as tiles.</summary>
    public const int MaxWeightTiles = 256;

    private readonly Stopwatch _clock = new();
    private bool _enabled;
    private ReportingIntervals _every = new(1, 2);
    private double _rowsPerBatch;
    private long _firstStep;
    private long _totalSteps;
    private double _lossSum;
    private int _lossBatches;
    private double _intervalStart;
    private double _intervalSeconds;
    private (int Epoch, int Batch, long Step) _last;
    private float[][] _before = [];
    private bool _snapshotTaken;
    private ReadOnlyMemory<float> _probe;
    private int _probeRows;

    public void OnTrainBegin(TrainingContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        DashboardOptions o = options.Value;
        _enabled = o.Enabled;
        if (!_enabled)
        {
            return;
        }

        _every = ReportingIntervals.For(o, context.BatchesPerEpoch);
        Dataset dataset = context.Dataset;
        Sequential network = context.Network;
        _rowsPerBatch = (double)dataset.Train.Count / context.BatchesPerEpoch;
        _totalSteps = (long)context.Epochs * context.BatchesPerEpoch;
        _firstStep = (long)context.History.Count * context.BatchesPerEpoch;
        _before = [.. network.Parameters.Select(p => new float[p.Length])];
        _probeRows = Math.Min(ProbeRows, Math.Min(dataset.Validation.Count, network.Capacity));
        _probe = _probeRows == 0 ? ReadOnlyMemory<float>.Empty
            : dataset.Validation.ReadFeatures(0, _probeRows, new float[_probeRows * dataset.Validation.FeatureCount]).ToArray();
        _clock.Restart();
        _intervalStart = 0;
        _intervalSeconds = 0;
        _lossSum = 0;
        _lossBatches = 0;
        _snapshotTaken = false;

        Publish(LiveEventTypes.Run, new RunInfo(
            context.Epochs, context.History.Count + 1, context.BatchesPerEpoch, dataset.Train.Count, dataset.Validation.Count, dataset.HeldOutName,
            dataset.ClassNames, NetworkDescription.Layers(network), network.ParameterCount, NetworkSummary.Compact(network),
            _every.LossEvery, _every.StatisticsEvery));

        // A resumed run shows the epochs it already has.
        foreach (EpochMetrics earlier in context.History)
        {
            Publish(LiveEventTypes.Epoch, Point(earlier, double.NaN));
        }

        PublishWeights(network, context.History.Count);
    }

    // The samples/s clock runs only while an epoch trains: the evaluation and epoch-end work between epochs are not training.
    public void OnEpochBegin(TrainingContext context, int epoch)
    {
        if (_enabled)
        {
            _intervalStart = _clock.Elapsed.TotalSeconds;
        }
    }

    public void OnBatchEnd(TrainingContext context, int epoch, int batch, float loss)
    {
        if (!_enabled)
        {
            return;
        }

        _lossSum += loss;
        _lossBatches++;
        int done = batch + 1;
        long step = ((long)(epoch - 1) * context.BatchesPerEpoch) + done;
        _last = (epoch, batch, step);
        if (_snapshotTaken)
        {
            // The copy was taken one step ago (the epoch before, when that step ended it), so this step's update is
            // value − copy and its gradient is still in place.
            _snapshotTaken = false;
            PublishStatistics(context.Network, epoch, batch, step);
        }

        // Counted over the run, so points and measurements stay evenly spaced across epoch boundaries; the run's last
        // step closes the curve.
        if (step % _every.LossEvery == 0 || step == _totalSteps)
        {
            PublishPoint(context, _clock.Elapsed.TotalSeconds);
        }

        if (done == context.BatchesPerEpoch)
        {
            double now = _clock.Elapsed.TotalSeconds;
            _intervalSeconds += now - _intervalStart;
            _intervalStart = now;
        }

        if (step % _every.StatisticsEvery == _every.StatisticsEvery - 1)
        {
            IReadOnlyList<Parameter> parameters = context.Network.Parameters;
            for (int i = 0; i < parameters.Count; i++)
            {
                parameters[i].Value.CopyTo(_before[i], 0);
            }

            _snapshotTaken = true;
        }
    }

    public void OnEpochEnd(TrainingContext context, EpochMetrics metrics)
    {
        ArgumentNullException.ThrowIfNull(context);
        ArgumentNullException.ThrowIfNull(metrics);
        if (!_enabled)
        {
            return;
        }

        long step = (long)metrics.Epoch * context.BatchesPerEpoch;
        Publish(LiveEventTypes.Epoch, Point(metrics, Eta(step, _clock.Elapsed.TotalSeconds)));
        if (context.LastValidation is { } validation)
        {
            PublishConfusion(validation.ConfusionMatrix, context.Dataset.ClassNames, metrics.Epoch);
            PublishMistakes(validation.Mistakes, context.Dataset, metrics.Epoch);
        }

        PublishWeights(context.Network, metrics.Epoch);
        if (_probeRows > 0)
        {
            IReadOnlyList<ActivationStatistics> activations = NetworkDiagnostics.MeasureActivations(context.Network, _probe, _probeRows);
            Publish(LiveEventTypes.Activations, new ActivationPoints(metrics.Epoch, _probeRows, [.. activations.Select(a =>
                new ActivationPoint(a.Layer, a.Activation, a.Units, a.DeadUnits, a.DeadShare, a.InactiveShare))]));
        }
    }

    public void OnTrainEnd(TrainingContext context, TrainingResult result)
    {
        ArgumentNullException.ThrowIfNull(context);
        ArgumentNullException.ThrowIfNull(result);
        if (_enabled)
        {
            if (_lossBatches > 0)
            {
                // Stopped early between two points: the batches since the last one still make a point, timed up to the
                // epoch's last step (the evaluation since is not training).
                PublishPoint(context, _intervalStart);
            }

            // Early stopping asks to stop; the final numbers are then those of the best epoch's weights it put back.
            string outcome = context.StopRequested && result.History.Count < context.Epochs ? RunOutcomes.StoppedEarly : RunOutcomes.Finished;
            // The end carries the command itself: the page's one request for it at load can fail or come too late.
            Publish(LiveEventTypes.End, new RunEnd(outcome, result.History.Count, result.FinalValidation.Loss, result.FinalValidation.Accuracy, Browse: Browse()));
        }
    }

    public void OnInterrupted(TrainingContext context, int epoch, int batch)
    {
        ArgumentNullException.ThrowIfNull(context);
        if (_enabled)
        {
            Publish(LiveEventTypes.End, new RunEnd(RunOutcomes.Interrupted, context.History.Count, null, null));
        }
    }

    public void OnTrainFailed(TrainingContext context, Exception error)
    {
        ArgumentNullException.ThrowIfNull(context);
        ArgumentNullException.ThrowIfNull(error);
        if (_enabled)
        {
            string outcome = error is TrainingDivergedException ? RunOutcomes.Diverged : RunOutcomes.Failed;
            Publish(LiveEventTypes.End, new RunEnd(outcome, context.History.Count, null, null, Paths()?.Text(error.Message) ?? error.Message, Browse()));
        }
    }

    private ShownPaths? Paths() => sources is null ? null : ShownPaths.For(options.Value, sources);

    private string? Browse() => sources is null ? null : Paths()!.Text(sources.ClosingBrowseCommand());

    private void Publish(string type, object payload) => feed.Publish(new LiveEvent(type, payload));

    // The mean loss of the batches since the last point, and their rows over the time spent training them.
    private void PublishPoint(TrainingContext context, double now)
    {
        double seconds = _intervalSeconds + (now - _intervalStart);
        double samplesPerSecond = seconds > 0 ? _lossBatches * _rowsPerBatch / seconds : 0;
        (int epoch, int batch, long step) = _last;
        Publish(LiveEventTypes.Batch, new BatchPoint(epoch, batch, step, _lossSum / _lossBatches, context.Optimizer.LearningRate, samplesPerSecond, Eta(step, now)));
        _lossSum = 0;
        _lossBatches = 0;
        _intervalSeconds = 0;
        _intervalStart = now;
    }

    // The whole run's remaining time at the pace so far (evaluation included); never 0 while work is left.
    private double Eta(long step, double elapsedSeconds)
    {
        long done = step - _firstStep;
        long left = _totalSteps - step;
        if (left <= 0)
        {
            return 0;
        }

        return done <= 0 ? double.NaN : Math.Max(1, elapsedSeconds / done * left);
    }

    private static EpochPoint Point(EpochMetrics m, double eta) => new(
        m.Epoch, m.TrainLoss, Known(m.TrainAccuracy), m.ValidationLoss, m.ValidationAccuracy, Known(m.LearningRate),
        m.TrainSeconds, m.EvaluationSeconds, double.IsNaN(eta) ? 0 : eta);

    private static double? Known(double value) => double.IsFinite(value) ? value : null;

    private void PublishStatistics(Sequential network, int epoch, int batch, long step)
    {
        IReadOnlyList<Parameter> parameters = network.Parameters;
        var points = new ParameterPoint[parameters.Count];
        for (int i = 0; i < parameters.Count; i++)
        {
            Parameter p = parameters[i];
            ParameterStatistics s = NetworkDiagnostics.Statistics(p.Name, _before[i], p.Value, p.Gradient);
            points[i] = new ParameterPoint(s.Parameter, s.WeightNorm, s.GradientNorm, s.UpdateRatio);
        }

        Publish(LiveEventTypes.Layers, new LayerStatistics(epoch, batch, step, points));
    }

    private void PublishConfusion(ConfusionMatrix matrix, IReadOnlyList<string> classNames, int epoch)
    {
        var counts = new long[matrix.Classes][];
        for (int a = 0; a < matrix.Classes; a++)
        {
            counts[a] = new long[matrix.Classes];
            for (int p = 0; p < matrix.Classes; p++)
            {
                counts[a][p] = matrix[a, p];
            }
        }

        Publish(LiveEventTypes.Confusion, new ConfusionCounts(epoch, classNames, counts));
    }

    private void PublishMistakes(IReadOnlyList<Misclassification> mistakes, Dataset dataset, int epoch)
    {
        DataSplit validation = dataset.Validation;
        int features = validation.FeatureCount;
        var row = new float[features];
        var pixels = new byte[features];
        var items = new List<MistakeImage>(mistakes.Count);
        foreach (Misclassification m in mistakes)
        {
            ReadOnlySpan<float> values = validation.ReadFeatures(m.Row, 1, row).Span;
            for (int k = 0; k < features; k++)
            {
                pixels[k] = (byte)Math.Clamp(MathF.Round(values[k] * 255f), 0f, 255f);
            }

            items.Add(new MistakeImage(m.Row, m.Label, m.Predicted, m.Confidence, Convert.ToBase64String(pixels), validation.Origin(m.Row)));
        }

        // Rows that are no one grey picture are drawn as one strip of pixels.
        (int height, int width) = dataset.PictureSize ?? (1, features);
        Publish(LiveEventTypes.Mistakes, new MistakeImages(epoch, height, width, dataset.ClassNames, items));
    }

    private void PublishWeights(Sequential network, int epoch)
    {
        switch (network.Layers.FirstOrDefault(l => l.Parameters.Count > 0))
        {
            case Conv2D conv:
                PublishFilters(conv, epoch);
                break;
            case Dense first:
                PublishColumns(first, epoch);
                break;
        }
    }

    // A convolution's weight is (out, in, kh, kw): each (output channel, input channel) filter is kh·kw contiguous values.
    private void PublishFilters(Conv2D conv, int epoch)
    {
        int size = conv.KernelHeight * conv.KernelWidth;
        int units = Math.Min(conv.OutChannels * conv.InChannels, MaxWeightTiles);
        float[] w = conv.Weight.Value;
        var scales = new float[units];
        var data = new byte[units * size];
        for (int u = 0; u < units; u++)
        {
            ReadOnlySpan<float> filter = w.AsSpan(u * size, size);
            float max = 0f;
            foreach (float v in filter)
            {
                max = Math.Max(max, Math.Abs(v));
            }

            scales[u] = max;
            float factor = max > 0f ? 127f / max : 0f;
            for (int k = 0; k < size; k++)
            {
                data[(u * size) + k] = (byte)(sbyte)MathF.Round(filter[k] * factor);
            }
        }

        int side = conv.KernelHeight == conv.KernelWidth ? conv.KernelHeight : 0;
        Publish(LiveEventTypes.Weights, new WeightTiles(epoch, conv.Name, NetworkDescription.Kind(conv), size, units, conv.OutChannels * conv.InChannels, side, scales, Convert.ToBase64String(data)));
    }

    private void PublishColumns(Dense first, int epoch)
    {
        // W is (in, out) row-major: unit j's incoming weights are column j. Both passes walk W row by row (in memory order).
        int inputs = first.InputSize;
        int outputs = first.OutputSize;
        int units = Math.Min(outputs, MaxWeightTiles);
        float[] w = first.Weight.Value;
        var scales = new float[units];
        for (int k = 0; k < inputs; k++)
        {
            ReadOnlySpan<float> row = w.AsSpan(k * outputs, units);
            for (int j = 0; j < units; j++)
            {
                scales[j] = Math.Max(scales[j], Math.Abs(row[j]));
            }
        }

        var factors = new float[units];
        for (int j = 0; j < units; j++)
        {
            factors[j] = scales[j] > 0f ? 127f / scales[j] : 0f;
        }

        var data = new byte[units * inputs];
        for (int k = 0; k < inputs; k++)
        {
            ReadOnlySpan<float> row = w.AsSpan(k * outputs, units);
            for (int j = 0; j < units; j++)
            {
                data[(j * inputs) + k] = (byte)(sbyte)MathF.Round(row[j] * factors[j]);
            }
        }

        Publish(LiveEventTypes.Weights, new WeightTiles(epoch, first.Name, NetworkDescription.Kind(first), inputs, units, outputs, Shape.SquareSide(inputs), scales, Convert.ToBase64String(data)));
    }
}
