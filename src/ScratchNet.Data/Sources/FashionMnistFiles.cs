namespace ScratchNet.Data.Sources;

/// <summary>
/// The four Fashion-MNIST files (Zalando Research, MIT licence), with the SHA-256 of their uncompressed content.
/// The hashes were computed from Debian's dataset-fashion-mnist package and agree with those published for the
/// upstream archives (whose gzip MD5s Zalando lists); Debian recompresses the .gz, so only the content hash is shared.
/// </summary>
public static class FashionMnistFiles
{
    /// <summary>Where Debian's <c>dataset-fashion-mnist</c> package installs the four .gz files.</summary>
    public const string DebianDirectory = "/usr/share/datasets/fashion-mnist";

    public static readonly DataFile TrainImages = new(MnistFiles.TrainImages.Name, "c59f468a2f672dc815687fe0f83887768d799fd8a3f3276145d20f83aa44d888");

    public static readonly DataFile TrainLabels = new(MnistFiles.TrainLabels.Name, "bad3541b69d912435c50bb6ba87bec294ff4f6a2e1246121d8633921760443d9");

    public static readonly DataFile TestImages = new(MnistFiles.TestImages.Name, "5b4141f0afbad91edebe8549f8fcffe087ea10ca49f1dbef5c9a5cd8815ce37b");

    public static readonly DataFile TestLabels = new(MnistFiles.TestLabels.Name, "0402a96d92fd2663957122ceb108a494c5af83dab82d92729df917d7dec38c34");

    public static IReadOnlyList<DataFile> All { get; } = [TrainImages, TrainLabels, TestImages, TestLabels];

    /// <summary>The public copies, each serving <c>{file}.gz</c>.</summary>
    public static IReadOnlyList<string> Mirrors { get; } =
    [
        "http://fashion-mnist.s3-website.eu-central-1.amazonaws.com/",
        "https://raw.githubusercontent.com/zalandoresearch/fashion-mnist/master/data/fashion/",
    ];

    public static IReadOnlyList<string> ClassNames { get; } =
        ["T-shirt/top", "Trouser", "Pullover", "Dress", "Coat", "Sandal", "Shirt", "Sneaker", "Bag", "Ankle boot"];

    public static DatasetManifest Manifest { get; } =
        new("Fashion-MNIST", All, $"Debian's package has them: `apt-get install dataset-fashion-mnist` puts them in {DebianDirectory}, which is tried first");
}
