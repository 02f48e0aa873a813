namespace ScratchNet.Core.Activations;

/// <summary>Looks activations up by their configuration name.</summary>
public static class Activation
{
    /// <summary>The names <see cref="Create"/> accepts.</summary>
    public static IReadOnlyList<string> Names { get; } = ["relu", "leaky_relu", "sigmoid", "tanh"];

    public static bool IsKnown(string? name) => name is not null && Names.Contains(name.ToLowerInvariant());

    /// <exception cref="ArgumentException">The name is not one of <see cref="Names"/>.</exception>
    public static IActivation Create(string name) => name?.ToLowerInvariant() switch
    {
        "relu" => new Relu(),
        "leaky_relu" => new LeakyRelu(),
        "sigmoid" => new Sigmoid(),
        "tanh" => new Tanh(),
        _ => throw new ArgumentException($"unknown activation '{name}'; valid names: {string.Join(", ", Names)}", nameof(name)),
    };
}
