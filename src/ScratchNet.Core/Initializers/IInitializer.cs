using ScratchNet.Core.Random;

namespace ScratchNet.Core.Initializers;

/// <summary>Fills a weight matrix of shape (fanIn, fanOut) from a seeded generator.</summary>
public interface IInitializer
{
    string Name { get; }

    void Initialize(Span<float> weights, int fanIn, int fanOut, Xoshiro256 rng);
}
