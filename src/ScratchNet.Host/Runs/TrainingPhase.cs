using ScratchNet.Training.Callbacks;
using ScratchNet.Training.Results;

namespace ScratchNet.Host.Runs;

/// <summary>
/// Whether training still has a batch to run, for the answer to a stop signal (see <see cref="Commands.TrainCommand.StopNotice"/>).
/// The trainer checks for a stop before each batch only, so once the last epoch's last batch has run, or a callback ended
/// training early (early stopping), a stop no longer cuts anything short: the run evaluates, saves its model, writes its
/// reports and ends as finished (exit 0).
/// </summary>
public sealed class TrainingPhase : ITrainingCallback
{
    private TrainingContext? _context;
    private volatile bool _lastBatchRan;

    /// <summary>True once no batch is left to run: a stop now waits for the run to finish.</summary>
    public bool BatchesDone => _lastBatchRan || Volatile.Read(ref _context)?.StopRequested == true;

    public void OnTrainBegin(TrainingContext context) => Volatile.Write(ref _context, context);

    public void OnBatchEnd(TrainingContext context, int epoch, int batch, float loss)
    {
        ArgumentNullException.ThrowIfNull(context);
        if (epoch == context.Epochs && batch == context.BatchesPerEpoch - 1)
        {
            _lastBatchRan = true;
        }
    }

    public void OnTrainEnd(TrainingContext context, TrainingResult result) => _lastBatchRan = true;
}
