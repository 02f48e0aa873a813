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
    /// "is neither a ScratchNet model (.snm) nor a safetensors file", "is invalid: …; it is truncated"); null when its
    /// header is a model's. The server's path is left out, as from every reason a page is shown.
    /// </summary>
    public static string? Problem(string path)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        try
        {
            ModelFile.LoadRecord(path);
            return null;
        }
        catch (ModelFileException e)
        {
            return Reason(e.Message, path);
        }
    }

    // ModelFile's sentence names the file and ends with what to give instead; in the list the file is named before it,
    // and what to give is the explorer's to say when asked to open it.
    private static string Reason(string message, string path)
    {
        string prefix = $"The model file {path} ";
        string said = message.StartsWith(prefix, StringComparison.Ordinal)
            ? message[prefix.Length..]
            : $"cannot be opened: {message.Replace(path, RunsFolder.ModelFile, StringComparison.Ordinal)}";
        int remedy = said.LastIndexOf("; give ", StringComparison.Ordinal);
        return (remedy < 0 ? said : said[..remedy]).TrimEnd('.');
    }
}
