using ScratchNet.Core.Random;

namespace ScratchNet.Core.Initializers;

/// <summary>Xavier/Glorot uniform: w ~ U(−a, a) with a = sqrt(6 / (fanIn + fanOut)), suited to tanh and sigmoid.</summary>
public sealed class XavierUniform : IInitializer
{
    public string Name => "xavier_uniform";

    public void Initialize(Span<float> weights, int fanIn, int fanOut, Xoshiro256 rng)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(fanIn);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(fanOut);
        ArgumentNullException.ThrowIfNull(rng);
        double limit = Math.Sqrt(6.0 / (fanIn + fanOut));
        for (int i = 0; i < weights.Length; i++)
        {
            weights[i] = (float)(((2.0 * rng.NextDouble()) - 1.0) * limit);
        }
    }
}
