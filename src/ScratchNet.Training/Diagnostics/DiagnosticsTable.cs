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
        int width = Math.Max(12, report.Parameters.Select(p => p.Parameter.Length).Concat(report.Activations.Select(a => a.Layer.Length)).DefaultIfEmpty(0).Max());
        text.Append("parameter".PadRight(width)).Append("     |w|        |grad|     |dw|/|w|   grad check").AppendLine();
        foreach (ParameterStatistics p in report.Parameters)
        {
            GradientCheckResult? check = report.GradientCheck.FirstOrDefault(g => g.Parameter == p.Parameter);
            string verdict = check is null ? "-" : $"{Word(check.Verdict)} ({Errors(check)})";
            text.Append(p.Parameter.PadRight(width))
                .Append(' ').Append(E(p.WeightNorm).PadLeft(10))
                .Append(' ').Append(E(p.GradientNorm).PadLeft(10))
                .Append(' ').Append((p.UpdateRatio is double r ? E(r) : "n/a").PadLeft(10))
                .Append("   ").Append(verdict).AppendLine();
        }

        text.Append("activation".PadRight(width)).Append("     dead units      inputs <= 0").AppendLine();
        foreach (ActivationStatistics a in report.Activations)
        {
            string dead = a.DeadUnits is int d ? $"{d}/{a.Units} ({a.DeadShare!.Value.ToString("P1", CultureInfo.InvariantCulture)})" : "n/a";
            text.Append(a.Layer.PadRight(width)).Append("     ").Append(dead.PadRight(16)).Append(a.InactiveShare.ToString("P1", CultureInfo.InvariantCulture)).AppendLine();
        }

        OverfitResult o = report.Overfit;
        text.Append(CultureInfo.InvariantCulture, $"overfit one batch of {o.Rows}: loss {o.InitialLoss:F4} -> {o.FinalLoss:F4} in {o.Steps} steps: ")
            .Append(o.Reached ? $"reached < {o.TargetLoss.ToString(CultureInfo.InvariantCulture)}" : $"did NOT reach < {o.TargetLoss.ToString(CultureInfo.InvariantCulture)}");
        return text.ToString();
    }

    private static string Word(GradientVerdict verdict) => verdict switch
    {
        GradientVerdict.Ok => "ok",
        GradientVerdict.Unresolved => "unresolved: steps cross ReLU kinks",
        _ => "WRONG",
    };

    // The noise allowance and the step matter where the relative error alone is past the tolerance: they say why it is ok
    // all the same (a gradient of 0, e.g. a bias right before batch norm, resolved only to the loss's rounding), or how much
    // of a WRONG rounding could not explain.
    private static string Errors(GradientCheckResult check) => check.RelativeError <= NetworkDiagnostics.DefaultTolerance
        ? $"rel {E(check.RelativeError)}"
        : $"rel {E(check.RelativeError)}, noise {E(check.NoiseAllowance)} at step {check.Step.ToString("0.####", CultureInfo.InvariantCulture)}";

    private static string E(double value) => value.ToString("0.000E+00", CultureInfo.InvariantCulture);
}
