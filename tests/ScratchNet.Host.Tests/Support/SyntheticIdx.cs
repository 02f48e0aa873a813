using ScratchNet.Data.Tests.Support;

namespace ScratchNet.Host.Tests.Support;

/// <summary>A tiny IDX dataset (8×8 random images, random labels) on disk, for runs of the real host that train in milliseconds per epoch.</summary>
internal static class SyntheticIdx
{
    public const string LayerSizes = "64,16,10";

    /// <summary>Writes the four files of Data:Dataset=idx into <paramref name="folder"/>.</summary>
    /// <returns>The command-line overrides that train on them with <see cref="LayerSizes"/>.</returns>
    public static string[] Write(string folder, int trainRows = 600, int testRows = 100)
    {
        Directory.CreateDirectory(folder);
        File.WriteAllBytes(Path.Combine(folder, "train-images-idx3-ubyte"), IdxFiles.Images(trainRows, 8, 8, seed: 11));
        File.WriteAllBytes(Path.Combine(folder, "train-labels-idx1-ubyte"), IdxFiles.Labels(trainRows, seed: 12));
        File.WriteAllBytes(Path.Combine(folder, "t10k-images-idx3-ubyte"), IdxFiles.Images(testRows, 8, 8, seed: 13));
        File.WriteAllBytes(Path.Combine(folder, "t10k-labels-idx1-ubyte"), IdxFiles.Labels(testRows, seed: 14));
        return ["--Data:Dataset=idx", $"--Data:Directory={folder}", $"--Model:LayerSizes={LayerSizes}"];
    }
}
