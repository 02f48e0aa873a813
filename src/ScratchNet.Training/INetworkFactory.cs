using ScratchNet.Core.Layers;

namespace ScratchNet.Training;

/// <summary>Builds the network a run trains. Replace it through DI to train another architecture.</summary>
public interface INetworkFactory
{
    /// <param name="capacity">The most rows one forward pass will carry (the larger of the batch and evaluation sizes).</param>
    Sequential Create(int capacity);
}
