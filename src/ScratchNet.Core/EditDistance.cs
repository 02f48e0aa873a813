namespace ScratchNet.Core;

/// <summary>
/// Levenshtein distance, ignoring case: how many single-character edits turn one word into another. Behind every "did you
/// mean" of the project: layer kinds in Model:Layers, configuration keys and Serilog settings in the host.
/// </summary>
public static class EditDistance
{
    public static int Between(string a, string b)
    {
        ArgumentNullException.ThrowIfNull(a);
        ArgumentNullException.ThrowIfNull(b);
        var previous = new int[b.Length + 1];
        var current = new int[b.Length + 1];
        for (int j = 0; j <= b.Length; j++)
        {
            previous[j] = j;
        }

        for (int i = 1; i <= a.Length; i++)
        {
            current[0] = i;
            for (int j = 1; j <= b.Length; j++)
            {
                int substitution = char.ToUpperInvariant(a[i - 1]) == char.ToUpperInvariant(b[j - 1]) ? 0 : 1;
                current[j] = Math.Min(Math.Min(current[j - 1] + 1, previous[j] + 1), previous[j - 1] + substitution);
            }

            (previous, current) = (current, previous);
        }

        return previous[b.Length];
    }

    /// <summary>The candidate closest to <paramref name="key"/>, if it is close enough to be a typo of it.</summary>
    public static string? Closest(string key, IEnumerable<string> candidates)
    {
        ArgumentNullException.ThrowIfNull(candidates);
        string? best = null;
        int bestDistance = int.MaxValue;
        foreach (string candidate in candidates)
        {
            // A key cut short ("Data:Augment:Rotation" for Data:Augment:RotationDegrees) is close to the start of the real one.
            int distance = Between(key, candidate);
            if (candidate.Length > key.Length)
            {
                distance = Math.Min(distance, Between(key, candidate[..key.Length]) + 1);
            }

            if (distance < bestDistance)
            {
                (best, bestDistance) = (candidate, distance);
            }
        }

        // A third of the key's length: "Trainng:Epochs" finds Training:Epochs, "Foo:Bar" finds nothing.
        return best is not null && bestDistance <= Math.Max(2, key.Length / 3) ? best : null;
    }
}
