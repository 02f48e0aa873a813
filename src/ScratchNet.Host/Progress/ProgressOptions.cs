namespace ScratchNet.Host.Progress;

/// <summary>The console progress bar (section "Progress").</summary>
public sealed class ProgressOptions
{
    public const string SectionName = "Progress";

    /// <summary>False turns the bar off everywhere. It is off anyway when output is redirected or CI is set.</summary>
    public bool Enabled { get; set; } = true;
}
