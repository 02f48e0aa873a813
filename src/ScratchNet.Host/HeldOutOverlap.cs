namespace ScratchNet.Host;

/// <summary>What <see cref="TrainedData.Overlap"/> found.</summary>
/// <param name="Overlapping">Each training on this data whose held-out rows were others: its file, its settings that differ from now's, and now's values of them.</param>
/// <param name="Argument">The settings that hold out the rows none of them trained on (<c>--Data:Split=official</c>); null when they held out different rows, so no split avoids them all.</param>
/// <param name="Unknown">The files whose weights came from data nobody recorded: an overlap with them cannot be ruled out.</param>
/// <param name="Splits">Every training on this data, its held-out settings, for a message that lists them.</param>
public sealed record HeldOutOverlap(
    IReadOnlyList<(string Source, string Trained, string Current)> Overlapping,
    string? Argument,
    IReadOnlyList<string> Unknown,
    IReadOnlyList<string> Splits);
