using ScratchNet.Core.Layers;
using ScratchNet.Core.Random;
using ScratchNet.Data;
using ScratchNet.Data.Idx;
using ScratchNet.Training.Results;
using ScratchNet.Training.Reports;
using ScratchNet.Data.Splits;

namespace ScratchNet.Training.Tests;

public sealed class EvaluatorTests
{
    private const int Features = 20;
    private const int Classes = 4;

    private static (DataSplit Pixels, DataSplit Floats) Pair(int rows)
    {
        var rng = new Xoshiro256(9);
        byte[] pixels = Enumerable.Range(0, rows * Features).Select(_ => (byte)rng.NextInt(256)).ToArray();
        byte[] labels = Enumerable.Range(0, rows).Select(_ => (byte)rng.NextInt(Classes)).ToArray();
        var floats = new float[pixels.Length];
        PixelScaler.Scale(pixels, floats);
        return (DataSplit.FromPixels(pixels, labels, Features, Classes), DataSplit.FromLabels(floats, labels, Features, Classes));
    }

    private static Sequential Network(int capacity) => Sequential.Mlp([Features, 16, Classes], "relu", "he_normal", 3, capacity);

    [Test]
    public void Evaluate_GivesTheSameResult_ForPixelAndFloatBackedSplits()
    {
        (DataSplit pixels, DataSplit floats) = Pair(103);
        Sequential network = Network(25);

        EvaluationResult a = new Evaluator(25, Classes).Evaluate(network, pixels);
        EvaluationResult b = new Evaluator(25, Classes).Evaluate(network, floats);

        Assert.That(a.Loss, Is.EqualTo(b.Loss));
        Assert.That(a.Accuracy, Is.EqualTo(b.Accuracy));
        Assert.That(a.ConfusionMatrix.Total, Is.EqualTo(103));
        Assert.That(Predictions.Probabilities(network, pixels), Is.EqualTo(Predictions.Probabilities(network, floats)));
    }

    [Test]
    public void Evaluate_KeepsTheMostConfidentMistakes_AsTheFullReportFindsThem()
    {
        (DataSplit pixels, _) = Pair(240);
        Sequential network = Network(25);

        EvaluationResult result = new Evaluator(25, Classes).Evaluate(network, pixels);

        IReadOnlyList<Misclassification> expected = Misclassified.MostConfident(Predictions.Probabilities(network, pixels), pixels.Labels, Classes, Evaluator.MistakesKept);
        Assert.That(expected, Has.Count.EqualTo(Evaluator.MistakesKept));
        Assert.That(result.Mistakes, Is.EqualTo(expected));
    }

    [Test]
    public void Evaluate_OfAPixelBackedSplit_AllocatesNoMorePerChunk()
    {
        (DataSplit small, _) = Pair(25);
        (DataSplit large, _) = Pair(250);
        Sequential network = Network(25);
        var evaluator = new Evaluator(25, Classes);
        evaluator.Evaluate(network, large);

        long before = GC.GetAllocatedBytesForCurrentThread();
        evaluator.Evaluate(network, small);
        long oneChunk = GC.GetAllocatedBytesForCurrentThread() - before;
        before = GC.GetAllocatedBytesForCurrentThread();
        evaluator.Evaluate(network, large);
        long tenChunks = GC.GetAllocatedBytesForCurrentThread() - before;

        Assert.That(tenChunks, Is.EqualTo(oneChunk));
    }

    [Test]
    public void Evaluate_Cancelled_StopsBeforeTheNextChunk_AndPutsTheNetworksModeBack()
    {
        // evaluate's Ctrl+C: a score of part of the split is not the model's, so none is returned.
        (DataSplit pixels, _) = Pair(100);
        Sequential network = Sequential.Mlp([Features, 16, Classes], "relu", "he_normal", 3, 25, dropout: 0.5f);
        network.IsTraining = true;
        using var stop = new CancellationTokenSource();
        stop.Cancel();

        Assert.Throws(Is.InstanceOf<OperationCanceledException>(), () => new Evaluator(25, Classes).Evaluate(network, pixels, cancellationToken: stop.Token));
        Assert.That(network.IsTraining, Is.True);
    }
}
