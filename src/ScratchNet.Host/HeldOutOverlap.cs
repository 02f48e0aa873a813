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
    IReadOnlyList<string> Splits)
{
    /// <summary>
    /// Hands each finding to the caller's words for it: that no split avoids them all (the trainings listed, "; "-separated),
    /// else each training whose held-out rows were others, <paramref name="file"/>'s own or one its weights descend from,
    /// with the argument that avoids them all; then each ancestor whose data is unknown. Every command that warns of an
    /// overlap says the same things in the same order, each in its own terms.
    /// </summary>
    /// <param name="file">The file the overlap was found for, as <see cref="TrainedData.Seen"/> was given it: its own run's entry.</param>
    /// <param name="noSplitAvoidsThem">Gets the trainings' splits.</param>
    /// <param name="ownRun">Gets how the file's own run held out its rows, how this command does, and the argument that avoids them all.</param>
    /// <param name="ancestor">Gets the ancestor's file, then as <paramref name="ownRun"/>.</param>
    /// <param name="unknown">Gets the ancestor's file.</param>
    public void Report(string file, Action<string> noSplitAvoidsThem, Action<string, string, string> ownRun, Action<string, string, string, string> ancestor, Action<string> unknown)
    {
        ArgumentNullException.ThrowIfNull(noSplitAvoidsThem);
        ArgumentNullException.ThrowIfNull(ownRun);
        ArgumentNullException.ThrowIfNull(ancestor);
        ArgumentNullException.ThrowIfNull(unknown);
        if (Argument is null)
        {
            // No argument helps, so none is offered run by run.
            if (Overlapping.Count > 0)
            {
                noSplitAvoidsThem(string.Join("; ", Splits));
            }
        }
        else
        {
            foreach ((string from, string trained, string current) in Overlapping)
            {
                if (from == file)
                {
                    ownRun(trained, current, Argument);
                }
                else
                {
                    ancestor(from, trained, current, Argument);
                }
            }
        }

        foreach (string unrecorded in Unknown)
        {
            unknown(unrecorded);
        }
    }
}
