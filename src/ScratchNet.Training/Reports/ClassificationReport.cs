using ScratchNet.Core.Metrics;

namespace ScratchNet.Training.Reports;

/// <summary>One class's scores.</summary>
/// <param name="Support">Rows whose true class this is.</param>
public sealed record ClassScores(string Name, double Precision, double Recall, double F1, long Support);

/// <summary>
/// Per-class precision, recall and F1 from a confusion matrix, and their unweighted (macro) means, as
/// scikit-learn's classification_report and f1_score(average='macro') compute them: a class never predicted has
/// precision 0, a class with no rows recall 0, and F1 is 0 when precision + recall is 0. The means are over the
/// classes present in the split, as true or as predicted class (scikit-learn's labels = y_true ∪ y_pred): a class
/// absent from both is still listed, with zeros, but would otherwise pull the means down for rows that were never
/// there (a 1-row split scored right has macro F1 1, not 0.1). A class predicted but never true counts, with F1 0.
/// </summary>
public sealed record ClassificationReport(IReadOnlyList<ClassScores> Classes, double MacroPrecision, double MacroRecall, double MacroF1, double Accuracy)
{
    public static ClassificationReport From(ConfusionMatrix matrix, IReadOnlyList<string> classNames)
    {
        ArgumentNullException.ThrowIfNull(matrix);
        ArgumentNullException.ThrowIfNull(classNames);
        if (classNames.Count != matrix.Classes)
        {
            throw new ArgumentException($"{classNames.Count} class names for a {matrix.Classes}-class confusion matrix", nameof(classNames));
        }

        var classes = new ClassScores[matrix.Classes];
        var present = new List<ClassScores>(matrix.Classes);
        for (int c = 0; c < matrix.Classes; c++)
        {
            double precision = matrix.Precision(c);
            double recall = matrix.Recall(c);
            double f1 = precision + recall == 0 ? 0.0 : 2 * precision * recall / (precision + recall);
            long support = 0;
            long predicted = 0;
            for (int p = 0; p < matrix.Classes; p++)
            {
                support += matrix[c, p];
                predicted += matrix[p, c];
            }

            classes[c] = new ClassScores(classNames[c], precision, recall, f1, support);
            if (support > 0 || predicted > 0)
            {
                present.Add(classes[c]);
            }
        }

        // An empty split has no class to average over; its accuracy is 0 too.
        return new ClassificationReport(
            classes,
            present.Count == 0 ? 0.0 : present.Average(c => c.Precision),
            present.Count == 0 ? 0.0 : present.Average(c => c.Recall),
            present.Count == 0 ? 0.0 : present.Average(c => c.F1),
            matrix.Accuracy);
    }
}
