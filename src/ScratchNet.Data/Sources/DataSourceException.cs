namespace ScratchNet.Data.Sources;

/// <summary>A source could not deliver a file. The message is the reason, worded for the user.</summary>
/// <param name="reason">Why, naming the URL, command or path involved.</param>
/// <param name="sourceUnavailable">
/// True when the whole source is out of reach (no network, no npm), so the other files need not try it again.
/// </param>
public sealed class DataSourceException(string reason, bool sourceUnavailable = false, Exception? inner = null) : Exception(reason, inner)
{
    public bool SourceUnavailable { get; } = sourceUnavailable;
}
