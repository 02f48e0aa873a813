using Microsoft.Extensions.Logging.Abstractions;
using Moq;
using ScratchNet.Data;
using ScratchNet.Data.Augmentation;
using ScratchNet.Data.Options;
using ScratchNet.Training.Callbacks;
using ScratchNet.Training.Checkpoints;
using ScratchNet.Training.Optimizers;
using ScratchNet.Training.Options;
using ScratchNet.Training.Schedules;
using O = Microsoft.Extensions.Options.Options;

namespace ScratchNet.Training.Tests;

/// <summary>
/// A trainer wired as the host wires it (optimizer, schedule, guard, early stopping, checkpoints) over a
/// mocked dataset provider. Every call to <see cref="Create"/> builds fresh components, as a new process would.
/// </summary>
internal sealed class Rig
{
    public Dataset Dataset { get; init; } = SyntheticData.Blobs(trainRows: 200, validationRows: 60);

    public TrainingOptions Training { get; init; } = new() { Epochs = 4, BatchSize = 16, Seed = 3, EvaluationBatchSize = 64 };

    public ModelOptions Model { get; init; } = new() { LayerSizes = "8,16,3", Dropout = 0.2f };

    public OptimizerOptions Optimizer { get; init; } = new() { Name = "adam", LearningRate = 0.01f };

    public ScheduleOptions Schedule { get; init; } = new() { Name = "cosine", WarmupEpochs = 1 };

    public EarlyStoppingOptions EarlyStopping { get; init; } = new() { Enabled = true, Patience = 10 };

    public CheckpointOptions Checkpoints { get; init; } = new() { Directory = string.Empty };

    public AugmentationOptions Augmentation { get; init; } = new();

    public Trainer Create(params ITrainingCallback[] extra)
    {
        var provider = new Mock<IDatasetProvider>();
        provider.Setup(p => p.LoadAsync(It.IsAny<CancellationToken>())).ReturnsAsync(Dataset);
        var training = O.Create(Training);
        ITrainingCallback[] callbacks =
        [
            new NonFiniteLossGuard(),
            new EarlyStopping(O.Create(EarlyStopping), NullLogger<EarlyStopping>.Instance),
            new CheckpointCallback(O.Create(Checkpoints), Fingerprint(), NullLogger<CheckpointCallback>.Instance),
            .. extra,
        ];
        return new Trainer(provider.Object, new NetworkFactory(O.Create(Model), training), OptimizerFactory.Create(Optimizer), callbacks, training,
            new LearningRateSchedule(Schedule, Training.Epochs), O.Create(Augmentation));
    }

    public ConfigurationFingerprint Fingerprint() =>
        new(O.Create(new DataOptions()), O.Create(Model), O.Create(Training), O.Create(Optimizer), O.Create(Schedule), O.Create(Augmentation), O.Create(EarlyStopping), O.Create(Checkpoints));
}
