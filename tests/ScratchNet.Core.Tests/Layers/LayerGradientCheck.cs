using ScratchNet.Core.Layers;

namespace ScratchNet.Core.Tests.Layers;

/// <summary>
/// Central-difference checks of one layer's backward pass. The loss is L = Σ g ⊙ y(x) for a fixed random g, summed
/// in double, so ∂L/∂y = g and Backward(g) must give ∂L/∂x and every ∂L/∂θ; each is compared with (L(+h) − L(−h)) / 2h.
/// </summary>
internal static class LayerGradientCheck
{
    public static void AssertGradients(ILayer layer, float[] x, int n, ulong seed, float h = 1e-2f, double relative = 1e-2, double absolute = 1e-3)
    {
        float[] g = TestData.Uniform(n * layer.OutputSize, seed);
        layer.Forward(x, n);
        float[] dX = layer.Backward(g, n, computeInputGradient: true)!.AsSpan(0, n * layer.InputSize).ToArray();
        float[][] analytic = layer.Parameters.Select(p => (float[])p.Gradient.Clone()).ToArray();

        float[] probe = (float[])x.Clone();
        TestData.AssertClose(dX, Numeric(layer, probe, probe, g, n, h), relative, absolute, $"{layer.Name} dX");
        for (int i = 0; i < layer.Parameters.Count; i++)
        {
            Parameter parameter = layer.Parameters[i];
            TestData.AssertClose(analytic[i], Numeric(layer, parameter.Value, x, g, n, h), relative, absolute, parameter.Name);
        }
    }

    /// <summary>L = Σ g ⊙ y(x), in double.</summary>
    public static double Loss(ILayer layer, float[] x, float[] g, int n)
    {
        float[] y = layer.Forward(x, n);
        double sum = 0.0;
        for (int i = 0; i < n * layer.OutputSize; i++)
        {
            sum += (double)g[i] * y[i];
        }

        return sum;
    }

    // ∂L/∂values[k] by central differences, where values is x itself or one of the layer's parameters.
    private static float[] Numeric(ILayer layer, float[] values, float[] x, float[] g, int n, float h)
    {
        int length = ReferenceEquals(values, x) ? n * layer.InputSize : values.Length;
        var numeric = new float[length];
        for (int k = 0; k < length; k++)
        {
            float saved = values[k];
            values[k] = saved + h;
            double plus = Loss(layer, x, g, n);
            values[k] = saved - h;
            double minus = Loss(layer, x, g, n);
            values[k] = saved;
            numeric[k] = (float)((plus - minus) / (2.0 * h));
        }

        return numeric;
    }
}
