using System.Numerics;
using ScratchNet.Core.Layers;

namespace ScratchNet.Training.Optimizers;

/// <summary>
/// Adam (Kingma and Ba, 2015) with L2 weight decay added to the gradient.
/// Matches torch.optim.Adam(lr, betas=(β1, β2), eps=ε, weight_decay=λ), step t counted from 1:
/// <code>
/// g ← ∇θ + λ·θ
/// m ← β1·m + (1 − β1)·g
/// v ← β2·v + (1 − β2)·g²
/// θ ← θ − (η / (1 − β1ᵗ)) · m / (√v / √(1 − β2ᵗ) + ε)
/// </code>
/// The last line is PyTorch's arrangement of m̂ / (√v̂ + ε), so results agree to rounding.
/// </summary>
public class Adam : OptimizerBase
{
    public Adam(float learningRate, float beta1 = 0.9f, float beta2 = 0.999f, float epsilon = 1e-8f, float weightDecay = 0f)
        : base(learningRate)
    {
        Beta1 = InRange(beta1, 0f, 1f, nameof(beta1));
        Beta2 = InRange(beta2, 0f, 1f, nameof(beta2));
        Epsilon = Positive(epsilon, nameof(epsilon));
        WeightDecay = NonNegative(weightDecay, nameof(weightDecay));
    }

    public override string Name => "adam";

    public override int StateArrays => 2;

    public float Beta1 { get; }

    public float Beta2 { get; }

    public float Epsilon { get; }

    public override float WeightDecay { get; }

    /// <summary>λ of the L2 term added to the gradient; AdamW decouples its decay and adds none.</summary>
    protected virtual float GradientWeightDecay => WeightDecay;

    protected override void Update(Parameter parameter)
    {
        Span<float> theta = parameter.Value;
        ReadOnlySpan<float> gradient = parameter.Gradient;
        Span<float> m = StateFor(parameter, "exp_avg");
        Span<float> v = StateFor(parameter, "exp_avg_sq");
        float b1 = Beta1, b2 = Beta2, eps = Epsilon, wd = GradientWeightDecay;
        double t = Steps;
        float stepSize = (float)(LearningRate / (1.0 - Math.Pow(b1, t)));
        float correction2 = (float)Math.Sqrt(1.0 - Math.Pow(b2, t));
        int i = 0;
        if (Vector.IsHardwareAccelerated)
        {
            int width = Vector<float>.Count;
            for (; i + width <= theta.Length; i += width)
            {
                var th = new Vector<float>(theta[i..]);
                Vector<float> g = new Vector<float>(gradient[i..]) + (wd * th);
                Vector<float> mi = (b1 * new Vector<float>(m[i..])) + ((1f - b1) * g);
                Vector<float> vi = (b2 * new Vector<float>(v[i..])) + ((1f - b2) * g * g);
                mi.CopyTo(m[i..]);
                vi.CopyTo(v[i..]);
                Vector<float> denominator = (Vector.SquareRoot(vi) / correction2) + new Vector<float>(eps);
                (th - (stepSize * mi / denominator)).CopyTo(theta[i..]);
            }
        }

        for (; i < theta.Length; i++)
        {
            float g = gradient[i] + (wd * theta[i]);
            m[i] = (b1 * m[i]) + ((1f - b1) * g);
            v[i] = (b2 * v[i]) + ((1f - b2) * g * g);
            float denominator = (MathF.Sqrt(v[i]) / correction2) + eps;
            theta[i] -= stepSize * m[i] / denominator;
        }
    }
}
