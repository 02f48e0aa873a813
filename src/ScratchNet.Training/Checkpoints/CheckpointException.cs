using ScratchNet.Files;

namespace ScratchNet.Training.Checkpoints;

/// <summary>
/// A checkpoint cannot be used: missing, damaged, or written with other settings. A user error, not a bug. A refusal
/// about one file or folder is made with <see cref="About"/>, which composes the line here alone: "NOUN FILE PROBLEM",
/// FILE as <see cref="ShownName"/> shows a name, so a line break in it cannot split the line; any other name in the
/// problem is passed through <see cref="ShownName.Of"/> (or <see cref="ResumeCommand"/>'s shell quoting) where it is written.
/// </summary>
public sealed class CheckpointException : Exception
{
    /// <param name="message">One line saying what is wrong and what to do; every name in it shown through <see cref="ShownName"/>.</param>
    /// <param name="damaged">True when the file itself is corrupt (wrong magic, version or checksum).</param>
    public CheckpointException(string message, bool damaged = false)
        : base(message)
    {
        Damaged = damaged;
    }

    /// <summary>True when the file itself is corrupt (wrong magic, version or checksum).</summary>
    public bool Damaged { get; }

    /// <summary>No checkpoint is at fault: there is simply no interrupted run to continue, so "Checkpoint unusable" would mislead.</summary>
    public bool NothingToResume { get; init; }

    /// <summary>A fault of <paramref name="file"/>: "<paramref name="noun"/> FILE <paramref name="problem"/>" ("the checkpoint FILE does not exist; …").</summary>
    /// <param name="file">The file or folder, as the user named it or as found.</param>
    /// <param name="problem">What is wrong and what to do, the words after the name.</param>
    /// <param name="noun">What the file is, before its name ("the checkpoint", "the run in"); null to start with the name.</param>
    public static CheckpointException About(string file, string problem, bool damaged = false, string? noun = null)
    {
        ArgumentException.ThrowIfNullOrEmpty(file);
        ArgumentException.ThrowIfNullOrEmpty(problem);
        string shown = ShownName.Of(file);
        return new(noun is null ? $"{shown} {problem}" : $"{noun} {shown} {problem}", damaged);
    }
}
