using System.Text;

namespace ScratchNet.Host.Commands;

/// <summary>A command option as <c>--help</c> shows it.</summary>
public sealed record CommandOption(string Name, string? ValueName, string Description);

/// <summary>What <c>--help</c> says about a command, and which options it accepts.</summary>
/// <param name="Positionals">What the command's bare arguments are ("IMAGE"), or null when it takes none.</param>
/// <param name="ResultsOnStandardOutput">Whether what the command prints is its result (a prediction, a score), so a failed write of it is a failure.</param>
public sealed record CommandInfo(string Name, string Usage, string Summary, IReadOnlyList<CommandOption> Options, string? Positionals = null, bool ResultsOnStandardOutput = false);

/// <summary>
/// Every command, in the order <c>--help</c> lists them. Adding a command means one entry here and one
/// <c>AddKeyedSingleton&lt;ICommand, T&gt;(name)</c> in <see cref="ScratchNetHost"/>.
/// </summary>
public static class CommandCatalog
{
    /// <summary>Options every command accepts.</summary>
    public static IReadOnlyList<CommandOption> GlobalOptions { get; } =
    [
        new("config", "FILE", "a JSON file layered over config/appsettings.json (e.g. a recipe)"),
        new("recipe", "NAME", $"layer config/recipes/NAME.json over config/appsettings.json ({string.Join(", ", ScratchNetHost.Recipes)})"),
        new(CommandLine.HelpOption, null, "show this help (also -h, or: scratchnet help [COMMAND])"),
        new(CommandLine.VersionOption, null, "show the version"),
    ];

    // The one-dash names other tools give the help and the version ("-h" alone is read as --help already).
    private static readonly Dictionary<string, string> OneDashFlags = new(StringComparer.OrdinalIgnoreCase)
    {
        ["h"] = CommandLine.HelpOption,
        ["?"] = CommandLine.HelpOption,
        ["help"] = CommandLine.HelpOption,
        ["v"] = CommandLine.VersionOption,
        ["version"] = CommandLine.VersionOption,
    };

    public static IReadOnlyList<CommandInfo> Commands { get; } =
    [
        new("train", "train [--recipe NAME] [--resume [FILE|runs/ID]] [--dashboard] [--Section:Key=value …]", "train a network on the configured dataset (the default command); saves runs/<run id>/model.snm",
        [
            new("resume", "[FILE|runs/ID]", "continue an interrupted run exactly from a .ckpt FILE or its run folder; alone, the most recent interrupted run in Run:Directory"),
            TrainCommand.DashboardOption,
        ]),
        new("evaluate", "evaluate --model FILE [--Section:Key=value …]", "loss, accuracy and confusion matrix of a saved model on the held-out split of the data it was trained on (the 10k test set with --Data:Split=official)", [ModelOption.Option], ResultsOnStandardOutput: true),
        new("predict", "predict --model FILE [--as-is] [--format text|json|csv] [--top K] IMAGE|FOLDER [IMAGE|FOLDER …]", "classify images (PNG, JPEG, GIF, BMP, TIFF, TGA, PBM; not WebP; a folder's image files, by name), prepared the way the model's dataset was made (MNIST digits, Fashion-MNIST products, an IDX set's size); prints the class and every probability, or with --top K the K most likely", [ModelOption.Option, PredictCommand.AsIsOption, PredictCommand.FormatOption, PredictCommand.TopOption], Positionals: "IMAGE", ResultsOnStandardOutput: true),
        new("export", "export --model FILE [--format onnx|safetensors|native] [--out FILE]", "convert a saved model; --out defaults to the model's path with the format's extension", [
            ModelOption.Option,
            new("format", "NAME", "onnx, safetensors or native (default: from --out's extension)"),
            new("out", "FILE", "where to write the converted model"),
        ]),
        new(ServeCommand.Name, "serve [--model FILE] [--runs DIR] [--Dashboard:Port=N]", "open the dashboard without training: the runs, their curves side by side, and a model explorer (draw a digit, see forward and backward)", [
            ModelOption.Option,
            ServeCommand.RunsOption,
        ]),
        new("diagnose", "diagnose [--batch N] [--steps N] [--entries N] [--Section:Key=value …]", "why isn't it learning: gradient check, weight/gradient/update norms, dead ReLUs, overfit one batch", DiagnoseCommand.Options, ResultsOnStandardOutput: true),
    ];

    public static CommandInfo? Find(string name) => Commands.FirstOrDefault(c => string.Equals(c.Name, name, StringComparison.OrdinalIgnoreCase));

    /// <summary>Throws a <see cref="UsageException"/> naming what is wrong with the command line, and what is valid.</summary>
    public static CommandInfo Check(CommandLine commandLine)
    {
        ArgumentNullException.ThrowIfNull(commandLine);
        CommandInfo info = Find(commandLine.Command)
            ?? throw new UsageException($"unknown command '{commandLine.Command}'; valid commands: {string.Join(", ", Commands.Select(c => c.Name))} (see --help)");
        foreach (string positional in commandLine.Positionals)
        {
            // One dash is a typo of two, never a file: "-Training:Epochs=1" must not start a default run.
            if (positional.Length > 1 && positional[0] == '-')
            {
                // Other tools' -h=… and -V: two dashes would make --h=… and --V, which are no options either.
                string name = positional[1..].Split('=')[0];
                if (OneDashFlags.TryGetValue(name, out string? flag))
                {
                    throw new UsageException(positional.Contains('=', StringComparison.Ordinal)
                        ? $"'{positional}': --{flag} takes no value; write --{flag} alone"
                        : $"'{positional}' is no option; write --{flag}");
                }

                // Two dashes are advice only where they make an option of this command or a configuration key: "-hx" read
                // "write --hx", itself unknown.
                string fixedArg = "-" + positional;
                bool twoDashesValid = name.Contains(':', StringComparison.Ordinal) || info.Options.Concat(GlobalOptions).Any(o => string.Equals(o.Name, name, StringComparison.OrdinalIgnoreCase));
                string file = info.Positionals is null ? string.Empty : $" (a file whose name starts with a dash: ./{positional})";
                throw new UsageException(twoDashesValid
                    ? $"'{positional}' has one dash; options and configuration keys take two: {fixedArg} (a file whose name starts with a dash: ./{positional})"
                    : $"'{positional}' is no option, and {fixedArg.Split('=')[0]} is none either; valid options for '{info.Name}': {OptionList(info)}; configuration keys are written --Section:Key=value (see --help){file}");
            }

            if (info.Positionals is null)
            {
                throw new UsageException($"'{info.Name}' takes no file or word arguments, got '{positional}'; configuration keys are written --Section:Key=value (see --help)");
            }
        }

        var valid = info.Options.Concat(GlobalOptions).ToDictionary(o => o.Name, StringComparer.OrdinalIgnoreCase);
        foreach ((string name, string? value) in commandLine.Options)
        {
            if (!valid.TryGetValue(name, out CommandOption? option))
            {
                throw new UsageException($"unknown option --{name} for '{info.Name}'; valid options: {OptionList(info)}; configuration keys take a section, e.g. --Training:Epochs=5");
            }

            // "--resume=" or "--resume $EMPTY" is never the option alone: a script's empty variable must not start a fresh run.
            if (value is not null && string.IsNullOrWhiteSpace(value))
            {
                string what = option.ValueName is null ? "takes no value" : $"needs {option.ValueName.Trim('[', ']').Replace("|", " or ", StringComparison.Ordinal)}";
                throw new UsageException($"--{name} was given an empty value; it {what}{(option.ValueName?.StartsWith('[') == true ? $", or nothing at all (--{name} alone)" : string.Empty)}");
            }

            // A value name in brackets ("[FILE]") marks an optional value.
            if (option.ValueName is not null && !option.ValueName.StartsWith('[') && string.IsNullOrEmpty(value))
            {
                throw new UsageException($"--{name} needs a value: --{name} {option.ValueName}");
            }
        }

        return info;
    }

    private static string OptionList(CommandInfo info) => string.Join(", ", info.Options.Concat(GlobalOptions).Select(o => "--" + o.Name));

    private static string OptionSyntax(CommandOption option) => option.ValueName is null ? $"--{option.Name}" : $"--{option.Name} {option.ValueName}";

    /// <summary>"ScratchNet 1.0.0+abc1234": the package version and, where the build knew it, the commit.</summary>
    public static string VersionText() => $"ScratchNet {Runs.RunRecord.CodeVersion}";

    public static string HelpText(string? command = null)
    {
        var text = new StringBuilder();
        CommandInfo? single = command is null ? null : Find(command);
        text.AppendLine("ScratchNet: neural networks (MLPs and CNNs) written from scratch, trained on MNIST and other IDX datasets.");
        text.AppendLine();
        text.AppendLine("Usage: scratchnet <command> [options] [--Section:Key=value …]");
        text.AppendLine("   or, from a clone: dotnet run --project src/ScratchNet.Host -c Release -- <command> …");
        text.AppendLine();
        text.AppendLine("Commands:");
        foreach (CommandInfo info in single is null ? Commands : [single])
        {
            text.AppendLine($"  {info.Usage}");
            text.AppendLine($"      {info.Summary}");
            foreach (CommandOption option in info.Options)
            {
                text.AppendLine($"      {OptionSyntax(option),-16} {option.Description}");
            }
        }

        text.AppendLine();
        text.AppendLine("Options for every command:");
        foreach (CommandOption option in GlobalOptions)
        {
            text.AppendLine($"  {OptionSyntax(option),-16} {option.Description}");
        }

        text.AppendLine();
        text.AppendLine("Configuration overrides (any key of README's Configuration section):");
        text.AppendLine("  --Training:Epochs=5 --Training:BatchSize=64 --Optimizer:LearningRate=0.01 --Model:Activation=tanh");
        text.AppendLine("  --Model:InitFrom=FILE starts training from a saved model's weights (.snm or .safetensors)");
        text.AppendLine("  Environment variables work too: SCRATCHNET_Training__Epochs=5");
        text.AppendLine();
        // The full path: "config/appsettings.json" reads as the clone's file, which an edit reaches only through a build.
        text.AppendLine($"Settings read first (the reference recipe, copied beside the program by a build): {ScratchNetHost.AppSettingsPath}");
        return text.ToString();
    }
}
