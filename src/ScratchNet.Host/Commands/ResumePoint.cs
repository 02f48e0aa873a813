using ScratchNet.Training.Checkpoints;
using ScratchNet.Training.Options;

namespace ScratchNet.Host.Commands;

/// <summary>Finds and checks the checkpoint a <c>train --resume [FILE]</c> (or Checkpoints:ResumeFrom) continues.</summary>
public static class ResumePoint
{
    /// <returns>The checkpoint and its path, or null when no resume was asked for.</returns>
    /// <exception cref="CheckpointException">Missing, damaged, or written under other settings.</exception>
    public static (Checkpoint Checkpoint, string Path)? Find(CommandLine commandLine, CheckpointOptions options, ConfigurationFingerprint fingerprint)
    {
        ArgumentNullException.ThrowIfNull(commandLine);
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(fingerprint);
        string? requested = commandLine.HasOption("resume") ? commandLine.Option("resume") ?? "latest" : options.ResumeFrom;
        if (string.IsNullOrWhiteSpace(requested))
        {
            return null;
        }

        string path = requested;
        if (string.Equals(requested, "latest", StringComparison.OrdinalIgnoreCase))
        {
            var directory = new CheckpointDirectory(string.IsNullOrWhiteSpace(options.Directory) ? "." : options.Directory, Math.Max(1, options.KeepLast));
            path = directory.Latest()
                ?? throw new CheckpointException($"there is no checkpoint to resume in {directory.Path}; give a file with --resume FILE, or set Checkpoints:Directory");
        }

        Checkpoint checkpoint = CheckpointFile.Load(path);
        if (!string.Equals(checkpoint.ConfigurationHash, fingerprint.Compute(), StringComparison.Ordinal))
        {
            throw new CheckpointException($"{path} was written under other settings (Data, Model, Training, Optimizer or Schedule differ); resume with the settings and --recipe of the interrupted run, or train afresh without --resume");
        }

        return (checkpoint, Path.GetFullPath(path));
    }
}
