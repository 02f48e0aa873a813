namespace ScratchNet.Host.Runs;

/// <summary>One process's work on a run.</summary>
public sealed class RunSession
{
    public DateTime Started { get; set; }

    public DateTime? Ended { get; set; }

    /// <summary>
    /// How this session ended (see <see cref="RunStatus.State"/>); <see cref="RunStatus.Lost"/> when it was killed or
    /// crashed, as the next session found it (its <see cref="Ended"/> stays null: when it died is not known).
    /// </summary>
    public string State { get; set; } = RunStatus.Running;

    /// <summary>The checkpoint this session continued, if it was a resume.</summary>
    public string? ResumedFrom { get; set; }

    /// <summary>
    /// The newest resume point this session left (in its checkpoint folder, or a rescue in the temp folder); null when it
    /// left none or was killed before it could say. What <c>--resume</c> continues, with the newest in the checkpoint folder.
    /// </summary>
    public string? ResumePoint { get; set; }

    public int ProcessId { get; set; }

    /// <summary>The ScratchNet that ran it ("1.0.0+commit"), so a result can be traced to the code that made it.</summary>
    public string? Version { get; set; }

    /// <summary>The command line as given (<c>train --recipe cnn --Training:Epochs=5</c>), one argument per entry.</summary>
    public List<string>? Arguments { get; set; }

    /// <summary>The machine's name and processor count, since speed and thread counts depend on them.</summary>
    public string? Machine { get; set; }

    public int? Processors { get; set; }
}
