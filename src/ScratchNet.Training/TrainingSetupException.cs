namespace ScratchNet.Training;

/// <summary>The configuration and the data do not fit together (e.g. the first layer size is not the data's feature count). A user error, not a bug.</summary>
public sealed class TrainingSetupException(string message) : Exception(message)
{
    /// <summary>The network or its batches would not fit in this machine's memory, rather than not fitting the data.</summary>
    public bool AboutMemory { get; init; }

    /// <summary>The network or its batches break a ceiling ScratchNet keeps to whatever the machine (what a model file holds, what one pass carries).</summary>
    public bool AboutLimit { get; init; }
}
