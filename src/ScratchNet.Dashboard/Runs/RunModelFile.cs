using ScratchNet.Models;

namespace ScratchNet.Dashboard.Runs;

/// <summary>
/// Whether a run's model.snm can be offered to the explorer, judged from its header alone (a few kilobytes, never the
/// tensors): an empty, cut-short or foreign file was offered, and failed only when opened with "neither a ScratchNet
/// model nor a safetensors file". The runs list and the explorer's model list ask this
/// one rule, so a file they do not offer always has its reason in the list.
/// </summary>
internal static class RunModelFile
{
    /// <summary>
    /// Why the model file at <paramref name="path"/> cannot be opened, to follow its name in the runs list ("is empty (0 bytes)",
    /// "is neither a ScratchNet model (.snm) nor a safetensors file", "is invalid: …; it is truncated"): the refusal's
    /// <see cref="ModelFileException.Problem"/>. The list names the file before it, and what to give instead is the
    /// explorer's to say when asked to open it. Null when its header is a model's. The server's path is left out, as
    /// from every reason a page is shown.
    /// </summary>
    public static string? Problem(string path) => Fault(path)?.Naming(RunsFolder.ModelFile).Problem;

    /// <summary>
    /// <see cref="Problem"/> with the remedy the command line gives for it ("…, so it is truncated; train or export it
    /// again, or restore it from a copy"), for the runs list's cell: the reason alone left the reader without the way out
    /// that predict, evaluate and the explorer name. Null when its header is a model's.
    /// </summary>
    public static string? Reason(string path) =>
        Fault(path)?.Naming(RunsFolder.ModelFile) is not { } fault ? null : fault.Remedy is { } remedy ? $"{fault.Problem}; {remedy}" : fault.Problem;

    /// <summary>The refusal of the model file at <paramref name="path"/>, naming the server's path; null when its header is a model's.</summary>
    public static ModelFileException? Fault(string path)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        try
        {
            ModelFile.LoadRecord(path);
            return null;
        }
        catch (ModelFileException e)
        {
            return e;
        }
    }
}
