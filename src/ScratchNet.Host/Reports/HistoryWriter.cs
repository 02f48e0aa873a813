using Microsoft.Extensions.Logging;
using ScratchNet.Files;
using ScratchNet.Training.Callbacks;
using ScratchNet.Training.Results;
using ScratchNet.Training.Reports;

namespace ScratchNet.Host.Reports;

/// <summary>
/// Rewrites <c>history.csv</c> and <c>history.json</c> in the run folder after every epoch, each atomically
/// (temp file + rename), so a run that is interrupted or crashes keeps the history of every finished epoch.
/// A failed write logs one warning and training goes on.
/// </summary>
public sealed partial class HistoryWriter(string directory, ILogger<HistoryWriter> logger) : ITrainingCallback
{
    public const string CsvFile = "history.csv";

    public const string JsonFile = "history.json";

    public string Folder { get; } = directory;

    public void OnEpochEnd(TrainingContext context, EpochMetrics metrics)
    {
        ArgumentNullException.ThrowIfNull(context);
        try
        {
            AtomicFile.WriteAllText(Path.Combine(Folder, CsvFile), History.ToCsv(context.History));
            AtomicFile.WriteAllText(Path.Combine(Folder, JsonFile), History.ToJson(context.History));
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            LogFailed(logger, Folder, e.Message);
        }
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Could not write the history to {RunFolder}: {Reason}; training goes on")]
    private static partial void LogFailed(ILogger logger, string runFolder, string reason);
}
