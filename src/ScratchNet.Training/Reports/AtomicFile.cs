using System.Text;

namespace ScratchNet.Training.Reports;

/// <summary>Replaces a file's content all at once, so a reader (or a run killed mid-write) sees the old content or the new, never half.</summary>
public static class AtomicFile
{
    /// <summary>Writes <paramref name="content"/> (UTF-8, no BOM) to a temp file beside <paramref name="path"/>, then renames it over <paramref name="path"/>.</summary>
    public static void WriteAllText(string path, string content)
    {
        ArgumentNullException.ThrowIfNull(content);
        WriteAllBytes(path, new UTF8Encoding(encoderShouldEmitUTF8Identifier: false).GetBytes(content));
    }

    /// <summary>As <see cref="WriteAllText"/>, for binary content such as a PNG.</summary>
    public static void WriteAllBytes(string path, ReadOnlySpan<byte> content)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(path);
        string full = Path.GetFullPath(path);
        Directory.CreateDirectory(Path.GetDirectoryName(full)!);

        // Same folder, so the rename stays on one file system and is atomic.
        string temp = $"{full}.{Environment.ProcessId}.tmp";
        try
        {
            File.WriteAllBytes(temp, content);
            File.Move(temp, full, overwrite: true);
        }
        finally
        {
            if (File.Exists(temp))
            {
                File.Delete(temp);
            }
        }
    }
}
