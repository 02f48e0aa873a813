using System.Text;
using ScratchNet.Files;
using ScratchNet.Training.Callbacks;
using ScratchNet.Training.Results;
using ScratchNet.Training.Reports;

using ScratchNet.Host.Runs;

namespace ScratchNet.Host.Reports;

/// <summary>
/// Keeps <c>history.csv</c> and <c>history.json</c> in the run folder up to date after every epoch, so a run that is
/// interrupted or crashes keeps the history of every finished epoch. A session's first write is whole and atomic (temp
/// file + rename), from the history it starts with (a resume's checkpoint holds it): that also drops the rows of epochs
/// past its checkpoint and anything a kill left. Each later epoch adds its row to the files as this writer left them
/// (<see cref="AppendedFile"/>: one write, never a torn file), so thousands of epochs cost linear time, not quadratic;
/// a file that is not as it was left is written whole again.
/// A write the file system fails stops training (exit 8), as a checkpoint's does: the run's record is not left behind.
/// </summary>
public sealed class HistoryWriter(RunFolder folder) : ITrainingCallback
{
    public const string CsvFile = "history.csv";

    public const string JsonFile = "history.json";

    private static readonly UTF8Encoding Utf8 = new(encoderShouldEmitUTF8Identifier: false);

    private static readonly byte[] JsonEnd = Utf8.GetBytes(History.JsonEnd);

    // What this session last wrote: the rows in the files (none yet: nothing written), and each file as it left it.
    private int _rows;
    private WrittenFile? _csv;
    private WrittenFile? _json;

    public string Folder { get; } = folder.Path;

    // A run resumed in a new folder (from a checkpoint whose folder is gone) has its history there from the start, even
    // when no epoch is left to train (a checkpoint taken after the last one, which only writes the model and reports).
    public void OnTrainBegin(TrainingContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        _rows = 0;
        if (context.History.Count > 0)
        {
            folder.ThrowIfNotIntact(RunFolder.TrainingStopped);
            WriteWhole(context.History);
        }
    }

    public void OnEpochEnd(TrainingContext context, EpochMetrics metrics)
    {
        ArgumentNullException.ThrowIfNull(context);
        ArgumentNullException.ThrowIfNull(metrics);

        // After the epoch's check and its resume point (a big one takes a while): the write would make a lost folder again.
        folder.ThrowIfNotIntact(RunFolder.TrainingStopped);
        IReadOnlyList<EpochMetrics> history = context.History;
        if (_rows == 0 || history.Count != _rows + 1 || !history[^1].Equals(metrics))
        {
            WriteWhole(history);
            return;
        }

        _csv!.Add([], History.CsvRow(metrics), () => History.ToCsv(history));
        _json!.Add(JsonEnd, History.JsonSeparator + History.JsonRow(metrics) + History.JsonEnd, () => History.ToJson(history));
        _rows = history.Count;
    }

    private void WriteWhole(IReadOnlyList<EpochMetrics> history)
    {
        _csv = WrittenFile.Whole(Path.Combine(Folder, CsvFile), History.ToCsv(history));
        _json = WrittenFile.Whole(Path.Combine(Folder, JsonFile), History.ToJson(history));
        _rows = history.Count;
    }

    // A file as this writer left it, its length and last-write time, which AppendedFile checks before adding to it.
    private sealed class WrittenFile(string path)
    {
        private long _length;
        private DateTime _written;

        public static WrittenFile Whole(string path, string text)
        {
            var file = new WrittenFile(path);
            file.WriteWhole(text);
            return file;
        }

        // The row at the end where the file is as it was left, else the whole text (an edit, a copy, a second name).
        public void Add(ReadOnlySpan<byte> tail, string row, Func<string> whole)
        {
            if (AppendedFile.Append(path, _length, tail, Utf8.GetBytes(row), _written) is { } length)
            {
                _length = length;
                _written = File.GetLastWriteTimeUtc(path);
            }
            else
            {
                WriteWhole(whole());
            }
        }

        private void WriteWhole(string text)
        {
            byte[] bytes = Utf8.GetBytes(text);
            AtomicFile.WriteAllBytes(path, bytes, createFolder: false);
            _length = bytes.Length;
            _written = File.GetLastWriteTimeUtc(path);
        }
    }
}
