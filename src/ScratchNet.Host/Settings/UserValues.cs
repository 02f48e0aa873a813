namespace ScratchNet.Host.Settings;

/// <summary>
/// What every value a user writes (the command line, SCRATCHNET_ variables, a --config file) goes through as its source is
/// read, before anything uses it: blanks and control characters at either end are dropped, so the <c>\r</c> a Windows
/// <c>.env</c> file leaves on each line is no part of a folder's or an optimizer's name (numbers were already read so);
/// and a path key is read as a path (<see cref="PathSettings.Read"/>: a leading <c>~</c> becomes the home folder, <c>$$</c>
/// a <c>$</c>). Serilog's settings are left as written: an output template's spaces and line ends are its own.
/// </summary>
public static class UserValues
{
    /// <summary>
    /// Cleans every value of <paramref name="data"/> (a provider's keys and values) in place, and returns what its path
    /// keys hold that cannot be taken as a path: the source is read again whenever the configuration is rebuilt, so its
    /// problems are found as it is read, from the values as written, and kept with it.
    /// </summary>
    public static IReadOnlyList<PathProblem> Clean(IDictionary<string, string?> data)
    {
        ArgumentNullException.ThrowIfNull(data);
        string? home = PathSettings.Home;
        var problems = new List<PathProblem>();
        foreach ((string key, string? value) in data.ToList())
        {
            if (value is null || key.StartsWith(SerilogSettingsCheck.Section + ":", StringComparison.OrdinalIgnoreCase))
            {
                continue;
            }

            string clean = Trim(value);
            if (PathSettings.Canonical(key) is { } pathKey)
            {
                (clean, string? problem) = PathSettings.Read(pathKey, value, clean, home);
                if (problem is not null)
                {
                    problems.Add(new PathProblem(pathKey, key, clean.Length == 0 ? value : clean, problem));
                }
            }

            if (!string.Equals(clean, value, StringComparison.Ordinal))
            {
                data[key] = clean;
            }
        }

        return problems;
    }

    /// <summary><paramref name="value"/> without blanks or control characters at either end.</summary>
    public static string Trim(string value)
    {
        ArgumentNullException.ThrowIfNull(value);
        int start = 0, end = value.Length;
        while (start < end && IsBlank(value[start]))
        {
            start++;
        }

        while (end > start && IsBlank(value[end - 1]))
        {
            end--;
        }

        return value[start..end];
    }

    private static bool IsBlank(char c) => char.IsWhiteSpace(c) || char.IsControl(c);
}
