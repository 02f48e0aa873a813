using ScratchNet.Core.Layers;

namespace ScratchNet.Training;

/// <summary>
/// Where Model:InitFrom's weights come from. Training only knows that a network can start from weights other than its
/// seeded ones; reading model files is the host's business (it registers the implementation that knows the formats).
/// </summary>
public interface IInitialWeights
{
    /// <summary>Replaces the weights of <paramref name="network"/> with those <paramref name="source"/> names.</summary>
    /// <param name="network">A freshly built network.</param>
    /// <param name="source">The value of Model:InitFrom.</param>
    void CopyInto(Sequential network, string source);
}
