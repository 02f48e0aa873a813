namespace ScratchNet.Core.Layers;

/// <summary>
/// A layer that draws random numbers while training (dropout). The generator state is exposed so checkpoints
/// can replay the same masks.
/// </summary>
public interface IStochasticLayer : ILayer, IHasTrainingMode
{
    ulong[] GetRandomState();

    void SetRandomState(ReadOnlySpan<ulong> state);
}
