using System.Diagnostics;
using System.Globalization;
using System.Security.Cryptography;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using ScratchNet.Data.Idx;
using ScratchNet.Data.Options;
using ScratchNet.Data.Sources;
using ScratchNet.Data.Splits;
using ScratchNet.Files;

namespace ScratchNet.Data;

/// <summary>
/// An MNIST-shaped IDX dataset (<c>Data:Dataset</c>: mnist, fashion-mnist, or a folder of IDX files), fetched through
/// the cache and fetch chain (or read in place for idx), parsed and split as <see cref="DataOptions"/> says.
/// </summary>
public sealed class IdxDatasetProvider : IDatasetProvider
{
    private readonly DataOptions _options;
    private readonly DatasetCache _cache;
    private readonly ILogger<IdxDatasetProvider> _logger;

    public IdxDatasetProvider(IOptions<DataOptions> options, DatasetCache cache, ILogger<IdxDatasetProvider> logger)
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
        DatasetDefinition definition = DatasetCatalog.Get(_options.Dataset);
        DatasetManifest? manifest = definition.Manifest?.Invoke(_options);
        // Cached files are not hashed here: the parse below hashes each file as it reads it, and a file whose hash is
        // wrong is set aside and fetched again then. An IDX folder is read in place, without hashes.
        IReadOnlyDictionary<string, string> paths = manifest is not null
            ? await _cache.EnsurePresentAsync(manifest, cancellationToken).ConfigureAwait(false)
            : IdxFolder.Locate(_options.Directory);
        long fetchedMs = clock.ElapsedMilliseconds;

        // Labels are checked against the class count; a folder of IDX files without configured names gets one per label seen.
        IReadOnlyList<string>? names = DatasetCatalog.ClassNames(definition.Name, _options.ClassNames);
        int classLimit = names?.Count ?? byte.MaxValue;

        ParsedFiles files;
        try
        {
            files = await ParseAsync(paths, hash: manifest is not null, cancellationToken).ConfigureAwait(false);
        }
        catch (InvalidDataFormatException) when (manifest is not null)
        {
            // A cached file that does not parse may have rotted in place; its parse stopped short, so hash every file in
            // full: those that no longer match are set aside and fetched again. If all match, the data itself is bad
            // and the parse error stands.
            IReadOnlyList<string> rejected = await _cache.RejectDamagedAsync(manifest, cancellationToken).ConfigureAwait(false);
            if (rejected.Count == 0)
            {
                throw;
            }

            _logger.LogWarning("Cached {Files} failed to parse and no longer match their SHA-256; fetching them again", string.Join(", ", rejected));
            paths = await _cache.EnsurePresentAsync(manifest, cancellationToken).ConfigureAwait(false);
            files = await ParseAsync(paths, hash: true, cancellationToken).ConfigureAwait(false);
        }

        if (manifest is not null && _cache.SetAsideMismatched(manifest, files.Sha256) is { Count: > 0 })
        {
            // A file that parses but is not the file its hash names (changed in place with its size and time kept, or a
            // copied cache) would train on wrong data without a word. It is set aside (one warning each) and fetched again;
            // what is fetched is verified before it enters the cache, and checked again as it is parsed.
            paths = await _cache.EnsurePresentAsync(manifest, cancellationToken).ConfigureAwait(false);
            files = await ParseAsync(paths, hash: true, cancellationToken).ConfigureAwait(false);
            if (_cache.SetAsideMismatched(manifest, files.Sha256) is { Count: > 0 } changed)
            {
                throw new DatasetUnavailableException(
                    $"{string.Join(", ", changed)} in {_cache.Directory} changed again while it was read; make sure no other program writes into that folder, then start again.");
            }
        }

        // Only now, with a hashed dataset's files verified: a damaged cached file is fetched again above, never blamed on
        // the settings (a label past Data:ClassNames) or reported as bad data.
        Check(files, paths, classLimit);
        (IdxArray trainImages, IdxArray trainLabels, IdxArray testImages, IdxArray testLabels, _) = files;
        string[] classNames = names?.ToArray() ?? LabelNames(trainLabels, paths[MnistFiles.TrainLabels.Name], testLabels, paths[MnistFiles.TestLabels.Name]);

        int featureCount = MnistLoader.FeatureCount(trainImages, paths[MnistFiles.TrainImages.Name]);
        if (MnistLoader.FeatureCount(testImages, paths[MnistFiles.TestImages.Name]) != featureCount)
        {
            throw new InvalidDataFormatException(
                $"{ShownName.Of(paths[MnistFiles.TestImages.Name])} has images of shape {string.Join(" x ", testImages.Dimensions[1..])}, but {ShownName.Of(paths[MnistFiles.TrainImages.Name])} has {string.Join(" x ", trainImages.Dimensions[1..])}.");
        }

        Dataset dataset = (string.Equals(_options.Split, DataOptions.OfficialSplit, StringComparison.OrdinalIgnoreCase)
            ? Official(definition.Name, classNames, trainImages, trainLabels, testImages, testLabels, featureCount)
            : Random(definition.Name, classNames, trainImages, trainLabels, testImages, testLabels, featureCount))
            with { InputShape = new Core.Layers.Shape(1, trainImages.Dimensions[1], trainImages.Dimensions[2]) };
        _logger.LogInformation(
            "Loaded {Dataset} ({Split} split): {TrainRows} train and {ValidationRows} {HeldOut} rows in {ElapsedMs} ms ({FetchMs} ms of it finding the files)",
            dataset.Name, _options.Split, dataset.Train.Count, dataset.Validation.Count, dataset.HeldOutName, clock.ElapsedMilliseconds, fetchedMs);
        if (dataset.Validation.Count < FewHeldOutRows)
        {
            // One mistake in 20 rows moves accuracy by 5 %: a number that small is noise, and nothing else would say so.
            _logger.LogWarning(
                "The {HeldOut} split holds only {ValidationRows} {RowNoun}, so its accuracy moves in steps of {Step:P1}; {Remedy} for a score worth comparing",
                dataset.HeldOutName, dataset.Validation.Count, dataset.Validation.Count == 1 ? "row" : "rows", 1.0 / dataset.Validation.Count,
                dataset.ValidationIsTestSet ? "add test images (the t10k files), or use Data:Split=random" : TooFewInAll(dataset) ?? "hold out more (Data:ValidationFraction)");
        }

        if (dataset.Train.Count < FewTrainRowsPerClass * dataset.ClassNames.Count)
        {
            // A 1-row training split (Data:ValidationFraction=0.99999999999) trains "successfully" on next to nothing, and
            // only a warning says that its result means nothing: the network never saw most of its classes.
            _logger.LogWarning(
                "The training split holds only {TrainRows} {RowNoun} for {Classes} classes, too few to learn them from; {Remedy}",
                dataset.Train.Count, dataset.Train.Count == 1 ? "row" : "rows", dataset.ClassNames.Count, TrainRemedy(dataset));
        }

        if (_options.TrainImages is not null)
        {
            _logger.LogInformation(
                "Data:TrainImages={TrainImages}: the training split is a fixed sample of {TrainRows} images (or all it has); the {ValidationRows} held-out {ImageNoun} whole",
                _options.TrainImages, dataset.Train.Count, dataset.Validation.Count, dataset.Validation.Count == 1 ? "image stays" : "images stay");
        }

        return dataset;
    }

    // Below this many held-out rows the accuracy is too coarse to compare runs by.
    private const int FewHeldOutRows = 100;

    // Below this many training rows a class (MNIST: 100 rows in all) the network has next to nothing to learn from.
    private const int FewTrainRowsPerClass = 10;

    // What made the training split small: the sample asked for, the training files, or the share held out.
    private string TrainRemedy(Dataset dataset) =>
        _options.TrainImages is { } sample && dataset.Train.Count >= sample
            ? $"raise Data:TrainImages (now {sample}), or leave it out to train on every image"
            : dataset.ValidationIsTestSet
                ? "add training images (the train files), or use Data:Split=random"
                : TooFewInAll(dataset) ?? string.Create(CultureInfo.InvariantCulture, $"hold out less (Data:ValidationFraction, now {_options.ValidationFraction})");

    // A random split too small on both sides has no share to move: "hold out more" and "hold out less" would each be wrong.
    private string? TooFewInAll(Dataset dataset) =>
        _options.TrainImages is null && dataset.Train.Count < FewTrainRowsPerClass * dataset.ClassNames.Count && dataset.Validation.Count < FewHeldOutRows
            ? string.Create(CultureInfo.InvariantCulture, $"the data has only {dataset.Train.Count + dataset.Validation.Count} images in all: add images")
            : null;

    /// <param name="Sha256">Each file's SHA-256 as it was read, by file name; empty when the files were not hashed.</param>
    private sealed record ParsedFiles(IdxArray TrainImages, IdxArray TrainLabels, IdxArray TestImages, IdxArray TestLabels, IReadOnlyDictionary<string, string> Sha256);

    private static async Task<ParsedFiles> ParseAsync(IReadOnlyDictionary<string, string> paths, bool hash, CancellationToken cancellationToken)
    {
        // The two large files parse in parallel; parsing is file reads, hashing and memcpy, so the pool thread is well spent.
        Task<PairRead> train = Task.Run(() => ReadPair(paths, MnistFiles.TrainImages, MnistFiles.TrainLabels, hash), cancellationToken);
        PairRead test = ReadPair(paths, MnistFiles.TestImages, MnistFiles.TestLabels, hash);
        PairRead trainPair = await train.ConfigureAwait(false);
        cancellationToken.ThrowIfCancellationRequested();
        var sha256 = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (PairRead pair in new[] { trainPair, test })
        {
            if (pair.ImagesSha256 is not null && pair.LabelsSha256 is not null)
            {
                sha256[pair.ImagesName] = pair.ImagesSha256;
                sha256[pair.LabelsName] = pair.LabelsSha256;
            }
        }

        return new ParsedFiles(trainPair.Images, trainPair.Labels, test.Images, test.Labels, sha256);
    }

    /// <summary>"0", "1", … up to the largest label in either file, as the docs say.</summary>
    /// <exception cref="DataSettingsException">Every label is 0: one class, which nothing can learn to tell from another.</exception>
    private string[] LabelNames(IdxArray trainLabels, string trainPath, IdxArray testLabels, string testPath)
    {
        // A flipped byte can make label 72 of a 0-to-9 file: one class per label would then resize the network to 73
        // classes without a word, and a network of 10 would be told to end with 72.
        foreach ((IdxArray labels, string path) in new[] { (trainLabels, trainPath), (testLabels, testPath) })
        {
            if (MnistLoader.DamageHint(labels.Data, ShownName.Of(path)) is { } hint)
            {
                _logger.LogWarning("{DamageHint}; if so, replace it (every label counts as a class up to the largest)", hint);
            }
        }

        // Files without rows are refused further on, with their own message; no class count is theirs to claim.
        if (trainLabels.Count + testLabels.Count > 0 && !trainLabels.Data.AsSpan().ContainsAnyExcept((byte)0) && !testLabels.Data.AsSpan().ContainsAnyExcept((byte)0))
        {
            throw new DataSettingsException(
                $"a classifier needs at least 2 classes: every label in {ShownName.Of(trainPath)} and {ShownName.Of(testPath)} is 0; give the images of at least two classes their labels (0, 1, …)");
        }

        int max = trainLabels.Data.Concat(testLabels.Data).DefaultIfEmpty().Max();
        return Enumerable.Range(0, Math.Max(2, max + 1)).Select(i => i.ToString(System.Globalization.CultureInfo.InvariantCulture)).ToArray();
    }

    private sealed record PairRead(IdxArray Images, IdxArray Labels, string ImagesName, string LabelsName, string? ImagesSha256, string? LabelsSha256);

    private static PairRead ReadPair(IReadOnlyDictionary<string, string> paths, DataFile imagesFile, DataFile labelsFile, bool hash)
    {
        string imagesPath = paths[imagesFile.Name];
        string labelsPath = paths[labelsFile.Name];
        IdxHeader imagesHeader = IdxReader.ReadHeader(imagesPath);
        IdxHeader labelsHeader = IdxReader.ReadHeader(labelsPath);
        MnistLoader.CheckPair(imagesHeader, ShownName.Of(imagesPath), labelsHeader, ShownName.Of(labelsPath));
        using IncrementalHash? imagesHash = hash ? IncrementalHash.CreateHash(HashAlgorithmName.SHA256) : null;
        using IncrementalHash? labelsHash = hash ? IncrementalHash.CreateHash(HashAlgorithmName.SHA256) : null;
        IdxArray images, labels;
        try
        {
            images = IdxReader.Read(imagesPath, imagesHash);
            labels = IdxReader.Read(labelsPath, labelsHash);
        }
        catch (OutOfMemoryException)
        {
            // What the headers declare is the data itself: the network and its batches have no part in it.
            throw new DataOutOfMemoryException(
                $"Ran out of memory loading {ShownName.Of(imagesPath)} and {ShownName.Of(labelsPath)}, which declare {imagesHeader.Count} images of {string.Join(" x ", imagesHeader.Dimensions[1..])} ({(imagesHeader.DataBytes + labelsHeader.DataBytes) / (1 << 20)} MiB unpacked): this process may use less than the machine has (ulimit -v, a container limit); allow it more memory, or give fewer images");
        }

        return new PairRead(
            images, labels, imagesFile.Name, labelsFile.Name,
            imagesHash is null ? null : Convert.ToHexStringLower(imagesHash.GetHashAndReset()),
            labelsHash is null ? null : Convert.ToHexStringLower(labelsHash.GetHashAndReset()));
    }

    // The content checks: each pair's shapes, label range and row counts. The names only go into messages, shown as every
    // line for a person shows them.
    private static void Check(ParsedFiles files, IReadOnlyDictionary<string, string> paths, int classLimit)
    {
        foreach ((IdxArray images, DataFile imagesFile, IdxArray labels, DataFile labelsFile) in new[]
        {
            (files.TrainImages, MnistFiles.TrainImages, files.TrainLabels, MnistFiles.TrainLabels),
            (files.TestImages, MnistFiles.TestImages, files.TestLabels, MnistFiles.TestLabels),
        })
        {
            string imagesName = ShownName.Of(paths[imagesFile.Name]);
            string labelsName = ShownName.Of(paths[labelsFile.Name]);
            MnistLoader.FeatureCount(images, imagesName);
            MnistLoader.ToLabels(labels, labelsName, classLimit, classesNamed: classLimit < byte.MaxValue);
            MnistLoader.CheckCountsAgree(images, imagesName, labels, labelsName);
        }
    }

    // How a row's origin names the files (DataSplit.Origin): train-images[5678] is image 5678 of train-images-idx3-ubyte.
    private static readonly string TrainSet = MnistFiles.TrainImages.Name.Replace("-idx3-ubyte", string.Empty, StringComparison.Ordinal);
    private static readonly string TestSet = MnistFiles.TestImages.Name.Replace("-idx3-ubyte", string.Empty, StringComparison.Ordinal);

    private Dataset Official(string name, string[] classNames, IdxArray trainImages, IdxArray trainLabels, IdxArray testImages, IdxArray testLabels, int featureCount)
    {
        // The files' own arrays back the splits: no copy of the pixels at all.
        DataSplit train = _options.TrainImages is int take && take < trainLabels.Count
            ? Splitter.Gather(trainImages.Data, trainLabels.Data, Splitter.Sample(trainLabels.Count, take), featureCount, classNames.Length, TrainSet)
            : DataSplit.FromPixels(trainImages.Data, trainLabels.Data, featureCount, classNames.Length, TrainSet);
        DataSplit validation = DataSplit.FromPixels(testImages.Data, testLabels.Data, featureCount, classNames.Length, TestSet);
        return new Dataset(name, train, validation, classNames, ValidationIsTestSet: true);
    }

    private Dataset Random(string name, string[] classNames, IdxArray trainImages, IdxArray trainLabels, IdxArray testImages, IdxArray testLabels, int featureCount)
    {
        // Pooling both files before the hold-out is the reference protocol: the validation rows are a random sample of all 70,000.
        SplitIndices split = Splitter.RandomHoldOut(trainLabels.Count + testLabels.Count, _options.ValidationFraction, unchecked((ulong)_options.Seed));
        int[] trainRows = _options.TrainImages is int take && take < split.Train.Length
            ? [.. Splitter.Sample(split.Train.Length, take).Select(i => split.Train[i])]
            : split.Train;
        DataSplit train = Splitter.Gather(trainImages.Data, trainLabels.Data, testImages.Data, testLabels.Data, trainRows, featureCount, classNames.Length, [TrainSet, TestSet]);
        DataSplit validation = Splitter.Gather(trainImages.Data, trainLabels.Data, testImages.Data, testLabels.Data, split.Validation, featureCount, classNames.Length, [TrainSet, TestSet]);
        return new Dataset(name, train, validation, classNames);
    }
}
