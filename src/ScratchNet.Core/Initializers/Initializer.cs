namespace ScratchNet.Core.Initializers;

/// <summary>Looks initialisers up by their configuration name.</summary>
public static class Initializer
{
    public static IReadOnlyList<string> Names { get; } = ["he_normal", "xavier_uniform", "xavier_normal", "zeros"];

    public static bool IsKnown(string? name) => name is not null && Names.Contains(name.ToLowerInvariant());

    /// <exception cref="ArgumentException">The name is not one of <see cref="Names"/>.</exception>
    public static IInitializer Create(string name) => name?.ToLowerInvariant() switch
    {
        "he_normal" => new HeNormal(),
        "xavier_uniform" => new XavierUniform(),
        "xavier_normal" => new XavierNormal(),
        "zeros" => new Zeros(),
        _ => throw new ArgumentException($"unknown initializer '{name}'; valid names: {string.Join(", ", Names)}", nameof(name)),
    };
}
