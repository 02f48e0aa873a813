using Microsoft.Extensions.Options;
using ScratchNet.Core.Layers;
using ScratchNet.Training.Options;

namespace ScratchNet.Training;

/// <summary>Builds the configured MLP, seeded from Training:Seed.</summary>
public sealed class MlpFactory(IOptions<ModelOptions> model, IOptions<TrainingOptions> training) : INetworkFactory
{
    public Sequential Create(int capacity)
    {
        ModelOptions m = model.Value;
        int[] sizes = m.TryParseLayerSizes(out string? error) ?? throw new TrainingSetupException(error!);
        return Sequential.Mlp(sizes, m.Activation, m.Initializer, (ulong)training.Value.Seed, capacity, m.Dropout);
    }
}
