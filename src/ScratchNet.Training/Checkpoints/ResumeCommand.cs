using System.Text.RegularExpressions;

namespace ScratchNet.Training.Checkpoints;

/// <summary>
/// The command that continues from a checkpoint, as messages print it for the user to paste: <c>train --resume PATH</c>,
/// the path quoted for a POSIX shell when it holds anything but plain path characters (a space, a quote, a $).
/// </summary>
public static partial class ResumeCommand
{
    public static string For(string checkpointPath)
    {
        ArgumentException.ThrowIfNullOrEmpty(checkpointPath);
        return $"train --resume {Quote(checkpointPath)}";
    }

    /// <summary>The word itself when a shell reads it unchanged, else in single quotes (a quote inside as <c>'\''</c>).</summary>
    public static string Quote(string word)
    {
        ArgumentNullException.ThrowIfNull(word);
        return Plain().IsMatch(word) ? word : $"'{word.Replace("'", @"'\''", StringComparison.Ordinal)}'";
    }

    [GeneratedRegex(@"^[A-Za-z0-9_./:=+@%,-]+$")]
    private static partial Regex Plain();
}
