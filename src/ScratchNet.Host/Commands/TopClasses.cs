namespace ScratchNet.Host.Commands;

/// <summary>
/// The classes <c>predict --top K</c> lists for an image: the K most likely, most likely first, ties in class order, so
/// the first is always the class predict names (the argmax takes the lowest of tied classes too) and a run prints the
/// same list every time.
/// </summary>
public static class TopClasses
{
    public static IReadOnlyList<int> Of(IReadOnlyList<float> probabilities, int count)
    {
        ArgumentNullException.ThrowIfNull(probabilities);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(count);
        if (count > probabilities.Count)
        {
            throw new ArgumentOutOfRangeException(nameof(count), count, $"{count} classes asked of a row of {probabilities.Count}");
        }

        // OrderByDescending is a stable sort: tied classes stay in their order.
        return [.. Enumerable.Range(0, probabilities.Count).OrderByDescending(c => probabilities[c]).Take(count)];
    }
}
