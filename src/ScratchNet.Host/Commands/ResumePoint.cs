using ScratchNet.Host.Runs;
using ScratchNet.Training.Checkpoints;

namespace ScratchNet.Host.Commands;

/// <summary>Loads and checks the checkpoint a <c>train --resume [FILE]</c> (or Checkpoints:ResumeFrom) continues; <see cref="RunCatalog"/> chose it.</summary>
public static class ResumePoint
{
    /// <returns>The checkpoint, or null when this run is not a resume.</returns>
    /// <exception cref="CheckpointException">Missing, damaged, or written under other settings (naming every key that differs).</exception>
    public static Checkpoint? Load(RunFolder folder, ConfigurationFingerprint fingerprint)
    {
        ArgumentNullException.ThrowIfNull(folder);
        ArgumentNullException.ThrowIfNull(fingerprint);
        if (folder.ResumeCheckpoint is not { } path)
        {
            return null;
        }

        Checkpoint checkpoint;
        try
        {
            checkpoint = CheckpointFile.Load(path);
        }
        catch (CheckpointException e) when (e.Damaged && OlderBeside(path) is { } older)
        {
            // A resume point damaged by a crash mid-write or a bad disk: the one before it usually is not.
            throw new CheckpointException($"{e.Message.TrimEnd('.')}. The resume point before it may be intact: {ResumeCommand.For(older)}", damaged: true);
        }

        if (checkpoint.Settings.Count > 0)
        {
            IReadOnlyList<string> differences = ConfigurationFingerprint.Differences(checkpoint.Settings, fingerprint.Settings());
            if (differences.Count > 0)
            {
                throw new CheckpointException(
                    $"{path} was written under other settings — {string.Join("; ", differences)}. A resumed run keeps its checkpoint's settings: leave out the recipe, --config file, environment variables or command-line keys that change them (Training:Threads may differ), or train afresh without --resume");
            }
        }
        else if (!string.Equals(checkpoint.ConfigurationHash, fingerprint.LegacyHash(), StringComparison.Ordinal))
        {
            throw new CheckpointException(
                $"{path} was written under other settings (Data, Model, Training, Optimizer or Schedule differ; this older checkpoint records only their hash, so the keys cannot be named); resume with the settings and --recipe of the interrupted run, or train afresh without --resume");
        }

        return checkpoint;
    }

    private static string? OlderBeside(string path)
    {
        string? folder = Path.GetDirectoryName(Path.GetFullPath(path));
        return folder is null
            ? null
            : new CheckpointDirectory(folder, 1).ResumePoints().FirstOrDefault(p => string.CompareOrdinal(Path.GetFileName(p), Path.GetFileName(path)) < 0);
    }
}
