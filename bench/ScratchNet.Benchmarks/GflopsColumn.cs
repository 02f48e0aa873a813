using System.Globalization;
using BenchmarkDotNet.Columns;
using BenchmarkDotNet.Configs;
using BenchmarkDotNet.Reports;
using BenchmarkDotNet.Running;

namespace ScratchNet.Benchmarks;

/// <summary>
/// GFLOP/s = <see cref="IFlops.Flops"/> / mean time in ns, for benchmarks that take an <see cref="IFlops"/> argument
/// or parameter (<see cref="LayerShape"/>, <see cref="ProductShape"/>, <see cref="FmaWork"/>).
/// </summary>
public sealed class GflopsColumn : IColumn
{
    public string Id => nameof(GflopsColumn);

    public string ColumnName => "GFLOP/s";

    public bool AlwaysShow => true;

    public ColumnCategory Category => ColumnCategory.Custom;

    public int PriorityInCategory => 0;

    public bool IsNumeric => true;

    public UnitType UnitType => UnitType.Dimensionless;

    public string Legend => "Floating-point operations (a multiply-add counts two) per second, from the mean time, in 10⁹/s";

    public bool IsAvailable(Summary summary) => true;

    public bool IsDefault(Summary summary, BenchmarkCase benchmarkCase) => false;

    public string GetValue(Summary summary, BenchmarkCase benchmarkCase) => GetValue(summary, benchmarkCase, summary.Style);

    public string GetValue(Summary summary, BenchmarkCase benchmarkCase, SummaryStyle style)
    {
        double? gflops = Gflops(summary, benchmarkCase);
        return gflops is double value ? value.ToString("F2", CultureInfo.InvariantCulture) : "-";
    }

    /// <summary>GFLOP/s of one case, or null when it has no shape or no result.</summary>
    public static double? Gflops(Summary summary, BenchmarkCase benchmarkCase)
    {
        IFlops? shape = benchmarkCase.Parameters.Items.Select(p => p.Value).OfType<IFlops>().FirstOrDefault();
        double? meanNanoseconds = summary[benchmarkCase]?.ResultStatistics?.Mean;
        if (shape is null || meanNanoseconds is not > 0)
        {
            return null;
        }

        // FLOP per nanosecond is GFLOP per second.
        return shape.Flops / meanNanoseconds.Value;
    }

    public override string ToString() => ColumnName;
}

/// <summary>Adds <see cref="GflopsColumn"/> to the default columns.</summary>
public sealed class GflopsConfig : ManualConfig
{
    public GflopsConfig()
    {
        AddColumn(new GflopsColumn());
    }
}
