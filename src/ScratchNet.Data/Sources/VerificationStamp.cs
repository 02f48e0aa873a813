using System.Globalization;
using ScratchNet.Files;

namespace ScratchNet.Data.Sources;

/// <summary>
/// A small sidecar, <c>.NAME.verified</c>, recording the SHA-256 a cached file was verified against and the
/// file's length and modification time at that moment. While both still match, the file is unchanged since
/// it was verified and need not be hashed again; any write to the file changes its modification time, so a
/// replaced or damaged copy is hashed (and rejected) as before. Losing or damaging the stamp only costs a re-hash.
/// </summary>
public static class VerificationStamp
{
    public static string PathFor(string file) =>
        System.IO.Path.Combine(System.IO.Path.GetDirectoryName(file) ?? ".", $".{System.IO.Path.GetFileName(file)}.verified");

    /// <summary>True when the stamp names <paramref name="sha256"/> and the file's current length and modification time.</summary>
    public static bool Matches(string file, string sha256)
    {
        try
        {
            string stamp = PathFor(file);
            if (!File.Exists(stamp))
            {
                return false;
            }

            return string.Equals(File.ReadAllText(stamp).Trim(), Describe(file, sha256), StringComparison.Ordinal);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            return false;
        }
    }

    /// <summary>Records that <paramref name="file"/> was just verified. A stamp that cannot be written only means a re-hash next time.</summary>
    public static void TryWrite(string file, string sha256)
    {
        try
        {
            AtomicFile.WriteAllText(PathFor(file), Describe(file, sha256));
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            // Nothing more to do: the write left no temporary behind, and a missing stamp only costs a re-hash.
        }
    }

    public static void Delete(string file)
    {
        try
        {
            File.Delete(PathFor(file));
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            // A stale stamp cannot match the replaced file's modification time; it is harmless.
        }
    }

    private static string Describe(string file, string sha256)
    {
        var info = new FileInfo(file);
        return string.Create(CultureInfo.InvariantCulture, $"{sha256.ToLowerInvariant()} {info.Length} {info.LastWriteTimeUtc.Ticks}");
    }
}
