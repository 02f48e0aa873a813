using ScratchNet.Core.Layers;
using ScratchNet.Training.Checkpoints;
using ScratchNet.Training.Results;
using ScratchNet.Training.Optimizers;

namespace ScratchNet.Training.Checkpoints;

/// <summary>
/// Where the trainer's loop stands (epoch, next batch, loss and right predictions so far, the shuffle generator's state at the
/// epoch's start) and how that position, the weights, batch norm's running statistics, the optimizer, dropout generators and every
/// <see cref="ICheckpointParticipant"/> go into and come out of a <see cref="Checkpoint"/>.
/// </summary>
internal sealed class TrainingPosition(ulong[] shuffleState)
{
    private const string ParameterPrefix = "param/";
    private const string OptimizerPrefix = "optimizer/";
    private const string RandomPrefix = "rng/";
    private const string StatePrefix = "state/";

    // Seconds the epoch trained in earlier sessions, so a resumed epoch's time is the whole epoch's.
    private const string EpochSecondsKey = "trainer.epoch_seconds";

    public int Epoch { get; private set; } = 1;

    public int Batch { get; private set; }

    public double LossSum { get; private set; }

    /// <summary>Rows of this epoch predicted right so far; −1 when a version 1 checkpoint did not record it.</summary>
    public long CorrectSum { get; private set; }

    public ulong[] ShuffleState { get; private set; } = shuffleState;

    /// <summary>Seconds this epoch's training took in sessions before this one (0 unless resumed mid-epoch).</summary>
    public double EpochSecondsBefore { get; private set; }

    public void Advance(int epoch, int nextBatch, double lossSum, long correctSum)
    {
        Epoch = epoch;
        Batch = nextBatch;
        LossSum = lossSum;
        CorrectSum = correctSum;
    }

    public void BeginEpoch(int epoch, ulong[] shuffleState)
    {
        Epoch = epoch;
        Batch = 0;
        LossSum = 0.0;
        CorrectSum = 0;
        ShuffleState = shuffleState;
        EpochSecondsBefore = 0;
    }

    /// <summary>
    /// The checkpoint of the run as it stands. Its tensors are the live arrays, not copies: callbacks write a checkpoint
    /// before the next step changes them, and a copy would double the memory of a large network's state at each one.
    /// </summary>
    /// <param name="epochSeconds">This session's seconds of training in the current epoch so far.</param>
    public Checkpoint Capture(Sequential network, IOptimizer optimizer, IReadOnlyList<EpochMetrics> history, IEnumerable<ICheckpointParticipant> participants, double epochSeconds = 0)
    {
        var checkpoint = new Checkpoint { Epoch = Epoch, Batch = Batch, LossSum = LossSum, CorrectSum = CorrectSum, ShuffleState = (ulong[])ShuffleState.Clone() };
        if (Batch > 0)
        {
            checkpoint.Scalars[EpochSecondsKey] = EpochSecondsBefore + epochSeconds;
        }

        checkpoint.History.AddRange(history);
        foreach (Parameter p in network.Parameters)
        {
            checkpoint.Tensors[ParameterPrefix + p.Name] = p.Value;
        }

        foreach (StateTensor tensor in network.State)
        {
            checkpoint.Tensors[StatePrefix + tensor.Name] = tensor.Value;
        }

        foreach (IStochasticLayer layer in network.Layers.OfType<IStochasticLayer>())
        {
            checkpoint.Words[RandomPrefix + layer.Name] = layer.GetRandomState();
        }

        OptimizerState state = optimizer.CurrentState();
        checkpoint.Scalars["optimizer.steps"] = state.Steps;
        checkpoint.Scalars["optimizer.learning_rate"] = state.LearningRate;
        foreach ((string key, float[] buffer) in state.Buffers)
        {
            checkpoint.Tensors[OptimizerPrefix + key] = buffer;
        }

        foreach (ICheckpointParticipant participant in participants)
        {
            participant.SaveTo(checkpoint);
        }

        return checkpoint;
    }

    /// <exception cref="CheckpointException">The checkpoint does not fit this network.</exception>
    public void Restore(Checkpoint checkpoint, Sequential network, IOptimizer optimizer, IEnumerable<ICheckpointParticipant> participants)
    {
        if (checkpoint.ShuffleState.Length != 4)
        {
            throw new CheckpointException("the checkpoint holds no shuffle generator state", damaged: true);
        }

        // Checkpoints from before it was kept time only this session's part of the epoch.
        EpochSecondsBefore = checkpoint.Batch > 0 ? checkpoint.Scalars.GetValueOrDefault(EpochSecondsKey) : 0;

        foreach (Parameter p in network.Parameters)
        {
            if (!checkpoint.Tensors.TryGetValue(ParameterPrefix + p.Name, out float[]? values) || values.Length != p.Length)
            {
                throw new CheckpointException($"the checkpoint does not fit the network: parameter {p.Name} ({string.Join("x", p.Dimensions)}) is missing or has another size");
            }

            values.CopyTo(p.Value, 0);
        }

        foreach (StateTensor tensor in network.State)
        {
            if (!checkpoint.Tensors.TryGetValue(StatePrefix + tensor.Name, out float[]? values) || values.Length != tensor.Length)
            {
                throw new CheckpointException($"the checkpoint does not fit the network: {tensor} is missing or has another size");
            }

            values.CopyTo(tensor.Value, 0);
        }

        foreach (IStochasticLayer layer in network.Layers.OfType<IStochasticLayer>())
        {
            if (checkpoint.Words.TryGetValue(RandomPrefix + layer.Name, out ulong[]? words))
            {
                layer.SetRandomState(words);
            }
        }

        var buffers = checkpoint.Tensors
            .Where(kv => kv.Key.StartsWith(OptimizerPrefix, StringComparison.Ordinal))
            .ToDictionary(kv => kv.Key[OptimizerPrefix.Length..], kv => kv.Value, StringComparer.Ordinal);
        long steps = (long)checkpoint.Scalars.GetValueOrDefault("optimizer.steps");
        float rate = (float)checkpoint.Scalars.GetValueOrDefault("optimizer.learning_rate", optimizer.LearningRate);
        if (steps > 0 || buffers.Count > 0)
        {
            optimizer.LoadState(new OptimizerState(steps, rate, buffers));
        }

        foreach (ICheckpointParticipant participant in participants)
        {
            participant.RestoreFrom(checkpoint);
        }

        Epoch = checkpoint.Epoch;
        Batch = checkpoint.Batch;
        LossSum = checkpoint.LossSum;
        CorrectSum = checkpoint.CorrectSum;
        ShuffleState = (ulong[])checkpoint.ShuffleState.Clone();
    }
}
