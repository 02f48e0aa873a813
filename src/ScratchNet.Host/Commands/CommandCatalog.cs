using System.Text;

namespace ScratchNet.Host.Commands;

/// <summary>A command option as <c>--help</c> shows it.</summary>
public sealed record CommandOption(string Name, string? ValueName, string Description);

/// <summary>What <c>--help</c> says about a command, and which options it accepts.</summary>
public sealed record CommandInfo(string Name, string Usage, string Summary, IReadOnlyList<CommandOption> Options);

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
        new("help", null, "show this help"),
    ];

    public static IReadOnlyList<CommandInfo> Commands { get; } =
    [
        new("train", "train [--Section:Key=value …]", "train a network on the configured dataset (the default command)", []),
        new("diagnose", "diagnose [--batch N] [--steps N] [--entries N] [--Section:Key=value …]", "why isn't it learning: gradient check, weight/gradient/update norms, dead ReLUs, overfit one batch", DiagnoseCommand.Options),
    ];

    public static CommandInfo? Find(string name) => Commands.FirstOrDefault(c => string.Equals(c.Name, name, StringComparison.OrdinalIgnoreCase));

    /// <summary>Throws a <see cref="UsageException"/> naming what is wrong with the command line, and what is valid.</summary>
    public static CommandInfo Check(CommandLine commandLine)
    {
        ArgumentNullException.ThrowIfNull(commandLine);
        CommandInfo info = Find(commandLine.Command)
            ?? throw new UsageException($"unknown command '{commandLine.Command}'; valid commands: {string.Join(", ", Commands.Select(c => c.Name))} (see --help)");
        var valid = info.Options.Concat(GlobalOptions).ToDictionary(o => o.Name, StringComparer.OrdinalIgnoreCase);
        foreach ((string name, string? value) in commandLine.Options)
        {
            if (!valid.TryGetValue(name, out CommandOption? option))
            {
                string validNames = string.Join(", ", valid.Keys.Select(k => "--" + k));
                throw new UsageException($"unknown option --{name} for '{info.Name}'; valid options: {validNames}; configuration keys take a section, e.g. --Training:Epochs=5");
            }

            if (option.ValueName is not null && string.IsNullOrEmpty(value))
            {
                throw new UsageException($"--{name} needs a value: --{name} {option.ValueName}");
            }
        }

        return info;
    }

    public static string HelpText(string? command = null)
    {
        var text = new StringBuilder();
        CommandInfo? single = command is null ? null : Find(command);
        text.AppendLine("ScratchNet: a from-scratch MLP trainer for MNIST.");
        text.AppendLine();
        text.AppendLine("Usage: dotnet run --project src/ScratchNet.Host -c Release -- <command> [options] [--Section:Key=value …]");
        text.AppendLine();
        text.AppendLine("Commands:");
        foreach (CommandInfo info in single is null ? Commands : [single])
        {
            text.AppendLine($"  {info.Usage}");
            text.AppendLine($"      {info.Summary}");
            foreach (CommandOption option in info.Options)
            {
                text.AppendLine($"      --{option.Name}{(option.ValueName is null ? "" : " " + option.ValueName),-12} {option.Description}");
            }
        }

        text.AppendLine();
        text.AppendLine("Options for every command:");
        foreach (CommandOption option in GlobalOptions)
        {
            text.AppendLine($"  --{option.Name}{(option.ValueName is null ? "" : " " + option.ValueName),-12} {option.Description}");
        }

        text.AppendLine();
        text.AppendLine("Configuration overrides (any key of config/appsettings.json):");
        text.AppendLine("  --Training:Epochs=5 --Training:BatchSize=64 --Optimizer:LearningRate=0.01 --Model:Activation=tanh");
        text.AppendLine("  Environment variables work too: SCRATCHNET_Training__Epochs=5");
        return text.ToString();
    }
}
