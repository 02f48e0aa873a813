using Microsoft.Extensions.Options;
using ScratchNet.Core.Kernels;
using ScratchNet.Core.Layers;
using ScratchNet.Models;
using ScratchNet.Training.Options;

namespace ScratchNet.Training;

/// <summary>
/// Builds the configured MLP, seeded from Training:Seed, its products split over Training:Threads threads (auto: one per core),
/// with the weights of Model:InitFrom when it is set.
/// </summary>
public sealed class MlpFactory(IOptions<ModelOptions> model, IOptions<TrainingOptions> training) : INetworkFactory, IDisposable
{
    private ComputeTeam? _team;

    /// <exception cref="ModelFileException">Model:InitFrom cannot be read, or a tensor's name or shape does not fit.</exception>
    public Sequential Create(int capacity)
    {
        ModelOptions m = model.Value;
        int[] sizes = m.TryParseLayerSizes(out string? error) ?? throw new TrainingSetupException(error!);
        int threads = training.Value.TryParseThreads(out string? threadsError) ?? throw new TrainingSetupException(threadsError!);
        ComputeTeam? team = threads > 1 ? _team ??= new ComputeTeam(threads) : null;
        Sequential network = Sequential.Mlp(sizes, m.Activation, m.Initializer, (ulong)training.Value.Seed, capacity, m.Dropout, team);
        if (!string.IsNullOrWhiteSpace(m.InitFrom))
        {
            NetworkWeights.CopyInto(network, ModelFile.LoadTensors(m.InitFrom), m.InitFrom);
        }

        return network;
    }

    /// <summary>Stops the worker threads, if any were started.</summary>
    public void Dispose() => _team?.Dispose();
}
