namespace ScratchNet.Host.Settings;

/// <summary>Configuration that cannot be run: unknown keys, values of the wrong shape, Serilog settings Serilog would refuse. Exit code 2.</summary>
public sealed class ConfigurationException(IReadOnlyList<string> problems, Exception? inner = null)
    : Exception(string.Join("; ", problems), inner)
{
    public IReadOnlyList<string> Problems { get; } = problems;
}
