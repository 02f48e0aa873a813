namespace ScratchNet.Models;

/// <summary>
/// One layer as a model file describes it. Only two kinds exist, and they are matched by name against this
/// fixed list: a file never names a .NET type, so loading can build nothing but Dense and activation layers.
/// </summary>
/// <param name="Kind"><see cref="Dense"/> or <see cref="Activation"/>.</param>
/// <param name="Name">The layer's name; a dense layer's tensors are <c>{Name}.weight</c> and <c>{Name}.bias</c>.</param>
/// <param name="Inputs">Input width.</param>
/// <param name="Outputs">Output width (equal to <paramref name="Inputs"/> for an activation).</param>
/// <param name="ActivationName">For an activation layer: relu, leaky_relu, sigmoid or tanh.</param>
public sealed record LayerSpec(string Kind, string Name, int Inputs, int Outputs, string? ActivationName = null)
{
    public const string Dense = "dense";

    public const string Activation = "activation";
}
