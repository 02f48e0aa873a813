using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using ScratchNet.Core.Layers;
using ScratchNet.Core.Random;
using ScratchNet.Data;
using ScratchNet.Training.Optimizers;
using ScratchNet.Training.Options;
using ScratchNet.Data.Splits;

namespace ScratchNet.Training.Diagnostics;

/// <summary>What <c>diagnose</c> runs, and on how much data.</summary>
/// <param name="BatchRows">Rows of the batch measured and memorised (the training batch size by default).</param>
/// <param name="OverfitSteps">Most optimizer steps spent memorising that batch.</param>
/// <param name="GradientEntries">Entries of each parameter checked by finite differences.</param>
/// <param name="GradientRows">Rows the gradient check runs on (few: it does two forward passes per entry).</param>
/// <param name="ProbeRows">Validation rows the activation statistics are measured on.</param>
public sealed record DiagnosticsSettings(int BatchRows, int OverfitSteps = 5000, int GradientEntries = 30, int GradientRows = 8, int ProbeRows = DiagnosticsSettings.DefaultProbeRows)
{
    /// <summary>The validation rows <c>diagnose</c> measures the activations on, which no option changes.</summary>
    public const int DefaultProbeRows = 1000;
}

/// <summary>
/// Runs <see cref="NetworkDiagnostics"/> on the configured network, optimizer and data, at initialisation:
/// the state a run that "isn't learning" starts from. Logs one structured event per measurement.
/// </summary>
public sealed partial class DiagnosticsRunner(
    IDatasetProvider datasetProvider,
    INetworkFactory networkFactory,
    IOptions<OptimizerOptions> optimizerOptions,
    IOptions<TrainingOptions> trainingOptions,
    ILogger<DiagnosticsRunner> logger)
{
    public async Task<DiagnosticsReport> RunAsync(DiagnosticsSettings settings, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(settings);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(settings.BatchRows);
        Dataset dataset = await datasetProvider.LoadAsync(cancellationToken).ConfigureAwait(false);
        DataSplit train = dataset.Train;
        int batch = Math.Min(settings.BatchRows, train.Count);
        int probe = Math.Min(settings.ProbeRows, dataset.Validation.Count);
        // Its rows are the batch (--batch, Training:BatchSize by default) and the probe's validation rows, which no setting
        // lowers: only the batch is named, and only where it is the larger; Training:EvaluationBatchSize plays no part here.
        int rows = Math.Max(batch, Math.Max(probe, 1));
        Sequential network = networkFactory.Create(dataset.InputShape, rows, rows, batch >= rows ? "lower --batch (Training:BatchSize by default)" : null);
        Trainer.CheckFits(network, train, batchRows: batch, batchKey: "--batch", wholeEpochs: false);

        // The same seeded draw of rows every time, so two runs of diagnose are comparable.
        var sampler = new MinibatchSampler(train, batch, new Xoshiro256((ulong)trainingOptions.Value.Seed), shuffle: true);
        sampler.BeginEpoch();
        var x = new float[batch * train.FeatureCount];
        var y = new float[batch * train.ClassCount];
        sampler.Fill(0, x, y, new byte[batch]);

        cancellationToken.ThrowIfCancellationRequested();

        // Weights that have diverged (a Model:InitFrom file of a run that blew up) give a NaN loss, or one whose rounding
        // outgrows most gradients: finite differences cannot judge backpropagation there, so that is said first, and no
        // check is run whose verdicts would blame it.
        double startingLoss = NetworkDiagnostics.BatchLoss(network, x, y, batch);
        DivergedStart? diverged = NetworkDiagnostics.HasDiverged(startingLoss) ? new DivergedStart(startingLoss, batch, LargestWeight.Of(network)) : null;
        IReadOnlyList<GradientCheckResult> gradients = [];
        if (diverged is not null)
        {
            LogDiverged(logger, startingLoss, batch, diverged.Largest.Magnitude, diverged.Largest.Tensor);
        }
        else
        {
            int gradientRows = Math.Min(settings.GradientRows, batch);
            gradients = NetworkDiagnostics.CheckGradients(
                network, x.AsMemory(0, gradientRows * train.FeatureCount), y.AsSpan(0, gradientRows * train.ClassCount), gradientRows,
                settings.GradientEntries, (ulong)trainingOptions.Value.Seed, cancellationToken: cancellationToken);
        }

        foreach (GradientCheckResult g in gradients)
        {
            LogGradient(logger, g.Parameter, g.Checked, g.Step, g.RelativeError, g.MaxAbsoluteError, g.Tolerance, g.NoiseAllowance, g.Verdict);
        }

        IReadOnlyList<ParameterStatistics> parameters = NetworkDiagnostics.MeasureParameters(network, NewOptimizer(), x, y, batch);
        foreach (ParameterStatistics p in parameters)
        {
            if (p.UpdateRatio is double ratio)
            {
                LogParameter(logger, p.Parameter, p.WeightNorm, p.GradientNorm, ratio);
            }
            else
            {
                LogZeroParameter(logger, p.Parameter, p.GradientNorm);
            }
        }

        IReadOnlyList<ActivationStatistics> activations = probe == 0
            ? []
            : NetworkDiagnostics.MeasureActivations(network, dataset.Validation.ReadFeatures(0, probe, new float[probe * train.FeatureCount]), probe, batchStatistics: true);
        foreach (ActivationStatistics a in activations)
        {
            if (a.DeadUnits is int dead)
            {
                LogActivation(logger, a.Layer, a.Activation, a.Units, dead, a.DeadShare!.Value, a.InactiveShare, probe);
            }
            else
            {
                LogSmoothActivation(logger, a.Layer, a.Activation, a.Units, a.InactiveShare, probe);
            }
        }

        cancellationToken.ThrowIfCancellationRequested();
        OverfitResult overfit = NetworkDiagnostics.OverfitOneBatch(networkFactory.Create(dataset.InputShape, batch), NewOptimizer(), x, y, batch, settings.OverfitSteps, cancellationToken: cancellationToken);
        LogOverfit(logger, overfit.Rows, overfit.Steps, overfit.InitialLoss, overfit.FinalLoss, overfit.TargetLoss, overfit.Reached);
        return new DiagnosticsReport(gradients, parameters, activations, overfit, diverged);
    }

    // A fresh optimizer each time, so one measurement's state (momentum, moments) cannot leak into the next.
    private IOptimizer NewOptimizer() => OptimizerFactory.Create(optimizerOptions.Value);

    [LoggerMessage(Level = LogLevel.Warning, Message = "The loss at these weights is {Loss:F4} on the batch of {Rows}: the network has diverged (largest |w| {Largest:G3}, in {Tensor}); a gradient check cannot judge it, so none is run")]
    private static partial void LogDiverged(ILogger logger, double loss, int rows, float largest, string tensor);

    // The rule next to the numbers it judges: an error above the allowance alone is still ok up to the tolerance plus it.
    [LoggerMessage(Level = LogLevel.Information, Message = "Gradient check {Parameter}: entries checked {Entries}, step {Step:G3}, relative error {RelativeError:E2}, max abs error {MaxAbsoluteError:E2}; ok up to tolerance {Tolerance:G3} + noise allowance {NoiseAllowance:E2}: verdict {Verdict}")]
    private static partial void LogGradient(ILogger logger, string parameter, int entries, float step, double relativeError, double maxAbsoluteError, double tolerance, double noiseAllowance, GradientVerdict verdict);

    [LoggerMessage(Level = LogLevel.Information, Message = "Parameter {Parameter}: weight norm {WeightNorm:E3}, gradient norm {GradientNorm:E3}, update/weight {UpdateRatio:E3}")]
    private static partial void LogParameter(ILogger logger, string parameter, double weightNorm, double gradientNorm, double updateRatio);

    // Biases start at 0, and a step's size relative to nothing is no number.
    [LoggerMessage(Level = LogLevel.Information, Message = "Parameter {Parameter}: weight norm 0, gradient norm {GradientNorm:E3}, update/weight n/a")]
    private static partial void LogZeroParameter(ILogger logger, string parameter, double gradientNorm);

    [LoggerMessage(Level = LogLevel.Information, Message = "Activation {Layer} ({Activation}, {Units} units): dead units {DeadUnits} ({DeadShare:P1}), inputs <= 0 {InactiveShare:P1} over {ProbeRows} rows")]
    private static partial void LogActivation(ILogger logger, string layer, string activation, int units, int deadUnits, double deadShare, double inactiveShare, int probeRows);

    // Sigmoid and tanh have no flat region, so no unit of theirs can die: no count to give.
    [LoggerMessage(Level = LogLevel.Information, Message = "Activation {Layer} ({Activation}, {Units} units): no dead region, inputs <= 0 {InactiveShare:P1} over {ProbeRows} rows")]
    private static partial void LogSmoothActivation(ILogger logger, string layer, string activation, int units, double inactiveShare, int probeRows);

    // The memorising stops just below the target, so four decimals would print a reached 0.0099996 as the target's 0.0100.
    [LoggerMessage(Level = LogLevel.Information, Message = "Overfit one batch of {Rows}: loss {InitialLoss:F4} -> {FinalLoss:G6} in {Steps} steps (target {TargetLoss:G4}), reached {Reached}")]
    private static partial void LogOverfit(ILogger logger, int rows, int steps, double initialLoss, double finalLoss, double targetLoss, bool reached);
}
