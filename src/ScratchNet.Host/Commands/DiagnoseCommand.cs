using System.Globalization;
using Microsoft.Extensions.Options;
using ScratchNet.Training.Diagnostics;
using ScratchNet.Training.Options;

namespace ScratchNet.Host.Commands;

/// <summary>
/// "Why isn't it learning": checks backpropagation against finite differences on the configured model, measures
/// weight, gradient and update sizes and dead ReLUs at initialisation (or at the Model:InitFrom weights), and tries to
/// memorise one batch.
/// Each measurement is a structured log event; the short table that follows is the result, on stdout whatever the log level.
/// </summary>
public sealed class DiagnoseCommand(DiagnosticsRunner runner, IOptions<TrainingOptions> training, IOptions<ModelOptions> model, ResultWriter results) : ICommand
{
    public static IReadOnlyList<CommandOption> Options { get; } =
    [
        new("batch", "N", "rows of the batch measured and memorised (default Training:BatchSize)"),
        new("steps", "N", "most steps spent memorising that batch (default 5000)"),
        new("entries", "N", "entries of each parameter checked by finite differences (default 30)"),
    ];

    public async Task<int> RunAsync(CommandLine commandLine, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(commandLine);
        var settings = new DiagnosticsSettings(
            PositiveOption(commandLine, "batch", TrainingOptions.MaxBatchRows) ?? training.Value.BatchSize,
            PositiveOption(commandLine, "steps", MaxSteps) ?? 5000,
            PositiveOption(commandLine, "entries", MaxEntries) ?? 30);
        DiagnosticsReport report = await runner.RunAsync(settings, cancellationToken).ConfigureAwait(false);
        results.WriteLine($"Diagnostics {(string.IsNullOrWhiteSpace(model.Value.InitFrom) ? "at initialisation" : $"of the weights in {model.Value.InitFrom}")}:\n{DiagnosticsTable.Format(report)}");
        return ExitCodes.Success;
    }

    private const int MaxSteps = 10_000_000;

    private const int MaxEntries = 1_000_000;

    private static int? PositiveOption(CommandLine commandLine, string name, int max)
    {
        string? text = commandLine.Option(name);
        if (text is null)
        {
            return null;
        }

        if (!int.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out int value) || value < 1 || value > max)
        {
            throw new UsageException($"--{name} must be a whole number from 1 to {max}, got '{text}'");
        }

        return value;
    }
}
