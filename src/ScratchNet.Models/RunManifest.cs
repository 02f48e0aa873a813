namespace ScratchNet.Models;

/// <summary>Where a model came from, enough to reproduce the run.</summary>
/// <param name="Seed">Training:Seed of the run.</param>
/// <param name="DatasetSha256">SHA-256 of the data the run saw (the training and validation features and labels as loaded), lower-case hex.</param>
/// <param name="CodeVersion">The assembly's informational version, which carries the git commit of the build.</param>
/// <param name="CreatedUtc">When the file was written, ISO 8601 UTC.</param>
public sealed record RunManifest(int Seed, string DatasetSha256, string CodeVersion, string CreatedUtc);
