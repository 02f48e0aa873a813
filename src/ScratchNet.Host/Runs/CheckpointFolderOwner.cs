using ScratchNet.Files;

namespace ScratchNet.Host.Runs;

/// <summary>
/// Which run folder a checkpoint folder outside it belongs to (<c>/fast/ck/ID/.owner</c>): that folder's identity (device and
/// inode, <see cref="FileIdentity.Of"/>) and place, written by each session that trains into it. A copy of the run folder
/// (<c>cp -a</c>, a restored backup) names the same checkpoint folder in its run.json but is another folder, so it never
/// takes, prunes or continues the owner's points, wherever the owner has been moved since; a moved or renamed run folder
/// keeps its identity and so its checkpoints. The marker is valid only in the folder it was written in (it records that
/// folder's identity too): a checkpoint folder copied along with its run belongs to no one until a run claims it.
/// </summary>
public static class CheckpointFolderOwner
{
    public const string FileName = ".owner";

    /// <summary>True when <paramref name="runFolder"/> owns <paramref name="checkpoints"/>, false when another run folder does, null when no run does (yet).</summary>
    public static bool? IsOwner(string checkpoints, string runFolder)
    {
        ArgumentException.ThrowIfNullOrEmpty(checkpoints);
        ArgumentException.ThrowIfNullOrEmpty(runFolder);
        if (Read(checkpoints) is not { } owner)
        {
            return null;
        }

        return FileIdentity.Of(runFolder) is { } mine ? owner.Run == mine : owner.Place == Path.GetFullPath(runFolder);
    }

    /// <summary>
    /// Makes <paramref name="checkpoints"/> (created if missing) the checkpoint folder of <paramref name="runFolder"/>;
    /// true when it is now, false when another run folder owns it (a copy resumed beside it took it a moment before).
    /// </summary>
    public static bool Claim(string checkpoints, string runFolder)
    {
        ArgumentException.ThrowIfNullOrEmpty(checkpoints);
        ArgumentException.ThrowIfNullOrEmpty(runFolder);
        Directory.CreateDirectory(checkpoints);
        string marker = Path.Combine(checkpoints, FileName);

        // A session killed while it rewrote the marker left its temporary behind.
        AtomicFile.DeleteAbandonedTemporaries(checkpoints, FileName);
        string content = $"{FileIdentity.Of(runFolder)}\n{FileIdentity.Of(checkpoints)}\n{Path.GetFullPath(runFolder)}\n";
        if (IsOwner(checkpoints, runFolder) is false)
        {
            return false;
        }

        if (!File.Exists(marker))
        {
            try
            {
                // Exclusive: of two copies resumed at once that chose the same new folder, one gets it.
                using var created = new FileStream(marker, FileMode.CreateNew, FileAccess.Write);
                created.Write(System.Text.Encoding.UTF8.GetBytes(content));
                return true;
            }
            catch (IOException) when (File.Exists(marker))
            {
                return IsOwner(checkpoints, runFolder) is true;
            }
        }

        // Ours, or a stale marker copied along with the folder: written again with this folder's place.
        AtomicFile.WriteAllText(marker, content, createFolder: false);
        return true;
    }

    /// <summary>
    /// The run folder that marks <paramref name="checkpoints"/> as its own, wherever it is now: at the place the marker
    /// names, else a folder of <paramref name="root"/> with its identity (renamed there since). Null when no valid marker
    /// names one, or that folder is found in neither place.
    /// </summary>
    public static string? Find(string checkpoints, string root)
    {
        ArgumentException.ThrowIfNullOrEmpty(checkpoints);
        ArgumentException.ThrowIfNullOrEmpty(root);
        if (Read(checkpoints) is not { } owner)
        {
            return null;
        }

        IEnumerable<string> candidates = Directory.Exists(root) ? Directory.EnumerateDirectories(root).Prepend(owner.Place) : [owner.Place];
        return candidates.FirstOrDefault(folder => FileIdentity.Of(folder) == owner.Run);
    }

    /// <summary>Where the run folder that marks <paramref name="checkpoints"/> as its own was when it last trained; null without a valid marker.</summary>
    public static string? MarkedPlace(string checkpoints)
    {
        ArgumentException.ThrowIfNullOrEmpty(checkpoints);
        return Read(checkpoints)?.Place;
    }

    private static (string Run, string Folder, string Place)? Read(string checkpoints)
    {
        try
        {
            string[] lines = File.ReadAllLines(Path.Combine(checkpoints, FileName));
            return lines.Length >= 3 && lines[0].Length > 0 && lines[1] == (FileIdentity.Of(checkpoints) ?? string.Empty)
                ? (lines[0], lines[1], lines[2])
                : null;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return null;
        }
    }
}
