using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using ScratchNet.Data.Options;
using ScratchNet.Core.Layers;
using ScratchNet.Models;
using ScratchNet.Training;

namespace ScratchNet.Host;

/// <summary>Model:InitFrom read from a model file (.snm or safetensors, ScratchNet's or a PyTorch state_dict's names).</summary>
/// <param name="data">This run's data settings, to say when its held-out rows may be ones the file's weights trained on.</param>
/// <param name="startingWeights">Where the data the file's weights trained on is kept for the model this run saves.</param>
public sealed partial class ModelFileInitialWeights(ILogger<ModelFileInitialWeights>? logger = null, IOptions<DataOptions>? data = null, StartingWeights? startingWeights = null) : IInitialWeights
{
    private readonly ILogger _logger = logger ?? NullLogger<ModelFileInitialWeights>.Instance;

    /// <exception cref="ModelFileException">The file cannot be read, or a tensor's name or shape does not fit.</exception>
    public void CopyInto(Sequential network, string source)
    {
        ArgumentNullException.ThrowIfNull(network);
        try
        {
            NetworkWeights.CopyInto(network, ModelFile.LoadTensors(source), source);
        }
        catch (ModelFileException) when (RecordedInputShape(source) is { } recorded && recorded != network.InputShape && !SameValues(recorded, network.InputShape))
        {
            // The same layers on other images give other tensor shapes; the tensor named first is a symptom, the images the cause.
            throw new ModelFileException(
                source,
                $"was trained on {recorded} inputs, but this data's rows are {network.InputShape}",
                "Model:InitFrom needs a model trained on rows of the same shape (the same image size), or leave Model:InitFrom out to start from the initialiser");
        }

        // Otherwise nothing in the log tells a run that started from a file from one that started from the seed.
        LogStartedFrom(_logger, source, network.Parameters.Count);
        WarnIfHeldOutOverlaps(source);
    }

    // Weights trained under another split (or a random one drawn otherwise) have seen some of this run's held-out rows, so
    // its val_acc flatters them from the first epoch: those of the file's own run, and those of every run its weights
    // descend from, which the file carries as its data history. Other data (another dataset or folder) is a transfer.
    private void WarnIfHeldOutOverlaps(string source)
    {
        // Absolute, as the saved model's history keeps it: a relative path means nothing from another folder.
        string file = Path.GetFullPath(source);
        IReadOnlyList<DataHistoryEntry> seen;
        try
        {
            (IReadOnlyDictionary<string, string> configuration, IReadOnlyList<DataHistoryEntry> history) = ModelFile.LoadRecord(source);
            seen = TrainedData.Seen(file, configuration, history);
        }
        catch (ModelFileException)
        {
            // The tensors loaded, but what the file says of its past does not: nothing it trained on is known.
            seen = [new DataHistoryEntry(file, null)];
        }

        startingWeights?.Record(seen);
        if (data is null)
        {
            return;
        }

        TrainedData.Overlap(seen, data.Value).Report(
            file,
            splits => LogNoSplitAvoidsThem(_logger, source, splits),
            (trained, current, argument) => LogHeldOutOverlaps(_logger, source, trained, current, argument),
            (ancestor, trained, current, argument) => LogAncestorOverlaps(_logger, source, ancestor, trained, current, argument),
            ancestor => LogAncestryUnknown(_logger, source, ancestor));
    }

    // A flat row and an image of as many pixels are the same data: a network given as Model:LayerSizes over a CNN's file
    // differs in its layers, which the tensors' own message names, not in its images.
    private static bool SameValues(Shape a, Shape b) => a.Size == b.Size && (a.IsFlat || b.IsFlat);

    // The input shape a ScratchNet model file records, or null for a file that records none (a PyTorch state_dict).
    private static Shape? RecordedInputShape(string source)
    {
        try
        {
            return ModelFile.Load(source).InputShape;
        }
        catch (ModelFileException)
        {
            return null;
        }
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Starting from the weights in {Source} ({Parameters} parameter tensors, Model:InitFrom) instead of the initialiser")]
    private static partial void LogStartedFrom(ILogger logger, string source, int parameters);

    [LoggerMessage(Level = LogLevel.Warning, Message = "The weights in {Source} were trained with {Trained}, but this run uses {Current}: its held-out rows may include images they trained on, which flatters its val_acc. Pass {Argument} to hold out the rows they never saw")]
    private static partial void LogHeldOutOverlaps(ILogger logger, string source, string trained, string current, string argument);

    [LoggerMessage(Level = LogLevel.Warning, Message = "The weights in {Source} descend from {Ancestor}, trained with {Trained}, but this run uses {Current}: its held-out rows may include images they trained on, which flatters its val_acc. Pass {Argument} to hold out the rows none of them saw")]
    private static partial void LogAncestorOverlaps(ILogger logger, string source, string ancestor, string trained, string current, string argument);

    [LoggerMessage(Level = LogLevel.Warning, Message = "The weights in {Source} and those they descend from were trained on this data under different splits ({Splits}): every hold-out this run can draw includes images some of them trained on, which flatters its val_acc, and no Data:Split avoids them all; leave out Model:InitFrom for a val_acc on unseen images")]
    private static partial void LogNoSplitAvoidsThem(ILogger logger, string source, string splits);

    [LoggerMessage(Level = LogLevel.Warning, Message = "The weights in {Source} descend from {Ancestor}, whose file does not record the data it was trained on: an overlap of this run's held-out rows with the images they trained on cannot be ruled out, so its val_acc may flatter them")]
    private static partial void LogAncestryUnknown(ILogger logger, string source, string ancestor);
}
