using System.Text.RegularExpressions;
using Microsoft.Extensions.Configuration;
using ScratchNet.Files;

namespace ScratchNet.Host.Settings;

/// <summary>
/// The keys whose value names a file or folder, and what they are made of as paths. A shell turns <c>~/runs</c> into the
/// home folder only at the start of a word, so never after <c>--Run:Directory=</c>, in a JSON file or in an environment
/// variable's value: taken as written, it made a folder named <c>~</c> in the working folder (which <c>rm -rf ~</c> then
/// "cleans up"). A leading <c>~</c> or <c>~/</c> is therefore the home folder here too (<see cref="UserValues"/> expands it
/// as each of the user's sources is read); what only a shell could resolve, a variable (<c>$HOME</c>, <c>${HOME}</c>) or
/// another user's home (<c>~bob/</c>), is refused rather than guessed, and <c>$$</c> writes a <c>$</c> that is part of a name
/// (<c>/mnt/$$RECYCLE.BIN</c>), which the refusal says.
/// </summary>
public static partial class PathSettings
{
    /// <summary>Every key that names a file or folder; a test holds this list to the options classes' path-like properties.</summary>
    public static IReadOnlyList<string> Keys { get; } =
    [
        "Run:Directory", "Checkpoints:Directory", "Checkpoints:ResumeFrom", "Data:Directory", "Data:CacheDirectory", "Model:InitFrom",
    ];

    /// <summary>Whether <paramref name="key"/> (any case) names a file or folder.</summary>
    public static bool IsPath(string key) => Canonical(key) is not null;

    /// <summary><paramref name="key"/> as <see cref="Keys"/> spells it, when it names a file or folder (any case); else null.</summary>
    public static string? Canonical(string key) => Keys.FirstOrDefault(k => string.Equals(k, key, StringComparison.OrdinalIgnoreCase));

    // What each key names, for the line that refuses blanks, with what an empty value (how a later source clears a key) does.
    private static readonly Dictionary<string, string> BlankFixes = new(StringComparer.OrdinalIgnoreCase)
    {
        ["Run:Directory"] = "give a folder, or leave the key out for the default, runs",
        ["Checkpoints:Directory"] = "give a folder, leave the key out for the default, checkpoints, or give it empty (--Checkpoints:Directory=) to turn checkpoints off",
        ["Checkpoints:ResumeFrom"] = "give a checkpoint file, or leave the key out",
        ["Data:Directory"] = "give the folder of the IDX files, or leave the key out",
        ["Data:CacheDirectory"] = "give a folder, or leave the key out for the user cache",
        ["Model:InitFrom"] = "give a .snm or .safetensors file, or leave the key out",
    };

    /// <summary>
    /// A path key's value as a user's source wrote it (<paramref name="written"/>; <paramref name="trimmed"/> without
    /// blanks at its ends) made the path it means, and why it cannot be one (null when it can). Only blanks are no
    /// path: an empty value is how a source clears a key (and turns checkpoints off), but a blank one is a slip (a
    /// variable that was empty, a stray space in JSON), which trimming would otherwise make that silently. A leading
    /// <c>~</c> is the home folder; a shell's variable is refused, since nothing here expands it, and <c>$$</c> is a
    /// <c>$</c> that is part of a name (<c>/mnt/$$RECYCLE.BIN</c>).
    /// </summary>
    public static (string Value, string? Problem) Read(string key, string written, string trimmed, string? home)
    {
        ArgumentNullException.ThrowIfNull(key);
        ArgumentNullException.ThrowIfNull(written);
        ArgumentNullException.ThrowIfNull(trimmed);
        if (trimmed.Length == 0)
        {
            // A Windows line end alone (SCRATCHNET_Checkpoints__Directory= in a CRLF .env file) is an empty value.
            return written.Any(c => c is not ('\r' or '\n'))
                ? (trimmed, $"is blank; {BlankFixes.GetValueOrDefault(key, "give a path, or leave the key out")}")
                : (trimmed, null);
        }

        string value = ExpandHome(trimmed, home);
        return Problem(value) is { } problem ? (value, problem) : (Unescape(value), null);
    }

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

    /// <summary>One line per path key a user's source sets to what cannot be a path (see <see cref="Read"/>).</summary>
    public static IReadOnlyList<string> Problems(IConfigurationRoot configuration)
    {
        ArgumentNullException.ThrowIfNull(configuration);
        var problems = new List<string>();
        foreach (IConfigurationProvider provider in configuration.Providers)
        {
            if (provider is UserSources.ICleanedSource cleaned)
            {
                problems.AddRange(cleaned.PathProblems
                    .OrderBy(p => IndexOf(p.Key))
                    .Select(p => $"{p.Key} {ShownName.Quoted(p.Value)} (from {ConfigurationSources.Describe(provider, p.Written)}) {p.Problem}"));
            }
        }

        return problems;
    }

    /// <summary>Why <paramref name="value"/>, already through <see cref="ExpandHome"/>, cannot be taken as a path; null when it can.</summary>
    public static string? Problem(string value)
    {
        ArgumentNullException.ThrowIfNull(value);
        if (Dollars().Matches(value).FirstOrDefault(m => m.Groups["name"].Success) is { } variable)
        {
            string name = variable.Groups["name"].Value;
            string? set = Environment.GetEnvironmentVariable(name);
            string example = string.IsNullOrEmpty(set) ? string.Empty : $" ({ShownName.Of(Unescape(value[..variable.Index]) + set + Unescape(value[(variable.Index + variable.Length)..]))})";
            return $"holds the shell variable {variable.Value}, which only a shell expands, and none did here (not in quotes, after --Key=, in a configuration file or in an environment variable's value): write the path itself{example}, "
                + $"or $$ for a $ that is part of a name ({ShownName.Of(value.Insert(variable.Index, "$"))})";
        }

        if (value.StartsWith('~'))
        {
            int end = value.IndexOfAny(['/', Path.DirectorySeparatorChar]);
            string user = end < 0 ? value : value[..end];
            return user == "~"
                ? "starts with ~, but the home folder is unknown (HOME is not set): write the full path"
                : $"starts with {user}, another user's home folder, which is not expanded here: write the full path (or {ShownName.Of("./" + value)} for a folder named {ShownName.Of(user)} in the working folder)";
        }

        return null;
    }

    /// <summary><paramref name="value"/> with each <c>$$</c> made the <c>$</c> it stands for.</summary>
    public static string Unescape(string value)
    {
        ArgumentNullException.ThrowIfNull(value);
        return Dollars().Replace(value, m => m.Value == "$$" ? "$" : m.Value);
    }

    private static int IndexOf(string key) => Keys.ToList().FindIndex(k => string.Equals(k, key, StringComparison.OrdinalIgnoreCase));

    private static bool IsSeparator(char c) => c == '/' || c == Path.DirectorySeparatorChar;

    // $$ (a $ of the name itself), or $NAME or ${NAME} as a POSIX shell writes a variable; a lone $ or $1 is left as a
    // name's own character. Read left to right, so $$HOME is a folder named $HOME and $$$HOME a $ and then a variable.
    [GeneratedRegex(@"\$\$|\$(\{(?<name>[A-Za-z_][A-Za-z0-9_]*)\}|(?<name>[A-Za-z_][A-Za-z0-9_]*))")]
    private static partial Regex Dollars();
}
