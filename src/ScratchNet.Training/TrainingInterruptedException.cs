using ScratchNet.Files;
using ScratchNet.Training.Checkpoints;

namespace ScratchNet.Training;

/// <summary>Training was cancelled (Ctrl+C) at a batch boundary; the message says where and how to resume.</summary>
/// <param name="resumeWith">What the printed command resumes (the run's folder, which finds the point wherever the folder goes); the checkpoint when null.</param>
public sealed class TrainingInterruptedException(int epoch, int batch, string? checkpointPath, CancellationToken token, string? resumeWith = null)
    : OperationCanceledException(Describe(epoch, batch, checkpointPath, resumeWith), token)
{
    public int Epoch { get; } = epoch;

    public int Batch { get; } = batch;

    /// <summary>The resume point saved on the way out, or null when checkpoints are off.</summary>
    public string? CheckpointPath { get; } = checkpointPath;

    private static string Describe(int epoch, int batch, string? path, string? resumeWith) =>
        path is null
            ? $"Interrupted at epoch {epoch}, batch {batch}; no checkpoint was saved (Checkpoints:Directory is empty)."
            : $"Interrupted at epoch {epoch}, batch {batch}; saved {ShownName.Of(path)}. Resume with: {ResumeCommand.For(resumeWith ?? path)}";
}
