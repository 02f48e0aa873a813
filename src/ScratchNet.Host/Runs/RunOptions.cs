namespace ScratchNet.Host.Runs;

/// <summary>Where runs keep their folders (section "Run").</summary>
public sealed class RunOptions
{
    public const string SectionName = "Run";

    /// <summary>Each train gets a folder <c>{Directory}/{run id}</c> (see <see cref="RunFolder"/>).</summary>
    public string Directory { get; set; } = "runs";
}
