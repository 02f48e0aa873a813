namespace ScratchNet.Training.Diagnostics;

/// <summary>Finite differences against backpropagation for one parameter tensor, at the step that judged it best.</summary>
/// <param name="Checked">How many entries were perturbed.</param>
/// <param name="RelativeError">‖a − n‖ / (‖a‖ + ‖n‖) over the checked entries (a analytic, n the nearest point of the interval between the one-sided differences), from 0 (agree) to 1; 0 too where both are exactly 0.</param>
/// <param name="NoiseAllowance">What the loss's float32 rounding, measured on these entries and divided by <paramref name="Step"/>, may add to the relative error, in its units: the gradient is <see cref="GradientVerdict.Ok"/> when RelativeError ≤ <paramref name="Tolerance"/> + NoiseAllowance. Above 1 the gradient is smaller than the differences resolve; infinite where both are exactly 0.</param>
/// <param name="MaxAbsoluteError">The largest |a − n| among the checked entries.</param>
/// <param name="Step">The finite-difference step these numbers come from: h, or h / 10 or h / 100 where a shorter step judged better.</param>
/// <param name="Verdict">See <see cref="GradientVerdict"/>.</param>
/// <param name="Resolution">NoiseAllowance in the gradient's own units: the norm over the checked entries below which the differences, at <paramref name="Step"/>, cannot tell a gradient from the loss's rounding. It grows with the loss (a loss of 1e37 rounds by 1e30), so a gradient under it need not be small.</param>
/// <param name="Tolerance">The relative error allowed beyond the noise: the gradient is <see cref="GradientVerdict.Ok"/> when RelativeError ≤ Tolerance + NoiseAllowance.</param>
public sealed record GradientCheckResult(string Parameter, int Checked, double RelativeError, double NoiseAllowance, double MaxAbsoluteError, float Step, GradientVerdict Verdict, double Resolution, double Tolerance = NetworkDiagnostics.DefaultTolerance)
{
    public bool Passed => Verdict == GradientVerdict.Ok;
}

/// <summary>What finite differences say about one parameter's gradient.</summary>
public enum GradientVerdict
{
    /// <summary>Backpropagation agrees with the differences, to the tolerance plus the rounding noise of the differences.</summary>
    Ok,

    /// <summary>
    /// The differences cannot judge it on this batch: every step, however short, crosses ReLU or max-pool kinks (the one-sided
    /// differences stay apart), and the error is no larger than kinks explain. Common for conv biases at initialisation.
    /// </summary>
    Unresolved,

    /// <summary>Backpropagation disagrees with the differences by more than the tolerance, rounding noise and kinks explain.</summary>
    Wrong,

    /// <summary>
    /// The differences cannot judge it on this batch, and not because of kinks: none lies between the parameter and the loss
    /// (the last layer's bias), yet the one-sided differences stay apart at shorter steps, as they do only when the float32
    /// forward pass rounds the loss by more than the noise probe saw. The error is no larger than <see cref="Unresolved"/> allows.
    /// </summary>
    Rounding,

    /// <summary>
    /// Backpropagation agrees with the differences, but at no step could these entries' differences have shown a gradient
    /// 5 % off (<see cref="NetworkDiagnostics.DiscernedErrorPerTolerance"/>): their intervals are wide where steps cross kinks,
    /// or the loss's rounding is large beside their gradient, so a wrong gradient would agree as well. Most often too few
    /// entries were checked (<c>--entries</c>); more entries, some of which do discern, decide it.
    /// </summary>
    Inconclusive,

    /// <summary>
    /// Nothing to compare: the loss does not move on this batch when the checked entries do, and backpropagation gives
    /// exactly 0 for them (a softmax saturated to probability 1, or a whole layer's inputs cut off), so the check judged
    /// nothing either way.
    /// </summary>
    Flat,

    /// <summary>
    /// Nothing to compare: the loss, a difference or backpropagation's gradient is NaN or infinite at or near these weights
    /// (float32 overflows), so no error can be measured, and none is backpropagation's to answer for.
    /// </summary>
    NotFinite,
}

/// <summary>Sizes of one parameter tensor, its gradient, and one optimizer step.</summary>
/// <param name="UpdateRatio">‖Δθ‖ / ‖θ‖ for one optimizer step; around 1e-3 is the usual healthy value, far below learns slowly, far above is unstable. Null while ‖θ‖ is 0 (biases start at zero).</param>
public sealed record ParameterStatistics(string Parameter, double WeightNorm, double GradientNorm, double? UpdateRatio);

/// <summary>How much of an activation layer is switched off on a probe batch.</summary>
/// <param name="Units">The features of a dense layer's activation; the channels (one per filter) of a convolution's.</param>
/// <param name="DeadUnits">
/// Units whose input is ≤ 0 on every probe row (for a channel: at every pixel of every probe row): a ReLU there passes no
/// gradient, so it cannot recover. Null for activations without a dead region (sigmoid, tanh).
/// </param>
/// <param name="InactiveShare">Share of all the layer's input values (rows × units × pixels) that are ≤ 0.</param>
public sealed record ActivationStatistics(string Layer, string Activation, int Units, int? DeadUnits, double InactiveShare)
{
    public double? DeadShare => DeadUnits is int dead ? (double)dead / Units : null;
}

/// <summary>The result of training on a single batch until the loss is (nearly) zero.</summary>
/// <param name="Steps">Optimizer steps taken (fewer than the limit when the target was reached).</param>
public sealed record OverfitResult(int Rows, int Steps, double InitialLoss, double FinalLoss, double TargetLoss)
{
    public bool Reached => FinalLoss < TargetLoss;

    /// <summary>The loss was below the target before the first step: the test showed nothing about learning.</summary>
    public bool AlreadyThere => Steps == 0 && Reached;
}

/// <summary>Everything <c>diagnose</c> measured.</summary>
/// <param name="Diverged">Set where the weights measured have diverged (see <see cref="DivergedStart"/>); the gradient check was then not run.</param>
public sealed record DiagnosticsReport(
    IReadOnlyList<GradientCheckResult> GradientCheck,
    IReadOnlyList<ParameterStatistics> Parameters,
    IReadOnlyList<ActivationStatistics> Activations,
    OverfitResult Overfit,
    DivergedStart? Diverged = null);

/// <summary>
/// The loss at the weights diagnose measures is NaN, infinite, or beyond <see cref="NetworkDiagnostics.DivergedLoss"/>: the
/// network has diverged (weights blown up by too large steps, or a Model:InitFrom file of such weights). A gradient
/// check cannot judge it: the loss's rounding there is larger than most gradients, or every number is NaN.
/// </summary>
/// <param name="Loss">The cross-entropy on the diagnosed batch, in evaluation mode.</param>
public sealed record DivergedStart(double Loss, int Rows, LargestWeight Largest);
