using ScratchNet.Files;

namespace ScratchNet.Host.Runs;

/// <summary>
/// Which run folder a rescue in the temp folder was kept for (<c>scratchnet-ID-ckpt-e0007-b000669.ckpt.owner</c>, beside
/// it): that folder's identity (device and inode, <see cref="FileIdentity.Of"/>) and place. A rescue is named after its run
/// folder, and a copy of the folder (<c>cp -a</c>, which keeps the name) writes rescues of the same name; run.json names the
/// rescue each session left, but a session killed before it recorded that leaves one no run.json names. This tells whose it
/// is: a moved or renamed folder keeps its identity and so its rescues, a copy is another folder. A sidecar rather than a
/// field of the checkpoint: the resume reads it for every rescue of the name without reading (and checking) a whole
/// checkpoint, and the checkpoint format stays as it was. A rescue without one (written before this, or copied elsewhere
/// alone) is taken as before: by name, and by what run.json records.
/// </summary>
public static class RescueOwner
{
    /// <summary>The sidecar's suffix, after the rescue's own name.</summary>
    public const string Suffix = ".owner";

    /// <summary>The sidecar of <paramref name="rescue"/>.</summary>
    public static string PathOf(string rescue) => rescue + Suffix;

    /// <summary>
    /// Records that <paramref name="rescue"/> was kept for the run folder with <paramref name="identity"/> (null where the
    /// system cannot tell one) now at <paramref name="place"/>. Best effort: a rescue without it is still resumed by name.
    /// </summary>
    public static void Write(string rescue, string? identity, string place)
    {
        ArgumentException.ThrowIfNullOrEmpty(rescue);
        ArgumentException.ThrowIfNullOrEmpty(place);
        try
        {
            AtomicFile.WriteAllText(PathOf(rescue), $"{identity}\n{Path.GetFullPath(place)}\n", createFolder: false);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            // The rescue itself matters; without its sidecar it is told apart only by what run.json records, as before.
        }
    }

    /// <summary>
    /// True when <paramref name="rescue"/> was kept for <paramref name="runFolder"/> (the same identity; where either
    /// identity is unknown, the same place), false when it was kept for another folder (a copy of the same name, or the
    /// original the folder was copied from), null when it has no sidecar (written before there were any). A sidecar that
    /// is there but says nothing readable (emptied or edited by hand) counts as another folder's: taken for this one's, it
    /// let the original resume a copy's rescue and prune it at its end, so that the copy could no longer resume.
    /// </summary>
    public static bool? Belongs(string rescue, string runFolder)
    {
        ArgumentException.ThrowIfNullOrEmpty(rescue);
        ArgumentException.ThrowIfNullOrEmpty(runFolder);
        if (Read(rescue) is not { } owner)
        {
            return IsDamaged(rescue) ? false : null;
        }

        return owner.Identity is { } kept && FileIdentity.Of(runFolder) is { } mine
            ? kept == mine
            : owner.Place == Path.GetFullPath(runFolder);
    }

    /// <summary>
    /// Where the run folder <paramref name="rescue"/> was kept for was when it was written; for a sidecar that says nothing
    /// readable, that it cannot tell; null without a sidecar.
    /// </summary>
    public static string? Place(string rescue)
    {
        ArgumentException.ThrowIfNullOrEmpty(rescue);
        return Read(rescue)?.Place ?? (IsDamaged(rescue) ? $"which its record {PathOf(rescue)} no longer says (it is damaged)" : null);
    }

    /// <summary>Removes <paramref name="rescue"/> and its sidecar.</summary>
    public static void Delete(string rescue)
    {
        ArgumentException.ThrowIfNullOrEmpty(rescue);
        File.Delete(rescue);
        File.Delete(PathOf(rescue));
    }

    private static bool IsDamaged(string rescue) => File.Exists(PathOf(rescue)) && Read(rescue) is null;

    private static (string? Identity, string Place)? Read(string rescue)
    {
        try
        {
            string[] lines = File.ReadAllLines(PathOf(rescue));
            return lines.Length >= 2 && lines[1].Length > 0 ? (lines[0].Length > 0 ? lines[0] : null, lines[1]) : null;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return null;
        }
    }
}
