using ScratchNet.Models;

namespace ScratchNet.Host;

/// <summary>
/// What this process's training learned about the weights it started from (Model:InitFrom), for the model it saves: the
/// data those weights had trained on, read from the file when its weights were copied in, so the saved model carries the
/// whole history even if the file changes afterwards. Empty for a run from its initialiser.
/// </summary>
public sealed class StartingWeights
{
    private IReadOnlyList<DataHistoryEntry> _dataHistory = [];

    /// <summary>Every data setting the starting weights had trained on (<see cref="TrainedData.Seen"/>); empty when the run did not start from a file.</summary>
    public IReadOnlyList<DataHistoryEntry> DataHistory => Volatile.Read(ref _dataHistory);

    internal void Record(IReadOnlyList<DataHistoryEntry> history) => Volatile.Write(ref _dataHistory, history);
}
