namespace ScratchNet.Host.Settings;

/// <summary>
/// What every value a user writes (the command line, SCRATCHNET_ variables, a --config file) goes through as its source is
/// read, before anything uses it: blanks and control characters at either end are dropped, so the <c>\r</c> a Windows
/// <c>.env</c> file leaves on each line is no part of a folder's or an optimizer's name (numbers were already read so);
/// and a path key's leading <c>~</c> becomes the home folder (<see cref="PathSettings"/>). Serilog's settings are left as
/// written: an output template's spaces and line ends are its own.
/// </summary>
public static class UserValues
{
    /// <summary>Cleans every value of <paramref name="data"/> (a provider's keys and values) in place.</summary>
    public static void Clean(IDictionary<string, string?> data)
    {
        ArgumentNullException.ThrowIfNull(data);
        string? home = PathSettings.Home;
        foreach ((string key, string? value) in data.ToList())
        {
            if (value is null || key.StartsWith(SerilogSettingsCheck.Section + ":", StringComparison.OrdinalIgnoreCase))
            {
                continue;
            }

            string clean = Trim(value);
            if (PathSettings.IsPath(key))
            {
                clean = PathSettings.ExpandHome(clean, home);
            }

            if (!string.Equals(clean, value, StringComparison.Ordinal))
            {
                data[key] = clean;
            }
        }
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
