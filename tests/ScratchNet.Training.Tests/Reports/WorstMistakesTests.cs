using ScratchNet.Core.Random;
using ScratchNet.Training.Reports;

namespace ScratchNet.Training.Tests.Reports;

public sealed class WorstMistakesTests
{
    private const int Classes = 4;

    private static (float[] Probabilities, byte[] Labels) Random(int rows, ulong seed)
    {
        var rng = new Xoshiro256(seed);
        var probabilities = new float[rows * Classes];
        for (int i = 0; i < rows; i++)
        {
            // Quantised so that equal confidences occur and the tie order by row is exercised.
            float[] raw = Enumerable.Range(0, Classes).Select(_ => (float)(rng.NextInt(8) + 1)).ToArray();
            float sum = raw.Sum();
            for (int c = 0; c < Classes; c++)
            {
                probabilities[(i * Classes) + c] = raw[c] / sum;
            }
        }

        byte[] labels = Enumerable.Range(0, rows).Select(_ => (byte)rng.NextInt(Classes)).ToArray();
        return (probabilities, labels);
    }

    // The definition: every wrong row, sorted by confidence (descending) then row, the first k.
    private static Misclassification[] ByFullSort(float[] probabilities, byte[] labels, int k) =>
        Enumerable.Range(0, labels.Length)
            .Select(i => (Row: i, P: probabilities.AsSpan(i * Classes, Classes).ToArray()))
            .Select(r => (r.Row, Best: Array.IndexOf(r.P, r.P.Max()), r.P))
            .Where(r => r.Best != labels[r.Row])
            .Select(r => new Misclassification(r.Row, labels[r.Row], r.Best, r.P[r.Best]))
            .OrderByDescending(m => m.Confidence).ThenBy(m => m.Row)
            .Take(k)
            .ToArray();

    [TestCase(1)]
    [TestCase(7)]
    [TestCase(64)]
    public void Add_ChunkByChunk_KeepsWhatAFullSortKeeps(int chunk)
    {
        (float[] probabilities, byte[] labels) = Random(301, 5);
        var worst = new WorstMistakes(25);
        for (int start = 0; start < labels.Length; start += chunk)
        {
            int n = Math.Min(chunk, labels.Length - start);
            worst.Add(probabilities.AsSpan(start * Classes, n * Classes), labels.AsSpan(start, n), start, Classes);
        }

        Assert.That(worst.Result(), Is.EqualTo(ByFullSort(probabilities, labels, 25)));
    }

    [Test]
    public void Result_HoldsEveryMistake_WhenFewerThanItsCapacity()
    {
        (float[] probabilities, byte[] labels) = Random(12, 6);
        var worst = new WorstMistakes(100);
        worst.Add(probabilities, labels, 0, Classes);
        Misclassification[] expected = ByFullSort(probabilities, labels, 100);
        Assert.That(expected, Is.Not.Empty);
        Assert.That(worst.Result(), Is.EqualTo(expected));
    }
}
