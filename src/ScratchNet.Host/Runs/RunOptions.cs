using Microsoft.Extensions.Options;

namespace ScratchNet.Host.Runs;

/// <summary>Where runs keep their folders (section "Run").</summary>
public sealed class RunOptions
{
    public const string SectionName = "Run";

    /// <summary>Each train gets a folder <c>{Directory}/{run id}</c> (see <see cref="RunFolder"/>).</summary>
    public string Directory { get; set; } = "runs";
}

/// <summary>Run:Directory must name a folder.</summary>
public sealed class RunOptionsValidator : IValidateOptions<RunOptions>
{
    public ValidateOptionsResult Validate(string? name, RunOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        return string.IsNullOrWhiteSpace(options.Directory)
            ? ValidateOptionsResult.Fail("Run:Directory must name a folder (default runs), got an empty value")
            : ValidateOptionsResult.Success;
    }
}
