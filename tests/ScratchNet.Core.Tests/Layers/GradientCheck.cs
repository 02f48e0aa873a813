using ScratchNet.Core.Layers;
using ScratchNet.Core.Losses;

namespace ScratchNet.Core.Tests.Layers;

/// <summary>Central-difference checks of a network's analytic gradients against its softmax + cross-entropy loss.</summary>
internal static class GradientCheck
{
    public static float Loss(Sequential network, float[] x, float[] targets, int n)
    {
        float[] logits = network.Forward(x, n);
        var p = new float[n * network.OutputSize];
        return SoftmaxCrossEntropy.Forward(logits.AsSpan(0, n * network.OutputSize), targets, p, n, network.OutputSize);
    }

    /// <summary>Runs backward once and compares every parameter entry with (L(θ+h) − L(θ−h)) / 2h.</summary>
    public static void AssertParameterGradients(Sequential network, float[] x, float[] targets, int n, float h = 1e-2f)
    {
        int classes = network.OutputSize;
        float[] logits = network.Forward(x, n);
        var p = new float[n * classes];
        var dLogits = new float[n * classes];
        SoftmaxCrossEntropy.Forward(logits.AsSpan(0, n * classes), targets, p, n, classes);
        SoftmaxCrossEntropy.Backward(p, targets, dLogits, n, classes);
        network.Backward(dLogits, n);

        foreach (Parameter parameter in network.Parameters)
        {
            float[] analytic = (float[])parameter.Gradient.Clone();
            var numeric = new float[parameter.Length];
            for (int k = 0; k < parameter.Length; k++)
            {
                float saved = parameter.Value[k];
                parameter.Value[k] = saved + h;
                double plus = Loss(network, x, targets, n);
                parameter.Value[k] = saved - h;
                double minus = Loss(network, x, targets, n);
                parameter.Value[k] = saved;
                numeric[k] = (float)((plus - minus) / (2 * h));
            }

            TestData.AssertClose(analytic, numeric, 5e-2, 2e-3, parameter.Name);
        }
    }
}
