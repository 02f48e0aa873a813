using Microsoft.Extensions.Options;

namespace ScratchNet.Host.Runs;

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
