using System.Text;

namespace ScratchNet.Training.Reports;

/// <summary>
/// Replaces a report's content all at once, so a reader (or a run killed mid-write) sees the old content or the
/// new, never half. The text and byte forms of <see cref="Checkpoints.AtomicFile"/>, without its flush to disk.
/// </summary>
public static class AtomicFile
{
    /// <summary>Writes <paramref name="content"/> (UTF-8, no BOM) to a temp file beside <paramref name="path"/>, then renames it over <paramref name="path"/>.</summary>
    public static void WriteAllText(string path, string content)
    {
        ArgumentNullException.ThrowIfNull(content);
        WriteAllBytes(path, new UTF8Encoding(encoderShouldEmitUTF8Identifier: false).GetBytes(content));
    }

    /// <summary>As <see cref="WriteAllText"/>, for binary content such as a PNG.</summary>
    public static void WriteAllBytes(string path, byte[] content)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(path);
        ArgumentNullException.ThrowIfNull(content);
        Checkpoints.AtomicFile.Write(path, stream => stream.Write(content), flushToDisk: false);
    }
}
