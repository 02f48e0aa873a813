namespace ScratchNet.Core.Activations;

/// <summary>Looks activations up by their configuration name.</summary>
public static class Activation
{
    // The one list of activations: a new one is added here, and Names, IsKnown, Create, the layer grammar and every
    // consumer that enumerates Names (and the tests over it) follow.
    private static readonly (string Name, Func<IActivation> Create)[] Table =
    [
        ("relu", () => new Relu()),
        ("leaky_relu", () => new LeakyRelu()),
        ("sigmoid", () => new Sigmoid()),
        ("tanh", () => new Tanh()),
    ];

    /// <summary>The names <see cref="Create"/> accepts, in the order help text lists them.</summary>
    public static IReadOnlyList<string> Names { get; } = [.. Table.Select(entry => entry.Name)];

    public static bool IsKnown(string? name) => name is not null && Names.Contains(name.ToLowerInvariant());

    /// <exception cref="ArgumentException">The name is not one of <see cref="Names"/>.</exception>
    public static IActivation Create(string name)
    {
        string? key = name?.ToLowerInvariant();
        foreach ((string known, Func<IActivation> create) in Table)
        {
            if (known == key)
            {
                return create();
            }
        }

        throw new ArgumentException($"unknown activation '{name}'; valid names: {string.Join(", ", Names)}", nameof(name));
    }
}
