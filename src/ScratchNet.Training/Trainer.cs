using System.Globalization;
using System.Diagnostics;
using Microsoft.Extensions.Options;
using ScratchNet.Core.Layers;
using ScratchNet.Core.Random;
using ScratchNet.Data;
using ScratchNet.Data.Augmentation;
using ScratchNet.Training.Callbacks;
using ScratchNet.Training.Checkpoints;
using ScratchNet.Training.Results;
using ScratchNet.Training.Optimizers;
using ScratchNet.Training.Options;
using ScratchNet.Training.Schedules;
using ScratchNet.Data.Splits;

namespace ScratchNet.Training;

/// <summary>
/// The minibatch loop. All buffers are allocated once before the first epoch; a training step
/// (gather batch → forward → softmax + cross-entropy → backward → optimizer step) allocates nothing.
/// </summary>
public sealed class Trainer(
    IDatasetProvider datasetProvider,
    INetworkFactory networkFactory,
    IOptimizer optimizer,
    IEnumerable<ITrainingCallback> callbacks,
    IOptions<TrainingOptions> options,
    ILearningRateSchedule? schedule = null,
    IOptions<AugmentationOptions>? augmentation = null,
    IOptions<ModelOptions>? model = null,
    TrainingStart? start = null) : ITrainer
{
    // The shuffle stream is derived from the seed but kept apart from the initialiser's stream,
    // so changing the network's size does not change the batch order.
    private const ulong ShuffleStream = 0x5EED_0F_BA7C4E5UL;

    // Likewise for the augmentation's draws: turning augmentation on changes neither the initial weights nor the order.
    private const ulong AugmentStream = 0xA116_0E27_5EED_0001UL;

    private readonly ITrainingCallback[] _callbacks = callbacks.ToArray();
    private readonly TrainingStart _start = start ?? new TrainingStart();

    public Task<TrainingResult> TrainAsync(CancellationToken cancellationToken = default) => TrainAsync(null, cancellationToken);

    /// <param name="resumeFrom">A checkpoint to continue from exactly (see <see cref="Checkpoint"/>), or null for a fresh run.</param>
    /// <param name="cancellationToken">Cancels at a batch boundary; callbacks get OnInterrupted (and may checkpoint) before <see cref="TrainingInterruptedException"/>.</param>
    public async Task<TrainingResult> TrainAsync(Checkpoint? resumeFrom, CancellationToken cancellationToken = default)
    {
        TrainingOptions o = options.Value;
        Dataset dataset = await datasetProvider.LoadAsync(cancellationToken).ConfigureAwait(false);
        DataSplit train = dataset.Train;

        // Buffers are never sized beyond what the data needs: a batch larger than the split is the split (same result).
        int batchRows = Math.Min(o.BatchSize, train.Count);
        int evaluationRows = Math.Max(1, Math.Min(o.EvaluationBatchSize, dataset.Validation.Count));
        CheckLimits(o, dataset, batchRows, evaluationRows);
        Sequential network = networkFactory.Create(dataset.InputShape, Math.Max(batchRows, evaluationRows), batchRows);
        CheckFits(network, train, model?.Value.HasLayers() == true, batchRows, initFrom: model?.Value.InitFrom);

        int classes = train.ClassCount;
        var shuffleRng = new Xoshiro256((ulong)o.Seed ^ ShuffleStream);
        ImageAugmenter? augmenter = CreateAugmenter(augmentation?.Value, dataset, o.Seed);
        var sampler = new MinibatchSampler(train, batchRows, shuffleRng, o.Shuffle, augmenter);
        var step = new TrainingStep(network, optimizer, batchRows);
        var evaluator = new Evaluator(evaluationRows, classes);
        var scored = new WeightsSnapshot();
        float baseRate = optimizer.LearningRate;

        var context = new TrainingContext(network, optimizer, dataset, o.Epochs, sampler.BatchCount) { Augmenter = augmenter };
        var position = new TrainingPosition(shuffleRng.GetState());
        ICheckpointParticipant[] participants = [.. _callbacks.OfType<ICheckpointParticipant>(), .. schedule is null ? Array.Empty<ICheckpointParticipant>() : [schedule]];
        var clock = new Stopwatch();
        context.CheckpointFactory = () => position.Capture(network, optimizer, context.History, participants, position.Batch > 0 ? clock.Elapsed.TotalSeconds : 0);
        if (resumeFrom is not null)
        {
            position.Restore(resumeFrom, network, optimizer, participants);
            context.Restore(resumeFrom.History);

            // Everything is copied in; the checkpoint's own arrays (gigabytes for a big network) need not live through the run.
            resumeFrom = null;
        }

        // Whatever stops the loop abnormally (divergence, a failed write, a bug) reaches every callback's OnTrainFailed first.
        try
        {
            Invoke(c => c.OnTrainBegin(context));
            for (int epoch = position.Epoch; epoch <= o.Epochs && !context.StopRequested; epoch++)
            {
                Invoke(c => c.OnEpochBegin(context, epoch));
                clock.Restart();

                // The epoch's order is drawn from the generator as it stood when the epoch began, so a run
                // resumed mid-epoch draws the very same order.
                shuffleRng.SetState(position.ShuffleState);
                sampler.BeginEpoch(epoch);
                network.IsTraining = true;
                double lossSum = position.LossSum;
                long correctSum = position.CorrectSum;
                for (int batch = position.Batch; batch < sampler.BatchCount; batch++)
                {
                    // Before the session's first batch a stop finds nothing trained: no resume point is needed, and the
                    // answer to the signal said so (TrainingStart decides which of the two came first).
                    bool begun = context.StepsThisSession > 0;
                    if (begun ? cancellationToken.IsCancellationRequested : !_start.TryBegin(cancellationToken))
                    {
                        network.IsTraining = false;
                        Invoke(c => c.OnInterrupted(context, epoch, batch));
                        throw begun
                            ? new TrainingInterruptedException(epoch, batch, context.LastCheckpointPath, cancellationToken)
                            : new TrainingNotBegunException(cancellationToken);
                    }

                    if (schedule is not null)
                    {
                        optimizer.LearningRate = schedule.RateFor(baseRate, epoch, batch, sampler.BatchCount);
                    }

                    int n = sampler.Fill(batch, step.X, step.Y, step.Labels);
                    float loss = step.Run(n);
                    context.StepsThisSession++;
                    lossSum += (double)loss * n;
                    correctSum = correctSum < 0 ? -1 : correctSum + step.Correct;
                    position.Advance(epoch, batch + 1, lossSum, correctSum);
                    for (int c = 0; c < _callbacks.Length; c++)
                    {
                        _callbacks[c].OnBatchEnd(context, epoch, batch, loss);
                    }
                }

                network.IsTraining = false;
                double trainSeconds = position.EpochSecondsBefore + clock.Elapsed.TotalSeconds;
                clock.Restart();
                EvaluationResult validation = evaluator.Evaluate(network, dataset.Validation, keepProbabilities: true);

                // Each batch's loss is measured before its update, so the guard cannot see an epoch's last update ruin the
                // weights: caught here, before any epoch-end callback records the epoch or checkpoints those weights.
                if (!double.IsFinite(validation.Loss))
                {
                    throw new TrainingDivergedException(
                        epoch, sampler.BatchCount, $"the validation loss is {validation.Loss.ToString(CultureInfo.InvariantCulture)} after epoch {epoch}, whose last updates made the weights overflow",
                        optimizer.LearningRate, optimizer.WeightDecay, lastCheckpoint: context.LastCheckpointPath);
                }

                scored.Capture(network);
                var metrics = new EpochMetrics(
                    epoch, lossSum / train.Count, validation.Loss, validation.Accuracy, trainSeconds, clock.Elapsed.TotalSeconds,
                    TrainAccuracy: correctSum < 0 ? double.NaN : (double)correctSum / train.Count,
                    LearningRate: optimizer.LearningRate);
                context.Record(metrics);
                context.LastValidation = validation;
                schedule?.OnEpochEnd(metrics);
                position.BeginEpoch(epoch + 1, shuffleRng.GetState());
                Invoke(c => c.OnEpochEnd(context, metrics));
            }

            // A session with no batch left to run (resumed at its end) begins here, with its last evaluation and the model.
            if (context.StepsThisSession == 0 && !_start.TryBegin(cancellationToken))
            {
                Invoke(c => c.OnInterrupted(context, position.Epoch, position.Batch));
                throw new TrainingNotBegunException(cancellationToken);
            }

            // The last epoch's evaluation stands unless a callback has put other weights back since (early stopping's best epoch).
            EvaluationResult final = context.LastValidation is { } last && scored.Matches(network)
                ? last
                : evaluator.Evaluate(network, dataset.Validation, keepProbabilities: true);
            int weightsEpoch = context.WeightsEpoch ?? (context.History.Count == 0 ? 0 : context.History[^1].Epoch);
            var result = new TrainingResult(context.History, final, network, dataset.ClassNames, dataset.HeldOutName, weightsEpoch);
            Invoke(c => c.OnTrainEnd(context, result));
            return result;
        }
        catch (Exception e) when (e is not TrainingInterruptedException)
        {
            NotifyFailed(context, e);
            throw;
        }
    }

    /// <summary>
    /// Refuses, before allocating, a network no batch size could save (a ceiling of the model files), then batches beyond
    /// what one forward pass may carry, then a run that does not fit in memory: the most fundamental limit speaks first,
    /// and each refusal names only the keys at fault, with a value that fits.
    /// </summary>
    private void CheckLimits(TrainingOptions o, Dataset dataset, int batchRows, int evaluationRows)
    {
        if (model?.Value is not { } m || Network(m, dataset.InputShape) is not ({ } layers, { } input, { } name))
        {
            return;
        }

        NetworkLimits.Totals totals;
        try
        {
            totals = NetworkLimits.CheckModel(layers, input, out _);
        }
        catch (NetworkDefinitionException e)
        {
            throw new TrainingSetupException($"{name}: {e.Message}; make the layers smaller") { AboutLimit = true };
        }

        int maxRows = NetworkLimits.MaxRows(totals.ValuesPerRow);
        (string Key, int Configured, int Rows)[] tooMany = [.. new[] { ("Training:BatchSize", o.BatchSize, batchRows), ("Training:EvaluationBatchSize", o.EvaluationBatchSize, evaluationRows) }.Where(k => k.Item3 > maxRows)];
        if (tooMany.Length > 0)
        {
            string keys = string.Join(" and ", tooMany.Select(k => $"{k.Key} {k.Configured}"));
            string limits = string.Join(" and ", tooMany.Select(k => $"{k.Key} ≤ {maxRows}"));
            throw new TrainingSetupException(string.Create(CultureInfo.InvariantCulture,
                $"{keys}: {name} takes {totals.ValuesPerRow:N0} values per image, too many for {tooMany.Max(k => k.Rows):N0} images at once (at most {NetworkLimits.MaxBatchValues:N0} values in one pass); {(tooMany.Length == 1 ? "the limit is" : "the limits are")} {limits}"))
            {
                AboutLimit = true,
            };
        }

        int threads = o.TryParseThreads(out _) ?? 1;
        int copies = 1 + _callbacks.OfType<EarlyStopping>().Count(e => e.KeepsBestWeights);
        var footprint = new TrainingFootprint(layers, input, dataset.Train.ClassCount, dataset.Validation.Count, threads, optimizer.StateArrays, copies, o.FuseBlocks);
        string? refusal;
        try
        {
            refusal = footprint.Refusal(MemoryBudget.Available / 2, batchRows, evaluationRows, o.BatchSize, o.EvaluationBatchSize, name, optimizer.StateName);
        }
        catch (NetworkDefinitionException)
        {
            // A layer that does not fit its input: the factory names the layer and the shapes.
            return;
        }

        if (refusal is not null)
        {
            throw new TrainingSetupException(refusal) { AboutMemory = true };
        }
    }

    // The configured network's layers, the input they take and the key that sets them, or nothing when it does not parse (the factory says why).
    private static (IReadOnlyList<LayerDefinition>? Layers, Shape? Input, string? Name) Network(ModelOptions m, Shape data)
    {
        if (m.HasLayers())
        {
            return (m.TryParseLayers(out _), data, "Model:Layers");
        }

        return m.TryParseLayerSizes(out _) is { } sizes && ScratchNet.Core.Activations.Activation.IsKnown(m.Activation)
            ? (Sequential.MlpLayers(sizes, m.Activation, m.Dropout), Shape.Flat(sizes[0]), $"Model:LayerSizes {string.Join(',', sizes)}")
            : (null, null, null);
    }

    /// <summary>Refuses a network that does not fit the data, or a batch size its batch norm cannot learn from, naming the key to change.</summary>
    /// <param name="layers">Whether the network is Model:Layers' (false: Model:LayerSizes'; null: unknown), for the message.</param>
    /// <param name="batchRows">Rows per training batch; 0 when no batches follow (nothing to check).</param>
    /// <param name="batchKey">What sets the batch size, for the message (diagnose's --batch).</param>
    /// <param name="wholeEpochs">Whether batches run through the whole split (training), so its last batch counts too.</param>
    /// <param name="initFrom">Model:InitFrom, whose file then decided the network's first layer.</param>
    internal static void CheckFits(Sequential network, DataSplit train, bool? layers = null, int batchRows = 0, string batchKey = "Training:BatchSize", bool wholeEpochs = true, string? initFrom = null)
    {
        var problems = new List<string>();
        if (network.InputSize != train.FeatureCount)
        {
            problems.Add(string.IsNullOrWhiteSpace(initFrom) || layers == true
                ? $"the first layer size is {network.InputSize}, but the data has {train.FeatureCount} features: set Model:LayerSizes to start with {train.FeatureCount}"
                : $"the model in Model:InitFrom ({initFrom}) takes {network.InputSize} inputs, but the data has {train.FeatureCount} features: Model:InitFrom needs a model trained on rows of the same shape (the same image size), or leave it out to start from the initialiser");
        }

        if (network.OutputSize != train.ClassCount)
        {
            ILayer last = network.Layers[^1];
            string fix = layers switch
            {
                true => $"end Model:Layers with \"dense {train.ClassCount}\"",
                false => $"set Model:LayerSizes to end with {train.ClassCount}",
                null => $"end Model:Layers with \"dense {train.ClassCount}\" (or Model:LayerSizes with {train.ClassCount})",
            };
            problems.Add($"the last layer ({last.Name}) gives {network.OutputSize} outputs, but the data has {train.ClassCount} classes: {fix}");
        }

        int rows = wholeEpochs ? train.Count : batchRows;
        if (batchRows > 0 && OneRowBatch(rows, batchRows, batchKey, wholeEpochs) is { } batch
            && network.Layers.OfType<BatchNorm>().FirstOrDefault(bn => bn.InputShape.Plane == 1) is { } flat)
        {
            // Over one row a feature's batch variance is 0, so x̂ = 0: the layer outputs its bias alone, passes no gradient
            // back, and its running variance decays toward 0 (PyTorch refuses such a batch: "Expected more than 1 value per channel").
            int better = Enumerable.Range(Math.Max(2, batchRows), train.Count).FirstOrDefault(b => OneRowBatch(wholeEpochs ? train.Count : b, b, batchKey, wholeEpochs) is null);
            problems.Add($"batch norm {flat.Name} normalises each of its {flat.Channels} features over the rows of a batch, but {batch}: "
                + "a feature's variance over one row is 0, so it would pass no gradient back and its running variance would shrink toward 0; "
                + (better > 0 ? $"use a {batchKey} that leaves at least 2 rows in every batch, e.g. {better}{(wholeEpochs ? " (or train on more images: Data:TrainImages)" : string.Empty)}" : "train on at least 2 images (Data:TrainImages)"));
        }

        if (problems.Count > 0)
        {
            throw new TrainingSetupException(string.Join("; ", problems));
        }
    }

    // Which batch of an epoch holds a single row, in words, or null when none does.
    private static string? OneRowBatch(int rows, int batchRows, string batchKey, bool wholeEpochs = true) =>
        wholeEpochs && rows == 1 ? "the training split holds one row"
        : batchRows == 1 ? $"every batch holds one row ({batchKey} 1)"
        : rows % batchRows == 1 ? $"the epoch's last batch holds one row ({rows:N0} training rows at {batchKey} {batchRows})"
        : null;

    /// <summary>The augmenter <c>Data:Augment</c> asks for, or null when it is off.</summary>
    internal static ImageAugmenter? CreateAugmenter(AugmentationOptions? augmentation, Dataset dataset, int seed)
    {
        if (augmentation is not { Enabled: true })
        {
            return null;
        }

        DataSplit train = dataset.Train;
        Shape shape = dataset.InputShape;
        if (shape.IsFlat || !train.IsPixelBacked)
        {
            throw new TrainingSetupException(
                $"{AugmentationOptions.SectionName}:Enabled transforms images, but the {dataset.Name} training rows are {(train.IsPixelBacked ? "pixel" : "float")} rows of shape {shape}, not 8-bit images; set {AugmentationOptions.SectionName}:Enabled=false for this dataset");
        }

        return new ImageAugmenter(augmentation, shape, unchecked((ulong)seed) ^ AugmentStream);
    }

    // Every callback hears of the failure even if one of them fails too: the training error is the one that propagates.
    private void NotifyFailed(TrainingContext context, Exception error)
    {
        foreach (ITrainingCallback callback in _callbacks)
        {
            try
            {
                callback.OnTrainFailed(context, error);
            }
            catch (Exception)
            {
            }
        }
    }

    private void Invoke(Action<ITrainingCallback> call)
    {
        foreach (ITrainingCallback callback in _callbacks)
        {
            call(callback);
        }
    }
}
