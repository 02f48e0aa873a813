using System.Text.RegularExpressions;

namespace ScratchNet.Host.Tests;

/// <summary>
/// Keeps the signs on the doors true: the folders and files a README's layout names exist, and every folder of a project
/// is named in its README, so a newcomer can find each concept from the READMEs alone. A failure lists each README line
/// to fix.
/// </summary>
public sealed partial class ReadmeLayoutTests
{
    private static readonly string[] NotSource = ["bin", "obj", "node_modules"];

    private static string Root { get; } = FindRoot();

    private static IEnumerable<string> Projects() =>
        Directory.GetDirectories(Path.Combine(Root, "src")).Select(Path.GetFileName).Order(StringComparer.Ordinal)!;

    [TestCaseSource(nameof(Projects))]
    public void EveryPathAProjectREADMEListsExists(string project)
    {
        string folder = Path.Combine(Root, "src", project);
        string readme = Path.Combine(folder, "README.md");
        Assert.That(File.Exists(readme), Is.True, $"src/{project} has no README.md: add one saying what the project is for and what it may depend on");

        var problems = new List<string>();
        foreach ((int line, string entry) in ListedEntries(File.ReadAllLines(readme)))
        {
            if (!Exists(folder, entry))
            {
                problems.Add($"src/{project}/README.md:{line} lists `{entry}`, but src/{project}/{entry.TrimEnd('/')} does not exist: rename the entry to the folder or file's name, or remove it");
            }
        }

        Assert.That(problems, Is.Empty, string.Join(Environment.NewLine, problems));
    }

    [TestCaseSource(nameof(Projects))]
    public void EveryFolderOfAProjectIsNamedInItsREADME(string project)
    {
        string folder = Path.Combine(Root, "src", project);
        string text = File.ReadAllText(Path.Combine(folder, "README.md"));
        string[] missing = [.. SourceFolders(folder).Where(name => !text.Contains($"`{name}/", StringComparison.Ordinal))];

        Assert.That(missing, Is.Empty, string.Join(Environment.NewLine, missing.Select(name =>
            $"src/{project}/{name}/ is not named in src/{project}/README.md: add a line \"- `{name}/` — what it holds\"")));
    }

    [Test]
    public void TheRootREADMELayoutTableNamesExistingPathsAndEveryProjectAndTopLevelFolder()
    {
        string[] lines = File.ReadAllLines(Path.Combine(Root, "README.md"));
        int start = Array.FindIndex(lines, l => l.TrimEnd() == "## Layout");
        Assert.That(start, Is.GreaterThanOrEqualTo(0), "README.md has no \"## Layout\" section: add one with a table | path | what |");

        var paths = new List<string>();
        var problems = new List<string>();
        for (int i = start + 1; i < lines.Length && !lines[i].StartsWith("## ", StringComparison.Ordinal); i++)
        {
            if (FirstCell().Match(lines[i]) is { Success: true } row)
            {
                foreach (Match token in Token().Matches(row.Groups[1].Value))
                {
                    string path = token.Groups[1].Value;
                    paths.Add(path.TrimEnd('/'));
                    if (!Exists(Root, path))
                    {
                        problems.Add($"README.md:{i + 1} lists `{path}` in the Layout table, but it does not exist: fix the path or remove the row");
                    }
                }
            }
        }

        IEnumerable<string> expected = SourceFolders(Root).Where(f => f is not ("src" or "tests"))
            .Concat(SourceFolders(Path.Combine(Root, "src")).Select(p => $"src/{p}"))
            .Append("tests");
        foreach (string folder in expected)
        {
            if (!paths.Any(p => p == folder || p.StartsWith(folder + "/", StringComparison.Ordinal)))
            {
                problems.Add($"{folder}/ is missing from README.md's Layout table: add a row | `{folder}` | what it holds |");
            }
        }

        Assert.That(problems, Is.Empty, string.Join(Environment.NewLine, problems));
    }

    [Test]
    public void EveryRelativeLinkInTheDocsLeadsToAFileAndHeadingThatExist()
    {
        var problems = new List<string>();
        foreach (string file in MarkdownFiles())
        {
            string[] lines = File.ReadAllLines(file);
            for (int i = 0; i < lines.Length; i++)
            {
                foreach (Match link in MarkdownLink().Matches(lines[i]))
                {
                    string target = link.Groups[1].Value;
                    if (target.Contains("://", StringComparison.Ordinal) || target.StartsWith("mailto:", StringComparison.Ordinal))
                    {
                        continue;
                    }

                    string relative = Path.GetRelativePath(Root, file);
                    string[] parts = target.Split('#', 2);
                    string path = parts[0].Length == 0 ? file : Path.GetFullPath(Path.Combine(Path.GetDirectoryName(file)!, parts[0]));
                    if (!File.Exists(path) && !Directory.Exists(path))
                    {
                        problems.Add($"{relative}:{i + 1} links to {target}, but {Path.GetRelativePath(Root, path)} does not exist: fix the link");
                    }
                    else if (parts.Length == 2 && path.EndsWith(".md", StringComparison.Ordinal) && !Headings(path).Contains(parts[1]))
                    {
                        problems.Add($"{relative}:{i + 1} links to {target}, but {Path.GetRelativePath(Root, path)} has no heading with the anchor #{parts[1]}: fix the anchor");
                    }
                }
            }
        }

        Assert.That(problems, Is.Empty, string.Join(Environment.NewLine, problems));
    }

    [Test]
    public void EveryRepositoryPathTheDocsNameExists()
    {
        var problems = new List<string>();
        foreach (string file in MarkdownFiles())
        {
            string[] lines = File.ReadAllLines(file);
            for (int i = 0; i < lines.Length; i++)
            {
                foreach (Match token in RepositoryPath().Matches(lines[i]))
                {
                    string path = token.Groups[1].Value;
                    if (!IsPlaceholder(path) && !Exists(Root, path))
                    {
                        problems.Add($"{Path.GetRelativePath(Root, file)}:{i + 1} names `{path}`, which does not exist: fix the path or the text");
                    }
                }
            }
        }

        Assert.That(problems, Is.Empty, string.Join(Environment.NewLine, problems));
    }

    /// <summary>A path with a part in capitals (config/recipes/NAME.json) stands for many; README.md is a name.</summary>
    private static bool IsPlaceholder(string path) =>
        path.Split('/').Select(Path.GetFileNameWithoutExtension).Any(part => part is { Length: > 1 } && part != "README" && part.All(char.IsUpper));

    /// <summary>The Markdown files of the repository, outside build output and what git ignores; read once for every test.</summary>
    private static IEnumerable<string> MarkdownFiles() => MarkdownFileList.Value;

    private static readonly Lazy<string[]> MarkdownFileList = new(() =>
    {
        string[] candidates = [.. Directory.EnumerateFiles(Root, "*.md", SearchOption.AllDirectories)
            .Where(f => !Path.GetRelativePath(Root, f).Split(Path.DirectorySeparatorChar).Any(part => NotSource.Contains(part) || part.StartsWith('.')))];
        HashSet<string> ignored = IgnoredByGit(candidates);
        return [.. candidates.Where(f => !ignored.Contains(f))];
    });

    /// <summary>GitHub's anchors of a Markdown file's headings: lower case, punctuation dropped, spaces as hyphens.</summary>
    private static HashSet<string> Headings(string file) =>
        [.. File.ReadAllLines(file).Where(l => l.StartsWith('#'))
            .Select(l => AnchorDropped().Replace(l.TrimStart('#').Trim().ToLowerInvariant(), string.Empty).Replace(' ', '-'))];

    /// <summary>The path-like names that open a bullet (<c>- `Idx/` reads…</c>): the README's layout entries.</summary>
    private static IEnumerable<(int Line, string Entry)> ListedEntries(string[] lines)
    {
        for (int i = 0; i < lines.Length; i++)
        {
            if (BulletEntry().Match(lines[i]) is { Success: true } bullet && IsPath(bullet.Groups[1].Value))
            {
                yield return (i + 1, bullet.Groups[1].Value);
            }
        }
    }

    private static bool IsPath(string token) => token.Contains('/', StringComparison.Ordinal) || Path.HasExtension(token) && token.EndsWith(".cs", StringComparison.Ordinal);

    private static bool Exists(string folder, string entry)
    {
        string path = Path.Combine(folder, entry.TrimEnd('/'));
        return entry.EndsWith('/') ? Directory.Exists(path) : Directory.Exists(path) || File.Exists(path) || File.Exists(path + ".cs");
    }

    // A folder left empty by a move (git does not track folders) is not part of the layout, nor is what git ignores
    // (BenchmarkDotNet.Artifacts/, a local runs/ folder).
    private static IEnumerable<string> SourceFolders(string folder)
    {
        string[] candidates = [.. Directory.GetDirectories(folder)
            .Where(d => !Path.GetFileName(d).StartsWith('.') && !NotSource.Contains(Path.GetFileName(d)) && Directory.EnumerateFiles(d, "*", SearchOption.AllDirectories).Any())];
        HashSet<string> ignored = IgnoredByGit(candidates);
        return candidates.Where(d => !ignored.Contains(d)).Select(d => Path.GetFileName(d)!).Order(StringComparer.Ordinal);
    }

    /// <summary>Which of the paths git ignores, asked in one call; outside a git checkout (or without git) none.</summary>
    private static HashSet<string> IgnoredByGit(IReadOnlyCollection<string> paths)
    {
        var ignored = new HashSet<string>(StringComparer.Ordinal);
        if (paths.Count == 0)
        {
            return ignored;
        }

        try
        {
            using var git = System.Diagnostics.Process.Start(new System.Diagnostics.ProcessStartInfo("git", ["check-ignore", "--stdin"])
            {
                WorkingDirectory = Root,
                RedirectStandardInput = true,
                RedirectStandardError = true,
                RedirectStandardOutput = true,
            })!;
            Task<string> output = git.StandardOutput.ReadToEndAsync();
            foreach (string path in paths)
            {
                git.StandardInput.WriteLine(path);
            }

            git.StandardInput.Close();
            git.WaitForExit();
            ignored.UnionWith(output.Result.Split('\n', StringSplitOptions.RemoveEmptyEntries));
        }
        catch (System.ComponentModel.Win32Exception)
        {
            // No git: nothing is ignored.
        }

        return ignored;
    }

    private static string FindRoot()
    {
        for (string? dir = AppContext.BaseDirectory; dir is not null; dir = Path.GetDirectoryName(dir))
        {
            if (File.Exists(Path.Combine(dir, "ScratchNet.sln")))
            {
                return dir;
            }
        }

        throw new InvalidOperationException($"no ScratchNet.sln above {AppContext.BaseDirectory}");
    }

    // A path from the repository root in backquotes (`src/ScratchNet.Core/Layers/Dense.cs`); placeholders (NAME, <time>, *) are not paths.
    [GeneratedRegex(@"`((?:src|tests|bench|config|docs|experiments)/[\w.-]+(?:/[\w.-]+)*/?)`")]
    private static partial Regex RepositoryPath();

    [GeneratedRegex(@"\]\(([^)\s]+)\)")]
    private static partial Regex MarkdownLink();

    [GeneratedRegex(@"[^\w\- ]")]
    private static partial Regex AnchorDropped();

    [GeneratedRegex(@"^\s*- `([^`]+)`")]
    private static partial Regex BulletEntry();

    [GeneratedRegex(@"^\|([^|]+)\|")]
    private static partial Regex FirstCell();

    [GeneratedRegex(@"`([\w.-]+(?:/[\w.-]+)*/?)`")]
    private static partial Regex Token();
}
