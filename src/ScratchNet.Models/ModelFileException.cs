using ScratchNet.Files;

namespace ScratchNet.Models;

/// <summary>
/// A model file is missing, unreadable, damaged, of an unknown format or version, or does not fit the network or data it
/// is meant for; a user error (exit code 5), not a bug. It carries its parts — the file, what is wrong, how to fix it — so
/// that a caller that shows them apart (the dashboard's runs list shows the problem after the file's name) reads them
/// instead of cutting them out of a sentence whose wording any throw site may change. <see cref="Exception.Message"/> is
/// the one line the CLI prints, composed here alone: "The model file PATH PROBLEM; REMEDY.", PATH as ShownName shows a name.
/// </summary>
public sealed class ModelFileException : Exception
{
    private const string ModelFileNoun = "model file";

    /// <summary>A fault of the file <paramref name="file"/>: "The model file FILE PROBLEM; REMEDY."</summary>
    /// <param name="file">The file as the user named it (or as a page may be told it).</param>
    /// <param name="problem">What is wrong, as the words that follow the file's name: "is empty (0 bytes)", "is invalid: its header is not valid JSON (…)".</param>
    /// <param name="remedy">How to fix it, as an instruction: "give a file written by 'train' or 'export'"; null where the problem says all there is.</param>
    public ModelFileException(string file, string problem, string? remedy = null, Exception? inner = null)
        : this(ModelFileNoun, file, problem, remedy, inner)
    {
    }

    private ModelFileException(string noun, string file, string problem, string? remedy, Exception? inner)
        : base(Compose(noun, file, problem, remedy), inner)
    {
        ArgumentException.ThrowIfNullOrEmpty(file);
        ArgumentException.ThrowIfNullOrEmpty(problem);
        Noun = noun;
        File = file;
        _problem = problem;
        _remedy = remedy;
    }

    /// <summary>
    /// Written in a problem or remedy where the file's name goes again ("use it with --Model:InitFrom={FILE}"): the
    /// message shows the name there as it shows it after the noun, and <see cref="Naming"/> gives the new name there.
    /// </summary>
    public const string FileName = "{FILE}";

    // The problem and remedy as thrown, FileName in them where the file's name goes.
    private readonly string _problem;
    private readonly string? _remedy;

    /// <summary>The file, as the message names it.</summary>
    public string File { get; }

    /// <summary>What is wrong, the words that follow the file's name in the message ("is empty (0 bytes)"), without a remedy or a full stop.</summary>
    public string Problem => Named(_problem, File);

    /// <summary>How to fix it ("give a file written by 'train' or 'export'"), or null where the message names none.</summary>
    public string? Remedy => _remedy is null ? null : Named(_remedy, File);

    // What the message calls the file: a safetensors header's faults name the format the user gave, and a model that does
    // not fit the data is a model, whichever file it came from.
    private string Noun { get; }

    /// <summary>A fault of a safetensors file: "The safetensors file FILE PROBLEM; REMEDY."</summary>
    public static ModelFileException Safetensors(string file, string problem, string? remedy = null) => new("safetensors file", file, problem, remedy, null);

    /// <summary>A loaded model that does not fit what it is asked to do (the data's shape, so many rows): "The model FILE PROBLEM; REMEDY."</summary>
    public static ModelFileException Model(string file, string problem, string? remedy = null) => new("model", file, problem, remedy, null);

    /// <summary>
    /// The same fault with the file named <paramref name="file"/>: a page is told a run's model by its name in the runs
    /// folder, never where the server keeps it. Where the problem or remedy names the file again it says
    /// <see cref="FileName"/>, which takes the new name; a throw site that wrote the old name out instead has it replaced,
    /// as written or as <see cref="ShownName"/> shows it (quoted and escaped, for a name with a line break or a quote).
    /// </summary>
    public ModelFileException Naming(string file)
    {
        ArgumentException.ThrowIfNullOrEmpty(file);
        return new(Noun, file, Renamed(_problem), _remedy is null ? null : Renamed(_remedy), this);
    }

    // The shown form first: it holds the name as written where the name needs no quoting, and would be left half-replaced after it.
    private string Renamed(string text) =>
        text.Replace(ShownName.Of(File), FileName, StringComparison.Ordinal).Replace(File, FileName, StringComparison.Ordinal);

    private static string Named(string text, string file) => text.Replace(FileName, ShownName.Of(file), StringComparison.Ordinal);

    private static string Compose(string noun, string file, string problem, string? remedy) =>
        remedy is null ? $"The {noun} {ShownName.Of(file)} {Named(problem, file)}." : $"The {noun} {ShownName.Of(file)} {Named(problem, file)}; {Named(remedy, file)}.";
}
