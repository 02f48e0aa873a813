using BenchmarkDotNet.Running;

namespace ScratchNet.Benchmarks;

public static class Program
{
    /// <summary>
    /// Runs the benchmarks BenchmarkDotNet's command line selects (--filter, --job, --list …).
    /// <c>--quick</c> is shorthand for <c>--job short</c> (1 launch, 3 warm-up and 3 measured iterations).
    /// </summary>
    public static void Main(string[] args)
    {
        string[] arguments = args.SelectMany(a => a == "--quick" ? new[] { "--job", "short" } : [a]).ToArray();
        BenchmarkSwitcher.FromAssembly(typeof(Program).Assembly).Run(arguments);
    }
}
