using BenchmarkDotNet.Running;

namespace ScratchNet.Benchmarks;

public static class Program
{
    /// <summary>
    /// Runs the benchmarks BenchmarkDotNet's command line selects (--filter, --job, --list …).
    /// <c>--quick</c> is shorthand for <c>--job short</c> (1 launch, 3 warm-up and 3 measured iterations).
    /// <c>--dashboard-overhead [pairs]</c> runs <see cref="DashboardOverhead"/> instead (paired epochs, no BenchmarkDotNet).
    /// </summary>
    public static void Main(string[] args)
    {
        if (args.Length > 0 && args[0] == "--dashboard-overhead")
        {
            DashboardOverhead.Run(args.Length > 1 ? int.Parse(args[1], System.Globalization.CultureInfo.InvariantCulture) : 20);
            return;
        }

        string[] arguments = args.SelectMany(a => a == "--quick" ? new[] { "--job", "short" } : [a]).ToArray();
        BenchmarkSwitcher.FromAssembly(typeof(Program).Assembly).Run(arguments);
    }
}
