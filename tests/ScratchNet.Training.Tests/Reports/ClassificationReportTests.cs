using System.Text.Json;
using ScratchNet.Core.Metrics;
using ScratchNet.Training.Results;
using ScratchNet.Training.Reports;

namespace ScratchNet.Training.Tests.Reports;

public class ClassificationReportTests
{
    // rows true, columns predicted:
    //        a  b  c
    //   a    5  1  0      precision a = 5/7, recall a = 5/6
    //   b    2  3  0      precision b = 3/6, recall b = 3/5
    //   c    0  2  0      precision c = 0 (never predicted), recall c = 0
    private static ConfusionMatrix HandMade()
    {
        var m = new ConfusionMatrix(3);
        int[,] counts = { { 5, 1, 0 }, { 2, 3, 0 }, { 0, 2, 0 } };
        for (int a = 0; a < 3; a++)
        {
            for (int p = 0; p < 3; p++)
            {
                for (int k = 0; k < counts[a, p]; k++)
                {
                    m.Add(a, p);
                }
            }
        }

        return m;
    }

    [Test]
    public void From_ComputesPerClassPrecisionRecallF1AndSupport()
    {
        ClassificationReport report = ClassificationReport.From(HandMade(), ["a", "b", "c"]);
        ClassScores a = report.Classes[0];
        Assert.That(a.Precision, Is.EqualTo(5.0 / 7).Within(1e-12));
        Assert.That(a.Recall, Is.EqualTo(5.0 / 6).Within(1e-12));
        Assert.That(a.F1, Is.EqualTo(2 * (5.0 / 7) * (5.0 / 6) / ((5.0 / 7) + (5.0 / 6))).Within(1e-12));
        Assert.That(a.Support, Is.EqualTo(6));
        Assert.That(report.Classes[1].F1, Is.EqualTo(2 * 0.5 * 0.6 / 1.1).Within(1e-12));
        Assert.That(report.Classes[2], Is.EqualTo(new ClassScores("c", 0, 0, 0, 2)));
        Assert.That(report.MacroPrecision, Is.EqualTo(((5.0 / 7) + 0.5) / 3).Within(1e-12));
        Assert.That(report.MacroRecall, Is.EqualTo(((5.0 / 6) + 0.6) / 3).Within(1e-12));
        Assert.That(report.Accuracy, Is.EqualTo(8.0 / 13).Within(1e-12));
    }

    private static ConfusionMatrix Of(int classes, params (int Actual, int Predicted)[] rows)
    {
        var m = new ConfusionMatrix(classes);
        foreach ((int actual, int predicted) in rows)
        {
            m.Add(actual, predicted);
        }

        return m;
    }

    // scikit-learn averages over unique_labels(y_true, y_pred): one row of class 3, scored right, is a perfect split.
    [Test]
    public void Macro_AveragesOnlyTheClassesPresent_SoOneRightRowScoresOne()
    {
        string[] names = [.. Enumerable.Range(0, 10).Select(c => c.ToString(System.Globalization.CultureInfo.InvariantCulture))];
        ClassificationReport report = ClassificationReport.From(Of(10, (3, 3)), names);
        Assert.That((report.MacroPrecision, report.MacroRecall, report.MacroF1, report.Accuracy), Is.EqualTo((1.0, 1.0, 1.0, 1.0)));
        Assert.That(report.Classes, Has.Count.EqualTo(10), "absent classes are still listed");
        Assert.That(report.Classes[0], Is.EqualTo(new ClassScores("0", 0, 0, 0, 0)));
    }

    // y_true = [a, a, b, b], y_pred = [a, a, b, c]; d never occurs. Per class: a 1/1/1; b precision 1, recall 1/2, F1 2/3;
    // c (predicted, never true) 0/0/0 and counted; d left out. f1_score(average='macro') = (1 + 2/3 + 0) / 3 = 5/9
    // (over all four it would be 5/12, over the true classes only 5/6).
    [Test]
    public void Macro_CountsAClassPredictedButNeverTrue_WithF1Zero_AndLeavesOutAClassNeitherTrueNorPredicted()
    {
        ClassificationReport report = ClassificationReport.From(Of(4, (0, 0), (0, 0), (1, 1), (1, 2)), ["a", "b", "c", "d"]);
        Assert.That(report.Classes[2], Is.EqualTo(new ClassScores("c", 0, 0, 0, 0)));
        Assert.That(report.MacroF1, Is.EqualTo(5.0 / 9).Within(1e-12));
        Assert.That(report.MacroPrecision, Is.EqualTo(2.0 / 3).Within(1e-12));
        Assert.That(report.MacroRecall, Is.EqualTo(0.5).Within(1e-12));
    }

    [Test]
    public void Macro_IsZero_ForAnEmptySplit()
    {
        ClassificationReport report = ClassificationReport.From(new ConfusionMatrix(3), ["a", "b", "c"]);
        Assert.That((report.MacroPrecision, report.MacroRecall, report.MacroF1, report.Accuracy), Is.EqualTo((0.0, 0.0, 0.0, 0.0)));
    }

    [Test]
    public void From_Throws_WhenClassNamesDoNotMatchTheMatrix()
    {
        Assert.Throws<ArgumentException>(() => ClassificationReport.From(HandMade(), ["a", "b"]));
    }

    [Test]
    public void MetricsReport_Json_HoldsPerClassScoresConfusionMatrixAndCalibration()
    {
        ConfusionMatrix m = HandMade();
        byte[] labels = [0, 1];
        float[] p = [0.9f, 0.05f, 0.05f, 0.5f, 0.3f, 0.2f];
        MetricsReport report = MetricsReport.Create("toy", "test", new EvaluationResult(0.42, m.Accuracy, m), ["a", "b", "c"], p, labels);
        using JsonDocument json = JsonDocument.Parse(report.ToJson());
        JsonElement root = json.RootElement;
        Assert.That(root.GetProperty("dataset").GetString(), Is.EqualTo("toy"));
        Assert.That(root.GetProperty("split").GetString(), Is.EqualTo("test"));
        Assert.That(root.GetProperty("loss").GetDouble(), Is.EqualTo(0.42));
        Assert.That(root.GetProperty("class_names").EnumerateArray().Select(e => e.GetString()), Is.EqualTo(new[] { "a", "b", "c" }));
        JsonElement first = root.GetProperty("classes")[0];
        Assert.That(first.GetProperty("precision").GetDouble(), Is.EqualTo(5.0 / 7).Within(1e-12));
        Assert.That(first.GetProperty("support").GetInt64(), Is.EqualTo(6));
        Assert.That(root.GetProperty("confusion_matrix")[1][0].GetInt64(), Is.EqualTo(2));
        Assert.That(root.GetProperty("calibration_bins").GetInt32(), Is.EqualTo(15));

        // Row 0: confidence 0.9, right; row 1: confidence 0.5, wrong (predicted a, label b) → ECE = (0.1 + 0.5) / 2.
        Assert.That(root.GetProperty("expected_calibration_error").GetDouble(), Is.EqualTo(0.3).Within(1e-6));
        Assert.That(root.GetProperty("macro_f1").GetDouble(), Is.EqualTo(report.MacroF1));
    }
}

public class MisclassifiedTests
{
    [Test]
    public void MostConfident_ReturnsOnlyWrongRows_MostConfidentFirst()
    {
        float[] p =
        [
            0.9f, 0.1f,   // right
            0.3f, 0.7f,   // wrong (label 0), 0.7
            0.95f, 0.05f, // wrong (label 1), 0.95
            0.2f, 0.8f,   // right
            0.6f, 0.4f,   // wrong (label 1), 0.6
        ];
        byte[] labels = [0, 0, 1, 1, 1];
        IReadOnlyList<Misclassification> worst = Misclassified.MostConfident(p, labels, 2, 2);
        Assert.That(worst, Is.EqualTo(new[] { new Misclassification(2, 1, 0, 0.95f), new Misclassification(1, 0, 1, 0.7f) }));
    }
}
