using System.Numerics;
using ScratchNet.Core.Layers;

namespace ScratchNet.Training.Optimizers;

/// <summary>
/// RMSProp (Hinton, 2012), uncentred, with optional momentum and L2 weight decay.
/// Matches torch.optim.RMSprop(lr, alpha=α, eps=ε, weight_decay=λ, momentum=μ, centered=False):
/// <code>
/// g ← ∇θ + λ·θ
/// s ← α·s + (1 − α)·g²
/// b ← μ·b + g / (√s + ε);  θ ← θ − η·b     (μ &gt; 0)
/// θ ← θ − η·g / (√s + ε)                  (μ = 0)
/// </code>
/// </summary>
public sealed class RmsProp : OptimizerBase
{
    public RmsProp(float learningRate, float alpha = 0.99f, float epsilon = 1e-8f, float momentum = 0f, float weightDecay = 0f)
        : base(learningRate)
    {
        Alpha = InRange(alpha, 0f, 1f, nameof(alpha));
        Epsilon = Positive(epsilon, nameof(epsilon));
        Momentum = InRange(momentum, 0f, 1f, nameof(momentum));
        WeightDecay = NonNegative(weightDecay, nameof(weightDecay));
    }

    public override string Name => "rmsprop";

    public override int StateArrays => Momentum == 0f ? 1 : 2;

    public float Alpha { get; }

    public float Epsilon { get; }

    public float Momentum { get; }

    public override float WeightDecay { get; }

    protected override void Update(Parameter parameter)
    {
        Span<float> theta = parameter.Value;
        ReadOnlySpan<float> gradient = parameter.Gradient;
        Span<float> s = StateFor(parameter, "square_avg");
        Span<float> buffer = Momentum == 0f ? default : StateFor(parameter, "momentum_buffer");
        float lr = LearningRate, a = Alpha, eps = Epsilon, mu = Momentum, wd = WeightDecay;
        int i = 0;
        if (Vector.IsHardwareAccelerated)
        {
            int width = Vector<float>.Count;
            for (; i + width <= theta.Length; i += width)
            {
                var th = new Vector<float>(theta[i..]);
                Vector<float> g = new Vector<float>(gradient[i..]) + (wd * th);
                Vector<float> si = (a * new Vector<float>(s[i..])) + ((1f - a) * g * g);
                si.CopyTo(s[i..]);
                Vector<float> scaled = g / (Vector.SquareRoot(si) + new Vector<float>(eps));
                if (mu != 0f)
                {
                    scaled = (mu * new Vector<float>(buffer[i..])) + scaled;
                    scaled.CopyTo(buffer[i..]);
                }

                (th - (lr * scaled)).CopyTo(theta[i..]);
            }
        }

        for (; i < theta.Length; i++)
        {
            float g = gradient[i] + (wd * theta[i]);
            s[i] = (a * s[i]) + ((1f - a) * g * g);
            float scaled = g / (MathF.Sqrt(s[i]) + eps);
            if (mu != 0f)
            {
                scaled = (mu * buffer[i]) + scaled;
                buffer[i] = scaled;
            }

            theta[i] -= lr * scaled;
        }
    }
}
