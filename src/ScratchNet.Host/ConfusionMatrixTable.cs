using System.Globalization;
using System.Text;
using ScratchNet.Core.Metrics;

namespace ScratchNet.Host;

/// <summary>Renders a confusion matrix as an aligned text table: rows true class, columns predicted, recall at the end of each row.</summary>
public static class ConfusionMatrixTable
{
    public static string Format(ConfusionMatrix matrix, IReadOnlyList<string> classNames)
    {
        ArgumentNullException.ThrowIfNull(matrix);
        ArgumentNullException.ThrowIfNull(classNames);
        int classes = matrix.Classes;
        int width = Math.Max(5, classNames.Max(n => n.Length));
        for (int a = 0; a < classes; a++)
        {
            for (int p = 0; p < classes; p++)
            {
                width = Math.Max(width, matrix[a, p].ToString(CultureInfo.InvariantCulture).Length);
            }
        }

        var text = new StringBuilder();
        text.Append("true\\pred".PadRight(width + 4));
        for (int p = 0; p < classes; p++)
        {
            text.Append(' ').Append(classNames[p].PadLeft(width));
        }

        text.Append("  recall").AppendLine();
        for (int a = 0; a < classes; a++)
        {
            text.Append(classNames[a].PadRight(width + 4));
            for (int p = 0; p < classes; p++)
            {
                text.Append(' ').Append(matrix[a, p].ToString(CultureInfo.InvariantCulture).PadLeft(width));
            }

            text.Append("  ").Append(matrix.Recall(a).ToString("F4", CultureInfo.InvariantCulture)).AppendLine();
        }

        return text.ToString().TrimEnd();
    }
}
