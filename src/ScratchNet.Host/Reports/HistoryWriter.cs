using ScratchNet.Files;
using ScratchNet.Training.Callbacks;
using ScratchNet.Training.Results;
using ScratchNet.Training.Reports;

using ScratchNet.Host.Runs;

namespace ScratchNet.Host.Reports;

/// <summary>
/// Rewrites <c>history.csv</c> and <c>history.json</c> in the run folder after every epoch, each atomically
/// (temp file + rename), so a run that is interrupted or crashes keeps the history of every finished epoch.
/// A write the file system fails stops training (exit 8), as a checkpoint's does: the run's record is not left behind.
/// </summary>
public sealed class HistoryWriter(RunFolder folder) : ITrainingCallback
{
    public const string CsvFile = "history.csv";

    public const string JsonFile = "history.json";

    public string Folder { get; } = folder.Path;

    // A run resumed in a new folder (from a checkpoint whose folder is gone) has its history there from the start, even
    // when no epoch is left to train (a checkpoint taken after the last one, which only writes the model and reports).
    public void OnTrainBegin(TrainingContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        if (context.History.Count > 0)
        {
            Write(context);
        }
    }

    public void OnEpochEnd(TrainingContext context, EpochMetrics metrics) => Write(context);

    private void Write(TrainingContext context)
    {
        ArgumentNullException.ThrowIfNull(context);

        // After the epoch's check and its resume point (a big one takes a while): the write would make a lost folder again.
        folder.ThrowIfNotIntact(RunFolder.TrainingStopped);
        AtomicFile.WriteAllText(Path.Combine(Folder, CsvFile), History.ToCsv(context.History), createFolder: false);
        AtomicFile.WriteAllText(Path.Combine(Folder, JsonFile), History.ToJson(context.History), createFolder: false);
    }
}
