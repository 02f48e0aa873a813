using System.Globalization;
using ScratchNet.Files;
using ScratchNet.Host.Settings;

namespace ScratchNet.Host.Commands;

/// <summary>
/// One parsed command line: <c>[command] [--Section:Key=value …] [--option value …] [positional …]</c>.
/// Keys with a colon (<c>--Training:Epochs=5</c>) are configuration overrides; keys without one
/// (<c>--model FILE</c>, <c>--resume</c>) are the command's own options; bare words are positionals
/// (image files for <c>predict</c>). Only the overrides reach the configuration system, so a path
/// such as <c>/tmp/a.png</c> is never mistaken for a key.
/// </summary>
public sealed record CommandLine(
    string Command,
    IReadOnlyList<string> ConfigurationArguments,
    IReadOnlyDictionary<string, string?> Options,
    IReadOnlyList<string> Positionals,
    bool Help,
    bool CommandNamed = false,
    bool Version = false)
{
    /// <summary>The command run when none is named.</summary>
    public const string DefaultCommand = "train";

    /// <summary>The word that shows the help, alone or before a command's name.</summary>
    public const string HelpCommand = "help";

    /// <summary>The option that shows the help (<c>--help</c>), in any case.</summary>
    public const string HelpOption = "help";

    /// <summary>The option that prints the version (<c>--version</c>), in any case.</summary>
    public const string VersionOption = "version";

    // The one-word spellings of --help that shells and other tools taught ("-h", "-H", "-?", "/?").
    private static readonly HashSet<string> ShortHelp = new(["-h", "-?", "/?"], StringComparer.OrdinalIgnoreCase);

    public static CommandLine Parse(IReadOnlyList<string> args)
    {
        ArgumentNullException.ThrowIfNull(args);
        string command = DefaultCommand;
        int start = 0;
        if (args.Count > 0 && !args[0].StartsWith('-'))
        {
            command = args[0].ToLowerInvariant();
            start = 1;
        }

        // "help" and "help predict" read as "--help" and "predict --help", as git's and dotnet's do; a word after the
        // command's name would otherwise be dropped without a word.
        if (command == HelpCommand)
        {
            if (args.Count > 2 && !args[2].StartsWith('-'))
            {
                throw new UsageException($"help takes one command name at most, got '{args[2]}' after '{args[1]}'; write scratchnet help {args[1]}");
            }

            return Parse([.. args.Skip(1), "--help"]);
        }

        // A flag (an option without a value, as --as-is, --dashboard, --help) never takes the next word: that word is an image or a stray.
        HashSet<string> flags = new(
            (CommandCatalog.Find(command)?.Options ?? []).Concat(CommandCatalog.GlobalOptions).Where(o => o.ValueName is null).Select(o => o.Name),
            StringComparer.OrdinalIgnoreCase);
        // A shell expands ~ only at the start of an unquoted word, so "--model ~/m.snm" reaches us expanded and
        // "--model=~/m.snm" or "--model '~/m.snm'" do not; a file or folder option's value is read as the configuration's
        // path keys are, from every source (PathSettings.ExpandHome). A folder really named ~ is ./~.
        HashSet<string> paths = new(
            (CommandCatalog.Find(command)?.Options ?? []).Concat(CommandCatalog.GlobalOptions).Where(o => o.ValueName is { } name && (name.Contains("FILE", StringComparison.Ordinal) || name.Contains("DIR", StringComparison.Ordinal))).Select(o => o.Name),
            StringComparer.OrdinalIgnoreCase);
        var configuration = new List<string>();
        var options = new Dictionary<string, string?>(StringComparer.OrdinalIgnoreCase);
        var positionals = new List<string>();
        bool help = false;
        bool version = false;
        for (int i = start; i < args.Count; i++)
        {
            string arg = args[i];
            // Like every other name on the line these are case-insensitive: "--Help" that fell through would start the default run.
            if (ShortHelp.Contains(arg))
            {
                help = true;
                continue;
            }

            if (!arg.StartsWith("--", StringComparison.Ordinal))
            {
                positionals.Add(arg);
                continue;
            }

            string body = arg[2..];
            int equals = body.IndexOf('=', StringComparison.Ordinal);
            string key = equals >= 0 ? body[..equals] : body;
            // A value never starts with a dash, so "--resume -Training:Epochs=1" is not read as a file named "-Training…";
            // a negative number is the exception, so "--batch -1" meets the option's own range check.
            if (flags.Contains(key) && equals >= 0)
            {
                throw new UsageException($"--{key} takes no value; write --{key} alone");
            }

            if (string.Equals(key, HelpOption, StringComparison.OrdinalIgnoreCase))
            {
                help = true;
                continue;
            }

            if (string.Equals(key, VersionOption, StringComparison.OrdinalIgnoreCase))
            {
                version = true;
                continue;
            }

            bool nextIsValue = equals < 0 && !flags.Contains(key) && i + 1 < args.Count && (!args[i + 1].StartsWith('-') || IsNegativeNumber(args[i + 1]));
            string? value = equals >= 0 ? body[(equals + 1)..] : nextIsValue ? args[++i] : null;
            if (value is not null && paths.Contains(key))
            {
                value = PathSettings.ExpandHome(value, PathSettings.Home);

                // What only a shell resolves ('$HOME/m.snm' quoted, ~bob/) was a relative path that "does not exist"; the
                // path keys refuse it with the fix, and so does the option, unless a file or folder of that very name is
                // there (the shell gave a real name holding a $). $$ is one $, as in the path keys.
                if (!File.Exists(value) && !Directory.Exists(value))
                {
                    value = PathSettings.Problem(value) is { } problem
                        ? throw new UsageException($"--{key} {ShownName.Quoted(value)} {problem}")
                        : PathSettings.Unescape(value);
                }
            }

            if (key.Contains(':', StringComparison.Ordinal))
            {
                if (value is null)
                {
                    throw new UsageException($"--{key} needs a value: write --{key}=VALUE");
                }

                configuration.Add($"--{key}={value}");
            }
            else if (!options.TryAdd(key, value))
            {
                // Last-wins would silently drop one of two files or batch sizes; repeated configuration keys stay
                // last-wins (above), as Microsoft.Extensions.Configuration layers them.
                throw new UsageException($"--{key} is given more than once; give it once");
            }
        }

        // As "help train extra": a word beside --help or --version would be dropped without a word.
        if ((help || version) && positionals.Count > 0)
        {
            string flag = help ? "--help" : "--version";
            string fix = help && CommandCatalog.Find(positionals[0]) is { } named ? $"for that command's help write scratchnet help {named.Name}" : $"write {flag} alone";
            throw new UsageException($"{flag} takes no other word, got '{positionals[0]}'; {fix}");
        }

        return new CommandLine(command, configuration, options, positionals, help, CommandNamed: start == 1, Version: version);
    }

    // "-1", "-0.5", "-1e3": a number, not a one-dash option.
    private static bool IsNegativeNumber(string word) =>
        word.Length > 1 && word[0] == '-' && (char.IsAsciiDigit(word[1]) || word[1] == '.')
        && double.TryParse(word, NumberStyles.Float, CultureInfo.InvariantCulture, out _);

    /// <summary>The value of a command option, or null when it was not given.</summary>
    public string? Option(string name) => Options.TryGetValue(name, out string? value) ? value : null;

    public bool HasOption(string name) => Options.ContainsKey(name);
}
