using ScratchNet.Core.Layers;

namespace ScratchNet.Training;

/// <summary>Builds the network a run trains. Replace it through DI to train another architecture.</summary>
public interface INetworkFactory
{
    /// <param name="input">One input row's shape, from the data (1 × 28 × 28 for MNIST).</param>
    /// <param name="capacity">The most rows one forward pass will carry (the larger of the batch and evaluation sizes).</param>
    /// <exception cref="TrainingSetupException">The configured network does not fit the input; the message names the layer and the shapes.</exception>
    Sequential Create(Shape input, int capacity);

    /// <summary>As <see cref="Create(Shape, int)"/>, for a run whose backward passes carry at most <paramref name="trainingRows"/> rows (the training batch), which the memory it needs depends on.</summary>
    Sequential Create(Shape input, int capacity, int trainingRows) => Create(input, capacity);

    /// <summary>
    /// As <see cref="Create(Shape, int, int)"/>, for a caller whose rows come from its own settings: a network beyond the
    /// memory budget is refused with <paramref name="fewerRows"/> as the way to fewer rows (<c>lower --batch</c>), or with
    /// none where no setting lowers them (null).
    /// </summary>
    Sequential Create(Shape input, int capacity, int trainingRows, string? fewerRows) => Create(input, capacity, trainingRows);
}
