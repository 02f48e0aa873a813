using Microsoft.Extensions.Options;
using ScratchNet.Core.Kernels;
using ScratchNet.Core.Layers;
using ScratchNet.Training.Optimizers;
using ScratchNet.Training.Options;

namespace ScratchNet.Training;

/// <summary>
/// Builds the configured network: the layers of Model:Layers when it has entries (any mix of conv, pooling, batch norm,
/// dropout, activations, flatten and dense, see <see cref="LayerSyntax"/>), otherwise the MLP of Model:LayerSizes.
/// Weights are seeded from Training:Seed, dense products split over Training:Threads threads (auto: one per core), and
/// replaced by those of Model:InitFrom when it is set (read by the <see cref="IInitialWeights"/> the host registers).
/// Training:FuseBlocks=false runs every layer on its own (<see cref="Sequential.FusesBlocks"/>).
/// </summary>
/// <param name="optimizer">The optimizer that will train the network, whose state arrays the memory budget counts (none when null).</param>
/// <param name="memoryBudget">The bytes a network may take; half the machine's memory when null (a test gives a small one).</param>
public sealed class NetworkFactory(IOptions<ModelOptions> model, IOptions<TrainingOptions> training, IInitialWeights? initialWeights = null, IOptimizer? optimizer = null, long? memoryBudget = null) : INetworkFactory, IDisposable
{
    private ComputeTeam? _team;

    /// <exception cref="TrainingSetupException">A layer does not fit the shape it gets or a size limit (checked before anything is allocated), or the configuration does not parse.</exception>
    /// <exception cref="TrainingSetupException">Model:InitFrom is set, but no <see cref="IInitialWeights"/> is registered.</exception>
    /// <remarks>Whatever <see cref="IInitialWeights"/> throws (a file that cannot be read, a tensor that does not fit) passes through.</remarks>
    public Sequential Create(Shape input, int capacity) => Create(input, capacity, capacity);

    /// <inheritdoc cref="Create(Shape, int)"/>
    /// <param name="trainingRows">The most rows a backward pass carries; gradients are allocated for these only.</param>
    public Sequential Create(Shape input, int capacity, int trainingRows) => Create(input, capacity, trainingRows, TrainingRows);

    /// <inheritdoc cref="INetworkFactory.Create(Shape, int, int, string?)"/>
    public Sequential Create(Shape input, int capacity, int trainingRows, string? fewerRows)
    {
        ModelOptions m = model.Value;
        int threads = training.Value.TryParseThreads(out string? threadsError) ?? throw new TrainingSetupException(threadsError!);
        ComputeTeam? team = threads > 1 ? _team ??= new ComputeTeam(threads) : null;
        ulong seed = (ulong)training.Value.Seed;
        Sequential network;
        try
        {
            if (m.HasLayers())
            {
                IReadOnlyList<LayerDefinition> layers = m.TryParseLayers(out IReadOnlyList<string> errors) ?? throw new TrainingSetupException(string.Join("; ", errors));

                // Each array is bounded by the builder; their sum, which no single limit sees, by the machine (the MLP
                // shorthand's is checked by the trainer, from its sizes).
                int stateArrays = optimizer?.StateArrays ?? 0;
                long bytes = NetworkBuilder.Values(layers, input, capacity, threads, stateArrays, trainingRows, training.Value.FuseBlocks) * sizeof(float);
                long budget = memoryBudget ?? MemoryBudget.Available / 2;
                if (bytes > budget)
                {
                    string state = stateArrays == 0 ? string.Empty : $", {optimizer!.StateName}'s state";
                    string[] remedies = ["make the layers smaller", .. stateArrays == 0 ? Array.Empty<string>() : ["train with plain SGD (Optimizer:Name=sgd, no momentum), which keeps no state"], .. fewerRows is null ? Array.Empty<string>() : [fewerRows]];
                    string remedy = remedies.Length == 1 ? remedies[0] : $"{string.Join(", ", remedies[..^1])} or {remedies[^1]}";
                    throw new TrainingSetupException(
                        $"Model:Layers needs about {MemoryBudget.Describe(bytes)} for its weights, gradients{state} and activations at {capacity} rows, more than this machine allows ({MemoryBudget.Describe(budget)}, half its memory); {remedy}")
                    {
                        AboutMemory = true,
                    };
                }

                network = NetworkBuilder.Build(layers, input, capacity, m.Initializer, seed, team);
            }
            else
            {
                int[] sizes = m.TryParseLayerSizes(out string? error) ?? throw new TrainingSetupException(error!);
                network = Sequential.Mlp(sizes, m.Activation, m.Initializer, seed, capacity, m.Dropout, team);
            }
        }
        catch (NetworkDefinitionException e)
        {
            throw new TrainingSetupException($"{(m.HasLayers() ? "Model:Layers" : "Model:LayerSizes")} does not fit the {input} inputs: {e.Message}");
        }

        network.FusesBlocks = training.Value.FuseBlocks;
        if (!string.IsNullOrWhiteSpace(m.InitFrom))
        {
            (initialWeights ?? throw new TrainingSetupException("Model:InitFrom is set, but nothing here reads weight files; remove Model:InitFrom")).CopyInto(network, m.InitFrom);
        }

        return network;
    }

    // A run's rows: its training batch and its evaluation chunk.
    private const string TrainingRows = "lower Training:BatchSize and Training:EvaluationBatchSize";

    /// <summary>Stops the worker threads, if any were started.</summary>
    public void Dispose() => _team?.Dispose();
}
