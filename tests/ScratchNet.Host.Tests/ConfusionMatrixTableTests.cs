using ScratchNet.Core.Metrics;

namespace ScratchNet.Host.Tests;

public sealed class ConfusionMatrixTableTests
{
    [Test]
    public void RowsAreTrueClassesColumnsPredictionsAndEachRowEndsWithItsRecall()
    {
        var matrix = new ConfusionMatrix(2);
        matrix.Add(0, 0);
        matrix.Add(0, 0);
        matrix.Add(0, 0);
        matrix.Add(0, 1);
        matrix.Add(1, 1);

        string table = ConfusionMatrixTable.Format(matrix, ["cat", "dog"]);

        string[] lines = table.Split(Environment.NewLine);
        Assert.That(lines, Has.Length.EqualTo(3));
        Assert.That(lines[0], Is.EqualTo("true\\pred   cat   dog  recall"));
        Assert.That(lines[1], Is.EqualTo("cat           3     1  0.7500"));
        Assert.That(lines[2], Is.EqualTo("dog           0     1  1.0000"));
    }

    [Test]
    public void ColumnsWidenForLongNamesAndLargeCountsAndStayAligned()
    {
        var matrix = new ConfusionMatrix(3);
        for (int i = 0; i < 1_234_567; i++)
        {
            matrix.Add(2, 2);
        }

        matrix.Add(1, 0);
        string table = ConfusionMatrixTable.Format(matrix, ["a", "a-very-long-name", "c"]);

        string[] lines = table.Split(Environment.NewLine);
        Assert.That(lines.Select(l => l.Length).Distinct().Count(), Is.EqualTo(1), table);
        Assert.That(lines[3], Does.Contain("1234567"));
        Assert.That(lines[2], Does.StartWith("a-very-long-name"));
        Assert.That(lines[2], Does.EndWith("0.0000"));
    }

    [Test]
    public void NullArgumentsAreRejected()
    {
        Assert.Throws<ArgumentNullException>(() => ConfusionMatrixTable.Format(null!, ["a"]));
        Assert.Throws<ArgumentNullException>(() => ConfusionMatrixTable.Format(new ConfusionMatrix(1), null!));
    }
}
