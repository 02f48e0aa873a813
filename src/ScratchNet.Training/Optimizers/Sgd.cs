using System.Runtime.CompilerServices;
using System.Numerics;
using ScratchNet.Core.Kernels;
using ScratchNet.Core.Layers;

namespace ScratchNet.Training.Optimizers;

/// <summary>
/// Stochastic gradient descent with optional momentum, Nesterov momentum and L2 weight decay.
/// Matches torch.optim.SGD(lr, momentum, dampening=0, weight_decay, nesterov):
/// <code>
/// g ← ∇θ + λ·θ                       (weight decay λ, skipped when 0)
/// b ← μ·b + g                        (momentum μ; b starts at 0, so the first b is g as in PyTorch)
/// g ← g + μ·b   if Nesterov, else  g ← b
/// θ ← θ − η·g
/// </code>
/// With μ = 0 and λ = 0 it is plain SGD, θ ← θ − η·∇θ, and keeps no state.
/// </summary>
public sealed class Sgd : OptimizerBase
{
    public Sgd(float learningRate, float momentum = 0f, bool nesterov = false, float weightDecay = 0f)
        : base(learningRate)
    {
        Momentum = InRange(momentum, 0f, 1f, nameof(momentum));
        WeightDecay = NonNegative(weightDecay, nameof(weightDecay));
        if (nesterov && momentum == 0f)
        {
            throw new ArgumentException("Nesterov momentum needs a momentum above 0", nameof(nesterov));
        }

        Nesterov = nesterov;
    }

    public override string Name => "sgd";

    public override int StateArrays => Momentum == 0f ? 0 : 1;

    public override string StateName => "momentum";

    public float Momentum { get; }

    public bool Nesterov { get; }

    public override float WeightDecay { get; }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)] // hot from the first batch; see Gemm.Run
    protected override void Update(Parameter parameter)
    {
        if (Momentum == 0f && WeightDecay == 0f)
        {
            Elementwise.MultiplyAddInPlace(parameter.Gradient, -LearningRate, parameter.Value);
            return;
        }

        Span<float> theta = parameter.Value;
        ReadOnlySpan<float> gradient = parameter.Gradient;
        Span<float> buffer = Momentum == 0f ? default : StateFor(parameter, "momentum");
        float lr = LearningRate, mu = Momentum, wd = WeightDecay;
        int i = 0;
        if (Vector.IsHardwareAccelerated)
        {
            int width = Vector<float>.Count;
            for (; i + width <= theta.Length; i += width)
            {
                var t = new Vector<float>(theta[i..]);
                Vector<float> g = new Vector<float>(gradient[i..]) + (wd * t);
                if (mu != 0f)
                {
                    Vector<float> b = (mu * new Vector<float>(buffer[i..])) + g;
                    b.CopyTo(buffer[i..]);
                    g = Nesterov ? g + (mu * b) : b;
                }

                (t - (lr * g)).CopyTo(theta[i..]);
            }
        }

        for (; i < theta.Length; i++)
        {
            float g = gradient[i] + (wd * theta[i]);
            if (mu != 0f)
            {
                float b = (mu * buffer[i]) + g;
                buffer[i] = b;
                g = Nesterov ? g + (mu * b) : b;
            }

            theta[i] -= lr * g;
        }
    }
}
