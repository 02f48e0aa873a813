using ScratchNet.Files;

namespace ScratchNet.Host.Runs;

/// <summary>
/// The run's folder cannot be used: not writable, a file in its place, or another process training in it. Exit code 2,
/// before any work. A refusal about one folder is made with <see cref="About"/>, which composes the line here alone:
/// "NOUN FOLDER PROBLEM", FOLDER as <see cref="ShownName"/> shows a name, so a line break in it cannot split the line.
/// </summary>
/// <param name="message">One line saying what is wrong and what to do; every name in it shown through <see cref="ShownName"/>.</param>
public sealed class RunFolderException(string message) : Exception(message)
{
    /// <summary>A fault of <paramref name="folder"/>: "<paramref name="noun"/> FOLDER <paramref name="problem"/>" ("the run folder FOLDER already exists; …").</summary>
    public static RunFolderException About(string folder, string problem, string noun = "the run folder")
    {
        ArgumentException.ThrowIfNullOrEmpty(folder);
        ArgumentException.ThrowIfNullOrEmpty(problem);
        return new($"{noun} {ShownName.Of(folder)} {problem}");
    }
}
