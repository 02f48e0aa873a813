using ScratchNet.Core.Kernels;
using ScratchNet.Core.Layers;

namespace ScratchNet.Training.Optimizers;

/// <summary>
/// Plain stochastic gradient descent: θ ← θ − η·∇θ. Matches torch.optim.SGD with no momentum,
/// dampening or weight decay. It keeps no state.
/// </summary>
public sealed class Sgd(float learningRate) : OptimizerBase(learningRate)
{
    public override string Name => "sgd";

    public override void Step(IReadOnlyList<Parameter> parameters)
    {
        ArgumentNullException.ThrowIfNull(parameters);
        float step = -LearningRate;
        for (int i = 0; i < parameters.Count; i++)
        {
            Elementwise.MultiplyAddInPlace(parameters[i].Gradient, step, parameters[i].Value);
        }
    }
}
