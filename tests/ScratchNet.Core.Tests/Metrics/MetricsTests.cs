using ScratchNet.Core.Metrics;

namespace ScratchNet.Core.Tests.Metrics;

public class MetricsTests
{
    [Test]
    public void CountCorrect_CountsRowsWhoseArgMaxIsTheLabel()
    {
        float[] scores = [0.1f, 0.9f, 0.8f, 0.2f, 0.3f, 0.7f];
        Assert.That(Accuracy.CountCorrect(scores, new byte[] { 1, 1, 1 }, 3, 2), Is.EqualTo(2));
    }

    [Test]
    public void ArgMax_BreaksTiesTowardTheLowestClass()
    {
        var predictions = new int[1];
        Accuracy.ArgMax([0.5f, 0.5f], predictions, 1, 2);
        Assert.That(predictions[0], Is.EqualTo(0));
    }

    [Test]
    public void ConfusionMatrix_HasTrueClassRowsAndPredictedClassColumns()
    {
        var matrix = new ConfusionMatrix(3);
        matrix.Add(actual: 2, predicted: 0);
        matrix.Add(actual: 1, predicted: 1);
        Assert.Multiple(() =>
        {
            Assert.That(matrix[2, 0], Is.EqualTo(1));
            Assert.That(matrix[0, 2], Is.EqualTo(0));
            Assert.That(matrix.Accuracy, Is.EqualTo(0.5));
            Assert.That(matrix.Recall(2), Is.EqualTo(0.0));
            Assert.That(matrix.Precision(1), Is.EqualTo(1.0));
        });
    }

    [Test]
    public void ConfusionMatrix_AddBatch_AgreesWithAccuracy()
    {
        float[] scores = TestData.Uniform(50 * 4, 41);
        byte[] labels = Enumerable.Range(0, 50).Select(i => (byte)(i % 4)).ToArray();
        var matrix = new ConfusionMatrix(4);
        matrix.AddBatch(scores, labels, 50);
        Assert.That(matrix.Correct, Is.EqualTo(Accuracy.CountCorrect(scores, labels, 50, 4)));
        Assert.That(matrix.Total, Is.EqualTo(50));
    }

    [Test]
    public void ConfusionMatrix_Throws_WhenClassIsOutOfRange() =>
        Assert.Throws<ArgumentOutOfRangeException>(() => new ConfusionMatrix(2).Add(2, 0));
}
