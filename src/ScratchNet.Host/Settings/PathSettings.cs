using System.Text.RegularExpressions;
using Microsoft.Extensions.Configuration;

namespace ScratchNet.Host.Settings;

/// <summary>
/// The keys whose value names a file or folder, and what they are made of as paths. A shell turns <c>~/runs</c> into the
/// home folder only at the start of a word, so never after <c>--Run:Directory=</c>, in a JSON file or in an environment
/// variable's value: taken as written, it made a folder named <c>~</c> in the working folder (which <c>rm -rf ~</c> then
/// "cleans up"). A leading <c>~</c> or <c>~/</c> is therefore the home folder here too (<see cref="UserValues"/> expands it
/// as each of the user's sources is read); what only a shell could resolve, a variable (<c>$HOME</c>, <c>${HOME}</c>) or
/// another user's home (<c>~bob/</c>), is refused rather than guessed.
/// </summary>
public static partial class PathSettings
{
    /// <summary>Every key that names a file or folder; a test holds this list to the options classes' path-like properties.</summary>
    public static IReadOnlyList<string> Keys { get; } =
    [
        "Run:Directory", "Checkpoints:Directory", "Checkpoints:ResumeFrom", "Data:Directory", "Data:CacheDirectory", "Model:InitFrom",
    ];

    /// <summary>Whether <paramref name="key"/> (any case) names a file or folder.</summary>
    public static bool IsPath(string key) => Keys.Contains(key, StringComparer.OrdinalIgnoreCase);

    /// <summary>The user's home folder, where <c>~</c> leads; null when it is unknown (no HOME).</summary>
    public static string? Home
    {
        get
        {
            string home = Environment.GetFolderPath(Environment.SpecialFolder.UserProfile);
            return home.Length == 0 ? null : home;
        }
    }

    /// <summary><paramref name="value"/> with a leading <c>~</c> or <c>~/</c> made <paramref name="home"/>; anything else unchanged.</summary>
    public static string ExpandHome(string value, string? home)
    {
        ArgumentNullException.ThrowIfNull(value);
        if (home is null || value.Length == 0 || value[0] != '~')
        {
            return value;
        }

        if (value.Length == 1)
        {
            return home;
        }

        return IsSeparator(value[1]) ? Path.Join(home, value[2..]) : value;
    }

    /// <summary>One line per path key a user's source sets to what only a shell would resolve (see <see cref="PathSettings"/>).</summary>
    public static IReadOnlyList<string> Problems(IConfigurationRoot configuration)
    {
        ArgumentNullException.ThrowIfNull(configuration);
        var problems = new List<string>();
        foreach (IConfigurationProvider provider in configuration.Providers.Where(ConfigurationSources.WrittenByUser))
        {
            foreach (string key in Keys)
            {
                if (provider.TryGet(key, out string? value) && value is not null && Problem(value) is { } problem)
                {
                    problems.Add($"{key} '{value}' (from {ConfigurationSources.Describe(provider, key)}) {problem}");
                }
            }
        }

        return problems;
    }

    /// <summary>Why <paramref name="value"/>, already through <see cref="ExpandHome"/>, cannot be taken as a path; null when it can.</summary>
    public static string? Problem(string value)
    {
        ArgumentNullException.ThrowIfNull(value);
        if (Variable().Match(value) is { Success: true } variable)
        {
            string name = variable.Groups["name"].Value;
            string? set = Environment.GetEnvironmentVariable(name);
            string example = string.IsNullOrEmpty(set) ? string.Empty : $" ({value.Replace(variable.Value, set, StringComparison.Ordinal)})";
            return $"holds the shell variable {variable.Value}, which is not expanded in a configuration file, an environment variable's value or after --Key=: write the path itself{example}";
        }

        if (value.StartsWith('~'))
        {
            int end = value.IndexOfAny(['/', Path.DirectorySeparatorChar]);
            string user = end < 0 ? value : value[..end];
            return user == "~"
                ? "starts with ~, but the home folder is unknown (HOME is not set): write the full path"
                : $"starts with {user}, another user's home folder, which is not expanded here: write the full path (or ./{value} for a folder named {user} in the working folder)";
        }

        return null;
    }

    private static bool IsSeparator(char c) => c == '/' || c == Path.DirectorySeparatorChar;

    // $NAME or ${NAME}, as a POSIX shell writes a variable; a lone $ or $1 is left as a name's own character.
    [GeneratedRegex(@"\$(\{(?<name>[A-Za-z_][A-Za-z0-9_]*)\}|(?<name>[A-Za-z_][A-Za-z0-9_]*))")]
    private static partial Regex Variable();
}
