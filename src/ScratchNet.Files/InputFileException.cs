namespace ScratchNet.Files;

/// <summary>
/// A file a user named cannot be read as one: missing, a directory, a device, a pipe, or beyond its size bound. It
/// carries the file and the problem apart, so that a caller that turns it into its own error (a model file's, an
/// image's) keeps its words without cutting them out of the message: "DESCRIPTION FILE PROBLEM".
/// </summary>
public sealed class InputFileException : IOException
{
    /// <param name="description">What the file is, as a sentence names it: "The model file".</param>
    /// <param name="file">The file as the message names it; null for a refusal that names none (the current folder).</param>
    /// <param name="problem">What is wrong, the words that follow the file's name: "does not exist".</param>
    public InputFileException(string description, string? file, string problem, FileKind kind, Exception? inner = null)
        : base(file is null ? $"{description} {problem}" : $"{description} {ShownName.Of(file)} {problem}", inner)
    {
        ArgumentException.ThrowIfNullOrEmpty(description);
        ArgumentException.ThrowIfNullOrEmpty(problem);
        File = file;
        Problem = problem;
        Kind = kind;
    }

    /// <summary>The file, as the message names it (a missing one by its full path); null where the message names none.</summary>
    public string? File { get; }

    /// <summary>What is wrong, the words that follow the file's name in the message.</summary>
    public string Problem { get; }

    /// <summary>What the path named when it was refused.</summary>
    public FileKind Kind { get; }
}
