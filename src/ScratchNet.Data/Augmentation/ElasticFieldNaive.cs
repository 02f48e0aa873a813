namespace ScratchNet.Data.Augmentation;

/// <summary>
/// The elastic displacement field straight from Simard, Steinkraus and Platt (2003), in double precision: the oracle
/// <see cref="ElasticField"/> is tested against. Never optimised.
/// </summary>
public static class ElasticFieldNaive
{
    // dx, dy: (height, width)
    /// <remarks>
    /// Each component is white noise n uniform in [−1, 1) (<see cref="StatelessRandom.Noise(uint, ulong)"/>, index v·width + u,
    /// under the keys of <see cref="ElasticField.ComponentKeys"/>), convolved with a 2-D Gaussian of standard deviation σ
    /// truncated at radius ⌈3σ⌉ and normalised to sum 1, with zeros outside the image, then scaled by α:
    ///   d[v, u] = α · Σi Σj g(i)·g(j) / (Σk g(k))² · n[v + i, u + j],  g(i) = exp(−i² / 2σ²).
    /// </remarks>
    public static void Generate(ulong key, double sigma, double alpha, Span<float> dx, Span<float> dy, int height, int width)
    {
        int n = height * width;
        if (dx.Length != n || dy.Length != n)
        {
            throw new ArgumentException($"dx and dy hold {dx.Length} and {dy.Length} values, but {height} × {width} needs {n}", nameof(dx));
        }

        int r = ElasticField.Radius(sigma);
        double total = 0;
        for (int i = -r; i <= r; i++)
        {
            total += Math.Exp(-(i * i) / (2 * sigma * sigma));
        }

        (ulong keyX, ulong keyY) = ElasticField.ComponentKeys(key);
        for (int v = 0; v < height; v++)
        {
            for (int u = 0; u < width; u++)
            {
                double sumX = 0;
                double sumY = 0;
                for (int i = -r; i <= r; i++)
                {
                    for (int j = -r; j <= r; j++)
                    {
                        int row = v + i;
                        int column = u + j;
                        if (row < 0 || row >= height || column < 0 || column >= width)
                        {
                            continue;
                        }

                        double weight = Math.Exp(-(i * i) / (2 * sigma * sigma)) * Math.Exp(-(j * j) / (2 * sigma * sigma)) / (total * total);
                        uint index = (uint)((row * width) + column);
                        sumX += weight * StatelessRandom.Noise(index, keyX);
                        sumY += weight * StatelessRandom.Noise(index, keyY);
                    }
                }

                dx[(v * width) + u] = (float)(alpha * sumX);
                dy[(v * width) + u] = (float)(alpha * sumY);
            }
        }
    }
}
