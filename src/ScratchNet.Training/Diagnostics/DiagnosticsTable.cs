using System.Globalization;
using System.Text;

namespace ScratchNet.Training.Diagnostics;

/// <summary>Renders a <see cref="DiagnosticsReport"/> as a short aligned text table, one line per parameter and activation layer.</summary>
public static class DiagnosticsTable
{
    public static string Format(DiagnosticsReport report)
    {
        ArgumentNullException.ThrowIfNull(report);
        var text = new StringBuilder();
        if (report.Diverged is { } diverged)
        {
            // First, so that nothing below reads as a finding about a network that works.
            text.Append(CultureInfo.InvariantCulture, $"the loss at these weights is {Loss(diverged.Loss)} on the batch of {diverged.Rows}: the network has diverged ({diverged.Largest}); a gradient check cannot judge it, so none was run").AppendLine();
        }

        int width = Math.Max(12, report.Parameters.Select(p => p.Parameter.Length).Concat(report.Activations.Select(a => a.Layer.Length)).DefaultIfEmpty(0).Max());
        text.Append("parameter".PadRight(width)).Append("     |w|        |grad|     |dw|/|w|  grad check").AppendLine();
        foreach (ParameterStatistics p in report.Parameters)
        {
            GradientCheckResult? check = report.GradientCheck.FirstOrDefault(g => g.Parameter == p.Parameter);
            string verdict = check is not null ? $"{Word(check.Verdict)} ({Errors(check)})" : report.Diverged is null ? "-" : "not run (diverged)";
            text.Append(p.Parameter.PadRight(width))
                .Append(' ').Append(E(p.WeightNorm).PadLeft(10))
                .Append(' ').Append(E(p.GradientNorm).PadLeft(10))
                .Append(' ').Append((p.UpdateRatio is double r ? E(r) : "n/a").PadLeft(10))
                .Append("  ").Append(verdict).AppendLine();
        }

        // The rule once, under the verdicts it decides: a cell shows the error, and the allowance it is judged with only
        // past the tolerance, so "rel 1.8E-03" next to a log's "allowance 1.6E-04" would otherwise read as failing.
        if (report.GradientCheck.Count > 0)
        {
            string tolerance = Number(report.GradientCheck.Max(g => g.Tolerance));
            text.Append(CultureInfo.InvariantCulture, $"grad check: ok when rel <= {tolerance} + noise allowance (in the log; in a cell past {tolerance}, at step h)").AppendLine();
        }

        // Why a verdict is unresolved, once rather than in every such cell, which kept the rows past 100 columns.
        if (report.GradientCheck.Any(g => g.Verdict is GradientVerdict.Unresolved))
        {
            text.Append("unresolved: steps may cross ReLU/max-pool kinks; differences cannot judge it here (not a failure)").AppendLine();
        }

        if (report.GradientCheck.Any(g => g.Verdict is GradientVerdict.Inconclusive))
        {
            text.Append("inconclusive: these entries could not show a gradient 5 % off (kinks, rounding); raise --entries").AppendLine();
        }

        if (report.GradientCheck.Any(g => g.Verdict is GradientVerdict.Rounding))
        {
            text.Append("rounding: unresolved, the loss's float32 rounding blurs it (no kink follows); not a failure").AppendLine();
        }

        text.Append("activation".PadRight(width)).Append("     ").Append("dead units".PadRight(DeadColumn)).Append(" inputs <= 0").AppendLine();
        foreach (ActivationStatistics a in report.Activations)
        {
            string dead = a.DeadUnits is int d ? $"{d}/{a.Units} ({a.DeadShare!.Value.ToString("P1", CultureInfo.InvariantCulture)})" : "n/a";
            text.Append(a.Layer.PadRight(width)).Append("     ").Append(dead.PadRight(DeadColumn)).Append(' ').Append(a.InactiveShare.ToString("P1", CultureInfo.InvariantCulture)).AppendLine();
        }

        OverfitResult o = report.Overfit;
        if (!double.IsFinite(o.InitialLoss))
        {
            text.Append(CultureInfo.InvariantCulture, $"overfit one batch of {o.Rows}: not tried: the loss is {Loss(o.InitialLoss)} before the first step");
        }
        else
        {
            text.Append(CultureInfo.InvariantCulture, $"overfit one batch of {o.Rows}: loss {Loss(o.InitialLoss)} -> {Below(o.FinalLoss, o.TargetLoss)} in {o.Steps} steps: ")
                .Append(o.AlreadyThere ? $"below {Number(o.TargetLoss)} before the first step, so it shows nothing about learning (the network is already sure of this batch)"
                    : o.Reached ? $"reached < {Number(o.TargetLoss)}"
                    : $"did NOT reach < {Number(o.TargetLoss)} (if the loss was still falling, the step budget was too small: raise --steps)");
        }

        // About 1e-3 is the usual healthy size of one step against its weights; orders of magnitude off either way is worth a look.
        // Not where the loss is NaN: a step of NaN gradients moves nothing, and "barely learns" would misname it.
        string[] offScale = [.. report.Parameters.Where(p => p.UpdateRatio is < TinyUpdate or > LargeUpdate).Select(p => $"{p.Parameter} {E(p.UpdateRatio!.Value)}")];
        if (offScale.Length > 0 && (report.Diverged is null || double.IsFinite(report.Diverged.Loss)))
        {
            text.AppendLine().Append("|dw|/|w| far from the usual ~1e-3 (below 1e-6 barely learns, above 0.1 is unstable): ").Append(string.Join(", ", offScale));
        }

        return text.ToString();
    }

    // Wide enough for "1024/1024 (100.0 %)".
    private const int DeadColumn = 19;

    private const double TinyUpdate = 1e-6;

    private const double LargeUpdate = 0.1;

    private static string Word(GradientVerdict verdict) => verdict switch
    {
        GradientVerdict.Ok => "ok",
        GradientVerdict.Unresolved => "unresolved",
        GradientVerdict.Rounding => "rounding",
        GradientVerdict.Inconclusive => "inconclusive",
        GradientVerdict.Flat or GradientVerdict.NotFinite => "not checked",
        _ => "WRONG",
    };

    // What the numbers mean where they could mislead: an error of exactly 0 is backpropagation inside the interval the
    // one-sided differences span, not exact agreement; an allowance of 1 or more is a gradient too small for the differences
    // to resolve (a bias right before batch norm, 0 in exact arithmetic), said with the size it resolves, which grows with the
    // loss and so need not be small; past the tolerance, the allowance and the step say why it is ok all the same, or how much
    // of a WRONG rounding could not explain. Flat concerns only the sampled entries on the check's rows: other entries, and
    // the |grad| column's whole batch, may have a gradient.
    private static string Errors(GradientCheckResult check) => check switch
    {
        { Verdict: GradientVerdict.Flat } => "the sampled entries' gradient is exactly 0 on the check's rows, and the loss does not move with them: nothing to compare",
        { Verdict: GradientVerdict.NotFinite } => "the loss or the gradient is not finite at or near these weights, where float32 overflows: nothing to compare",
        { NoiseAllowance: >= 1 } => $"both below what the loss's rounding resolves, ±{E(check.Resolution)}",
        { RelativeError: 0 } => "inside the one-sided differences' interval",
        _ when check.RelativeError <= check.Tolerance => $"rel {E(check.RelativeError)}",
        _ => $"rel {E(check.RelativeError)}, noise {E(check.NoiseAllowance)}, h {check.Step.ToString("0.####", CultureInfo.InvariantCulture)}",
    };

    private static string Number(double value) => value.ToString(CultureInfo.InvariantCulture);

    // Four decimals, as the training log prints losses; an astronomical one (a diverged network's 1e37) in exponent form.
    private static string Loss(double value) => Reports.ReadableNumbers.Fixed(value);

    // A loss below the target is printed with enough digits to read as below it: 0.00999 is not "0.0100".
    private static string Below(double value, double target)
    {
        string text = Loss(value);
        for (int decimals = 5; value < target && decimals <= 17 && double.Parse(text, CultureInfo.InvariantCulture) >= target; decimals++)
        {
            text = value.ToString($"F{decimals}", CultureInfo.InvariantCulture);
        }

        return text;
    }

    private static string E(double value) => value.ToString("0.000E+00", CultureInfo.InvariantCulture);
}
