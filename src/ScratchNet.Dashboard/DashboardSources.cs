namespace ScratchNet.Dashboard;

/// <summary>What the dashboard shows besides the live run: the runs folder, and a model file given with <c>serve --model</c>.</summary>
public sealed record DashboardSources(string RunsDirectory, string? ModelFile = null)
{
    /// <summary>
    /// Where the run being trained is, asked when the dashboard closes: the hint names that folder's parent, which is not
    /// <see cref="RunsDirectory"/> for a run resumed from elsewhere. Null (or answering null) for the configured folder.
    /// </summary>
    public Func<string?>? LiveRunFolder { get; init; }

    /// <summary>
    /// Where the dashboard's address goes once it listens (<c>http://127.0.0.1:5757/</c>, or the addresses of every network
    /// and a note that it listens on them all): a result, with a free port (Dashboard:Port=0) the only way to find the page,
    /// so the host writes it plain (<c>Dashboard at …</c>) where no Serilog level can drop it. Null: it is logged.
    /// </summary>
    public Action<string>? Announce { get; init; }

    /// <summary>True for <c>serve</c>, which no training can report to: the live view says how to watch one instead.</summary>
    public bool Serving { get; init; }

    /// <summary>False when <see cref="RunsDirectory"/> is not the folder <c>serve</c> browses by default, so the page names it.</summary>
    public bool DefaultRunsDirectory { get; init; } = true;

    /// <summary>The command that browses these runs later, as the page says it: <c>serve</c>, or <c>serve --runs DIR</c> for another folder.</summary>
    public string BrowseCommand => DefaultRunsDirectory ? "serve" : $"serve --runs {ScratchNet.Files.ShellWord.Quote(RunsDirectory)}";

    /// <summary>
    /// The folder that holds the run trained, once it has: a run resumed from outside <see cref="RunsDirectory"/> is not in
    /// it. The configured folder keeps the user's spelling; another is named relative to here when it is below here.
    /// </summary>
    public string ClosingRunsDirectory()
    {
        if (LiveRunFolder?.Invoke() is not { } run || Path.GetDirectoryName(Path.GetFullPath(run)) is not { Length: > 0 } parent
            || string.Equals(parent, Path.GetFullPath(RunsDirectory).TrimEnd(Path.DirectorySeparatorChar), StringComparison.Ordinal))
        {
            return RunsDirectory;
        }

        string relative = Path.GetRelativePath(Environment.CurrentDirectory, parent);
        return relative.StartsWith("..", StringComparison.Ordinal) || Path.IsPathRooted(relative) ? parent : relative;
    }

    /// <summary>The command that browses the run trained, as the page says it when the run ends: <see cref="BrowseCommand"/>, or <c>serve --runs DIR</c> naming <see cref="ClosingRunsDirectory"/> where that is another folder.</summary>
    public string ClosingBrowseCommand()
    {
        string folder = ClosingRunsDirectory();
        return string.Equals(folder, RunsDirectory, StringComparison.Ordinal) ? BrowseCommand : $"serve --runs {ScratchNet.Files.ShellWord.Quote(folder)}";
    }
}
