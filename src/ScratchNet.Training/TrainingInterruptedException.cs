using ScratchNet.Training.Checkpoints;

namespace ScratchNet.Training;

/// <summary>Training was cancelled (Ctrl+C) at a batch boundary; the message says where and how to resume.</summary>
public sealed class TrainingInterruptedException(int epoch, int batch, string? checkpointPath, CancellationToken token)
    : OperationCanceledException(Describe(epoch, batch, checkpointPath), token)
{
    public int Epoch { get; } = epoch;

    public int Batch { get; } = batch;

    /// <summary>The resume point saved on the way out, or null when checkpoints are off.</summary>
    public string? CheckpointPath { get; } = checkpointPath;

    private static string Describe(int epoch, int batch, string? path) =>
        path is null
            ? $"Interrupted at epoch {epoch}, batch {batch}; no checkpoint was saved (Checkpoints:Directory is empty)."
            : $"Interrupted at epoch {epoch}, batch {batch}; saved {path}. Resume with: {ResumeCommand.For(path)}";
}
