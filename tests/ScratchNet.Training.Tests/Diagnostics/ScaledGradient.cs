using ScratchNet.Core.Layers;

namespace ScratchNet.Training.Tests.Diagnostics;

/// <summary>A layer whose gradient of one parameter comes out <c>factor</c> times too large: the bug the gradient check must catch.</summary>
internal sealed class ScaledGradient(ILayer inner, Parameter scaled, float factor) : ILayer
{
    public string Name => inner.Name;

    public Shape InputShape => inner.InputShape;

    public Shape OutputShape => inner.OutputShape;

    public int InputSize => inner.InputSize;

    public int OutputSize => inner.OutputSize;

    public int Capacity => inner.Capacity;

    public IReadOnlyList<Parameter> Parameters => inner.Parameters;

    public IReadOnlyList<StateTensor> State => inner.State;

    public float[] Forward(ReadOnlyMemory<float> x, int n) => inner.Forward(x, n);

    public float[]? Backward(float[] dY, int n, bool computeInputGradient)
    {
        float[]? dX = inner.Backward(dY, n, computeInputGradient);
        for (int i = 0; i < scaled.Length; i++)
        {
            scaled.Gradient[i] *= factor;
        }

        return dX;
    }
}
