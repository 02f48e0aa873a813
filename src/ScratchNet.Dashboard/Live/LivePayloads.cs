namespace ScratchNet.Dashboard.Live;

// The JSON shapes the page reads (camelCase on the wire). Unknown numbers (NaN) travel as null.

/// <summary>Sent once when training begins: what is being trained and on how much data.</summary>
/// <param name="HeldOut">What the held-out rows are: "validation", or "test" for the official test set.</param>
/// <param name="Network">The architecture on one line, as the log gives it ("784-128-10", or "conv 16 3x3 → relu → …").</param>
/// <param name="LossEveryBatches">Steps between two loss points, as <see cref="ReportingIntervals"/> made it for this run.</param>
/// <param name="StatisticsEveryBatches">Steps between two per-layer measurements (the first at this step).</param>
public sealed record RunInfo(
    int Epochs, int FirstEpoch, int BatchesPerEpoch, int TrainRows, int ValidationRows, string HeldOut,
    IReadOnlyList<string> ClassNames, IReadOnlyList<LayerInfo> Layers, long ParameterCount, string Network,
    int LossEveryBatches, int StatisticsEveryBatches);

/// <summary>One layer of a network as the page lists it (the explorer uses the same shape).</summary>
/// <param name="Kind">dense, activation, dropout, or the layer's type for kinds the page does not know yet.</param>
/// <param name="Shape">The output's shape per row: (units) for an MLP; (channels, height, width) for a convolution.</param>
public sealed record LayerInfo(int Index, string Name, string Kind, string? Activation, int Inputs, int Outputs, IReadOnlyList<int> Shape, int Parameters);

/// <summary>A point of the smoothed train-loss curve: the mean loss of the batches since the last point.</summary>
/// <param name="Step">Batches done since the first epoch began, counting resumed ones.</param>
public sealed record BatchPoint(int Epoch, int Batch, long Step, double Loss, double? LearningRate, double SamplesPerSecond, double EtaSeconds);

/// <summary>One epoch's numbers, as history.json has them.</summary>
public sealed record EpochPoint(
    int Epoch, double TrainLoss, double? TrainAccuracy, double ValidationLoss, double ValidationAccuracy,
    double? LearningRate, double TrainSeconds, double EvaluationSeconds, double EtaSeconds);

/// <summary>The diagnose statistics of one optimizer step, measured every <see cref="RunInfo.StatisticsEveryBatches"/> steps.</summary>
public sealed record LayerStatistics(int Epoch, int Batch, long Step, IReadOnlyList<ParameterPoint> Parameters);

/// <param name="UpdateRatio">‖Δθ‖ / ‖θ‖ of the step; null while ‖θ‖ is 0.</param>
public sealed record ParameterPoint(string Parameter, double WeightNorm, double GradientNorm, double? UpdateRatio);

/// <summary>Dead and inactive units of each activation layer on a fixed probe of validation rows, after an epoch.</summary>
public sealed record ActivationPoints(int Epoch, int ProbeRows, IReadOnlyList<ActivationPoint> Layers);

/// <param name="DeadShare">Share of units inactive on every probe row; null for activations without a dead region.</param>
public sealed record ActivationPoint(string Layer, string Activation, int Units, int? DeadUnits, double? DeadShare, double InactiveShare);

/// <summary>
/// The first layer's incoming weights, one tile per unit: <see cref="Data"/> holds <see cref="Units"/> × <see cref="Inputs"/>
/// signed bytes (base64), unit after unit, each scaled so its largest |w| is 127 (<see cref="Scales"/> gives that |w|).
/// </summary>
/// <param name="Epoch">0 for the weights at initialisation (or those a resumed run starts from, then the epochs it has).</param>
/// <param name="Kind">The layer's kind as <see cref="NetworkDescription.Kind"/> names it: "conv" (a tile per filter) or "dense" (a tile per unit).</param>
/// <param name="Side">Tiles are Side × Side when the input is a square image; 0 draws them as strips.</param>
/// <param name="TotalUnits">The layer's width; only the first <see cref="Units"/> are sent.</param>
public sealed record WeightTiles(int Epoch, string Layer, string Kind, int Inputs, int Units, int TotalUnits, int Side, IReadOnlyList<float> Scales, string Data);

/// <summary>The confusion matrix of an epoch's validation pass: rows true class, columns predicted.</summary>
public sealed record ConfusionCounts(int Epoch, IReadOnlyList<string> ClassNames, long[][] Counts);

/// <summary>The held-out rows the model was most confidently wrong about after an epoch.</summary>
public sealed record MistakeImages(int Epoch, int Height, int Width, IReadOnlyList<string> ClassNames, IReadOnlyList<MistakeImage> Items);

/// <param name="Row">The row's index in the held-out split (for the official test set, its index in the test files).</param>
/// <param name="Pixels">The row's features as bytes 0–255 (base64).</param>
/// <param name="Source">Where the row comes from in the data files (<c>train-images[5678]</c>), or null when unknown.</param>
public sealed record MistakeImage(int Row, int Label, int Predicted, float Confidence, string Pixels, string? Source = null);

/// <summary>Training is over, one way or another: the page says how and stops its clocks.</summary>
/// <param name="Outcome">One of <see cref="RunOutcomes"/>.</param>
/// <param name="Epochs">Epochs done.</param>
/// <param name="Message">Why it stopped, for a run that diverged or failed (the log's line).</param>
/// <param name="Browse">The command that browses the run later, as the console's closing line has it (<c>serve --runs DIR</c>); null where the page's own fallback holds.</param>
public sealed record RunEnd(string Outcome, int Epochs, double? ValidationLoss, double? ValidationAccuracy, string? Message = null, string? Browse = null);

/// <summary>How a run ended, as <see cref="RunEnd.Outcome"/> names it.</summary>
public static class RunOutcomes
{
    /// <summary>All epochs done.</summary>
    public const string Finished = "finished";

    /// <summary>Early stopping ended it before its last epoch; the model holds the best epoch's weights.</summary>
    public const string StoppedEarly = "stopped-early";

    /// <summary>Ctrl+C: it can be resumed.</summary>
    public const string Interrupted = "interrupted";

    /// <summary>The loss became NaN or infinite.</summary>
    public const string Diverged = "diverged";

    /// <summary>Anything else that stopped it (a failed write, a bug).</summary>
    public const string Failed = "failed";
}
