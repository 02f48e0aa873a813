using ScratchNet.Core.Layers;

namespace ScratchNet.Training.Tests;

/// <summary>The memory a run needs, worked out before anything is allocated, and the refusal naming only the keys at fault.</summary>
public class TrainingFootprintTests
{
    private static readonly IReadOnlyList<LayerDefinition> Mlp = Sequential.MlpLayers([784, 100, 10], "relu", dropout: 0f);

    private static TrainingFootprint Footprint(int stateArrays = 0) => new(Mlp, Shape.Flat(784), Classes: 10, ValidationRows: 1000, Threads: 1, stateArrays);

    [Test]
    public void Bytes_CountWhatTheRunHolds_ForAKnownShape()
    {
        // 784-100-10, batch 32, evaluation chunk 1000, in floats: weights and gradients 2 × 79,510; the dense outputs for
        // 1,000 rows (100 + 10 values each, allocated at build); the ReLU's output for 32 rows, then 1,000 (it grows on
        // use); gradients for 32 rows (the ReLU's 100 values and the last layer's 100 inputs; none for the first layer);
        // 4 KiB a layer besides; the step's batch, targets, probabilities and logits' gradient (32 × 814); the evaluator's
        // chunk and probabilities (1,000 × 794) and every validation row's probabilities twice (2 × 1,000 × 10); the
        // evaluated snapshot of the weights (79,510). Plus 32 bytes of labels.
        long floats = (2 * 79_510) + (1_000 * 110) + ((32 + 1_000) * 100) + (32 * 200) + (3 * 1_024) + (32 * 814) + (1_000 * 794) + (2 * 1_000 * 10) + 79_510;
        Assert.That(Footprint().Bytes(32, 1_000), Is.EqualTo((floats * sizeof(float)) + 32));
    }

    [Test]
    public void OnlyTheEvaluationBatchAtFault_IsTheOnlyKeyNamed_WithTheLargestValueThatFits()
    {
        TrainingFootprint footprint = Footprint();
        long budget = footprint.Bytes(32, 400);

        string? refusal = footprint.Refusal(budget, 32, 1_000, 32, 1_000, "Model:LayerSizes 784,100,10", "sgd");

        Assert.That(refusal, Does.StartWith("Training:EvaluationBatchSize 1000 needs about ").And.EndWith("so the limit here is Training:EvaluationBatchSize ≤ 400"));
        Assert.That(refusal, Does.Not.Contain("Training:BatchSize"));
        Assert.That(footprint.Refusal(budget, 32, 400, 32, 400, "Model:LayerSizes 784,100,10", "sgd"), Is.Null, "the value it names fits");
    }

    [Test]
    public void OnlyTheTrainingBatchAtFault_IsTheOnlyKeyNamed()
    {
        TrainingFootprint footprint = Footprint();
        long budget = footprint.Bytes(300, 100);

        string? refusal = footprint.Refusal(budget, 600, 100, 600, 100, "Model:LayerSizes 784,100,10", "sgd");

        Assert.That(refusal, Does.StartWith("Training:BatchSize 600 needs about ").And.EndWith("so the limit here is Training:BatchSize ≤ 300"));
        Assert.That(refusal, Does.Not.Contain("EvaluationBatchSize"));
    }

    [Test]
    public void BothBatchesAtFault_AreBothNamed_EachWithAValueThatFitsBesideTheOther()
    {
        TrainingFootprint footprint = Footprint();
        long budget = footprint.Bytes(300, 300);

        string? refusal = footprint.Refusal(budget, 600, 5_000, 600, 5_000, "Model:LayerSizes 784,100,10", "sgd");

        Assert.That(refusal, Does.StartWith("Training:BatchSize 600 and Training:EvaluationBatchSize 5000 need about ").And.Contain("so the limits here are Training:BatchSize ≤ 300 and Training:EvaluationBatchSize ≤ 300"));
    }

    [Test]
    public void ANetworkTooLargeForAnyBatch_IsRefusedForItsWeights_AdvisingPlainSgdOnlyWhereThatHelps()
    {
        TrainingFootprint adam = Footprint(stateArrays: 2);
        long weightsAlone = Footprint().Bytes(1, 1);

        Assert.That(adam.Refusal(weightsAlone, 1, 1, 32, 1_000, "Model:LayerSizes 784,100,10", "adam"),
            Does.StartWith("Model:LayerSizes 784,100,10 needs about").And.Contain("for its weights, gradients and adam's state").And.EndWith("make the layers narrower, or train with plain SGD (Optimizer:Name=sgd, no momentum), which keeps no state"));
        Assert.That(adam.Refusal(weightsAlone / 2, 1, 1, 32, 1_000, "Model:LayerSizes 784,100,10", "adam"), Does.EndWith("make the layers narrower"), "dropping the state would not be enough");
    }
}
