namespace ScratchNet.Core.Layers;

/// <summary>
/// A layer that behaves differently in training and evaluation and draws random numbers while training
/// (dropout). <see cref="Sequential.IsTraining"/> switches every such layer; the generator state is
/// exposed so checkpoints can replay the same masks.
/// </summary>
public interface IStochasticLayer : ILayer
{
    bool IsTraining { get; set; }

    ulong[] GetRandomState();

    void SetRandomState(ReadOnlySpan<ulong> state);
}
