using ScratchNet.Core.Kernels;
using ScratchNet.Core.Layers;

namespace ScratchNet.Training.Optimizers;

/// <summary>
/// AdamW (Loshchilov and Hutter, 2019): Adam with weight decay decoupled from the gradient.
/// Matches torch.optim.AdamW(lr, betas, eps, weight_decay=λ):
/// <code>
/// θ ← θ − η·λ·θ                      (decay first, on the weights themselves)
/// then the Adam update of <see cref="Adam"/> with the plain gradient ∇θ
/// </code>
/// PyTorch's default λ is 0.01. Here λ is Optimizer:WeightDecay, whose default, 0, every optimizer shares, and so does
/// this constructor: with 0 AdamW is Adam, and training warns so (<see cref="Callbacks.AdamWWithoutDecayWarning"/>).
/// </summary>
public sealed class AdamW(float learningRate, float beta1 = 0.9f, float beta2 = 0.999f, float epsilon = 1e-8f, float weightDecay = 0f)
    : Adam(learningRate, beta1, beta2, epsilon, weightDecay)
{
    public override string Name => "adamw";

    protected override float GradientWeightDecay => 0f;

    protected override void Update(Parameter parameter)
    {
        if (WeightDecay != 0f)
        {
            // θ ← (1 − ηλ)·θ, written as θ += (−ηλ)·θ
            Elementwise.MultiplyAddInPlace(parameter.Value, -LearningRate * WeightDecay, parameter.Value);
        }

        base.Update(parameter);
    }
}
