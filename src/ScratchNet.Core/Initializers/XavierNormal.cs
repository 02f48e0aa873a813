using ScratchNet.Core.Random;

namespace ScratchNet.Core.Initializers;

/// <summary>Xavier/Glorot normal: w ~ N(0, σ²) with σ = sqrt(2 / (fanIn + fanOut)).</summary>
public sealed class XavierNormal : IInitializer
{
    public string Name => "xavier_normal";

    public void Initialize(Span<float> weights, int fanIn, int fanOut, Xoshiro256 rng)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(fanIn);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(fanOut);
        ArgumentNullException.ThrowIfNull(rng);
        double sigma = Math.Sqrt(2.0 / (fanIn + fanOut));
        for (int i = 0; i < weights.Length; i++)
        {
            weights[i] = (float)(sigma * rng.NextGaussian());
        }
    }
}
