namespace ScratchNet.Data.Sources;

/// <summary>
/// Picks npm's reason out of what a failed npm command wrote to stderr: npm writes its error as many
/// <c>npm error</c> lines (code, syscall, path, then the explanation, then where its log went), of which the
/// last is about the log and says nothing about the failure.
/// </summary>
public static class NpmErrors
{
    // npm 7 and later write "npm error" (10+) or "npm ERR!" (7-9) before each line of an error.
    private static readonly string[] Prefixes = ["npm error", "npm ERR!"];

    // Lines about npm's own log file, not about the failure.
    private static readonly string[] LogLines = ["A complete log of this run", "Log files were not written", "You can rerun the command with"];

    /// <summary>
    /// One line: <c>npm error code CODE, path PATH: EXPLANATION</c>, with whichever parts npm gave; the last other
    /// line of <paramref name="stderr"/> when it holds no npm error lines; null when it holds nothing.
    /// </summary>
    public static string? Reason(string stderr)
    {
        ArgumentNullException.ThrowIfNull(stderr);
        string[] lines = stderr.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        var errorLines = new List<string>();
        foreach (string line in lines)
        {
            string? prefix = Prefixes.FirstOrDefault(p => line.StartsWith(p, StringComparison.Ordinal));
            if (prefix is null)
            {
                continue;
            }

            string text = line[prefix.Length..].Trim();
            if (text.Length > 0 && !LogLines.Any(l => text.StartsWith(l, StringComparison.Ordinal)))
            {
                errorLines.Add(text);
            }
        }

        if (errorLines.Count == 0)
        {
            return lines.LastOrDefault();
        }

        string? code = Field(errorLines, "code");
        string? path = Field(errorLines, "path");
        string? explanation = errorLines.FirstOrDefault(l => !IsField(l));
        if (code is null && path is null)
        {
            return $"npm error {explanation ?? errorLines[^1]}";
        }

        string head = "npm error" + (code is null ? string.Empty : $" code {code}") + (path is null ? string.Empty : $", path {path}");
        return explanation is null ? head : $"{head}: {explanation}";
    }

    // npm's key-value lines before the explanation: "code EACCES", "syscall mkdir", "errno -13", "path /x".
    private static bool IsField(string line) =>
        line.Split(' ', 2) is [var key, _] && key is "code" or "syscall" or "errno" or "path" or "dest" or "signal";

    private static string? Field(List<string> lines, string key) =>
        lines.FirstOrDefault(l => l.StartsWith(key + " ", StringComparison.Ordinal)) is { } line ? line[(key.Length + 1)..].Trim() : null;
}
