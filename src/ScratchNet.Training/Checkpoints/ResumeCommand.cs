using ScratchNet.Files;

namespace ScratchNet.Training.Checkpoints;

/// <summary>
/// The command that continues from a checkpoint, as messages print it for the user to paste: <c>train --resume PATH</c>,
/// the path a <see cref="ShellWord"/>.
/// </summary>
public static class ResumeCommand
{
    public static string For(string checkpointPath)
    {
        ArgumentException.ThrowIfNullOrEmpty(checkpointPath);
        return $"train --resume {ShellWord.Quote(checkpointPath)}";
    }
}
