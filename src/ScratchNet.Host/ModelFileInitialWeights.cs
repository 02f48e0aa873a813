using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using ScratchNet.Core.Layers;
using ScratchNet.Models;
using ScratchNet.Training;

namespace ScratchNet.Host;

/// <summary>Model:InitFrom read from a model file (.snm or safetensors, ScratchNet's or a PyTorch state_dict's names).</summary>
public sealed partial class ModelFileInitialWeights(ILogger<ModelFileInitialWeights>? logger = null) : IInitialWeights
{
    private readonly ILogger _logger = logger ?? NullLogger<ModelFileInitialWeights>.Instance;

    /// <exception cref="ModelFileException">The file cannot be read, or a tensor's name or shape does not fit.</exception>
    public void CopyInto(Sequential network, string source)
    {
        ArgumentNullException.ThrowIfNull(network);
        NetworkWeights.CopyInto(network, ModelFile.LoadTensors(source), source);

        // Otherwise nothing in the log tells a run that started from a file from one that started from the seed.
        LogStartedFrom(_logger, source, network.Parameters.Count);
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Starting from the weights in {Source} ({Parameters} parameter tensors, Model:InitFrom) instead of the initialiser")]
    private static partial void LogStartedFrom(ILogger logger, string source, int parameters);
}
