namespace ScratchNet.Host;

/// <summary>Where each run writes its files (section "Run").</summary>
public sealed class RunOptions
{
    public const string SectionName = "Run";

    /// <summary>Each run gets a folder <c>{Directory}/{yyyyMMdd-HHmmss}</c> holding its structured log (log.clef).</summary>
    public string Directory { get; set; } = "runs";
}
