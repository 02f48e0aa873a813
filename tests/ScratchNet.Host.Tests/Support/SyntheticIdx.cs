
namespace ScratchNet.Host.Tests.Support;

/// <summary>A tiny IDX dataset (random side×side images, random labels) on disk, for runs of the real host that train in milliseconds per epoch.</summary>
internal static class SyntheticIdx
{
    /// <summary>Writes the four files of Data:Dataset=idx into <paramref name="folder"/>.</summary>
    /// <returns>The command-line overrides that train on them with layers side², <paramref name="hidden"/>, 10.</returns>
    public static string[] Write(string folder, int side = 8, int hidden = 16, int trainRows = 600, int testRows = 100)
    {
        Directory.CreateDirectory(folder);
        File.WriteAllBytes(Path.Combine(folder, "train-images-idx3-ubyte"), IdxFiles.Images(trainRows, side, side, seed: 11));
        File.WriteAllBytes(Path.Combine(folder, "train-labels-idx1-ubyte"), IdxFiles.Labels(trainRows, seed: 12));
        File.WriteAllBytes(Path.Combine(folder, "t10k-images-idx3-ubyte"), IdxFiles.Images(testRows, side, side, seed: 13));
        File.WriteAllBytes(Path.Combine(folder, "t10k-labels-idx1-ubyte"), IdxFiles.Labels(testRows, seed: 14));
        return ["--Data:Dataset=idx", $"--Data:Directory={folder}", $"--Model:LayerSizes={side * side},{hidden},10"];
    }
}
