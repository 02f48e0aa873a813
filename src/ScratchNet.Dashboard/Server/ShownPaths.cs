using System.Text;
using System.Text.Json;
using System.Text.RegularExpressions;
using ScratchNet.Dashboard.Options;
using ScratchNet.Dashboard.Runs;

namespace ScratchNet.Dashboard.Server;

/// <summary>
/// How the dashboard writes a path of this machine in what it sends (a run's configuration and its sources, reasons, the
/// browse command): a path inside the runs folder relative to it (<c>RUN/checkpoints</c>), one inside the home folder
/// from <c>~</c>; and when it listens on an address other machines can reach, any other absolute path by its last
/// name alone (<c>…/appsettings.json</c>), so the network does not learn where things are on the server (a user name,
/// a project's folders). Relative paths are the user's own words and are kept.
/// </summary>
public sealed partial class ShownPaths
{
    private readonly string? _runs;
    private readonly string? _home;
    private readonly bool _network;

    /// <param name="home">The home folder; null for the user's own (none when it is the root or unknown).</param>
    public ShownPaths(string runsDirectory, bool network, string? home = null)
    {
        ArgumentNullException.ThrowIfNull(runsDirectory);
        _runs = Folder(runsDirectory);
        _home = Folder(home ?? Environment.GetFolderPath(Environment.SpecialFolder.UserProfile));
        _network = network;
    }

    /// <summary>The rule for a dashboard with these options and this runs folder.</summary>
    public static ShownPaths For(DashboardOptions options, DashboardSources sources)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(sources);
        return new ShownPaths(sources.RunsDirectory, !DashboardApp.IsLoopback(options.Address));
    }

    /// <summary>Whether absolute paths outside the runs and home folders are cut to their last name.</summary>
    public bool Network => _network;

    /// <summary><paramref name="text"/> with every path in it written by the rule: a whole path, or paths inside a sentence.</summary>
    public string? Text(string? text)
    {
        if (string.IsNullOrEmpty(text))
        {
            return text;
        }

        if (Path.IsPathFullyQualified(text) && !text.Contains('\n', StringComparison.Ordinal))
        {
            return WholePath(text);
        }

        string shown = text;
        if (_runs is not null)
        {
            shown = shown.Replace(_runs, string.Empty, StringComparison.Ordinal);
        }

        if (_home is not null)
        {
            shown = shown.Replace(_home, "~" + Path.DirectorySeparatorChar, StringComparison.Ordinal);
        }

        // In a sentence a path's end is a guess (a name may hold a space); its folders are what is cut.
        return _network ? FolderPart().Replace(shown, "…/") : shown;
    }

    /// <summary>A JSON value with every string in it (not the names of its properties) written by <see cref="Text"/>.</summary>
    public JsonElement Json(JsonElement value)
    {
        var buffer = new MemoryStream();
        using (var writer = new Utf8JsonWriter(buffer))
        {
            Write(writer, value);
        }

        using JsonDocument document = JsonDocument.Parse(buffer.ToArray());
        return document.RootElement.Clone();
    }

    /// <summary>The run as the list sends it.</summary>
    public RunSummary Of(RunSummary run)
    {
        ArgumentNullException.ThrowIfNull(run);
        return run with { Error = Text(run.Error), HeldOutSet = Text(run.HeldOutSet) };
    }

    /// <summary>The run's details as they are sent.</summary>
    public RunDetails Of(RunDetails run)
    {
        ArgumentNullException.ThrowIfNull(run);
        return run with
        {
            Config = run.Config is { } config ? Json(config) : null,
            Metrics = run.Metrics is { } metrics ? Json(metrics) : null,
            ModelConfiguration = run.ModelConfiguration?.ToDictionary(p => p.Key, p => Text(p.Value) ?? string.Empty, StringComparer.Ordinal),
            Error = Text(run.Error),
            HeldOutSet = Text(run.HeldOutSet),
        };
    }

    private string WholePath(string path)
    {
        if (_runs is not null && path.StartsWith(_runs, StringComparison.Ordinal))
        {
            return path[_runs.Length..];
        }

        if (_home is not null && path == _home.TrimEnd(Path.DirectorySeparatorChar))
        {
            return "~";
        }

        if (_home is not null && path.StartsWith(_home, StringComparison.Ordinal))
        {
            return "~" + Path.DirectorySeparatorChar + path[_home.Length..];
        }

        if (!_network)
        {
            return path;
        }

        string name = Path.GetFileName(path.TrimEnd('/', '\\'));
        return name.Length == 0 ? "…" : "…" + Path.DirectorySeparatorChar + name;
    }

    private void Write(Utf8JsonWriter writer, JsonElement value)
    {
        switch (value.ValueKind)
        {
            case JsonValueKind.Object:
                writer.WriteStartObject();
                foreach (JsonProperty property in value.EnumerateObject())
                {
                    writer.WritePropertyName(property.Name);
                    Write(writer, property.Value);
                }

                writer.WriteEndObject();
                break;
            case JsonValueKind.Array:
                writer.WriteStartArray();
                foreach (JsonElement item in value.EnumerateArray())
                {
                    Write(writer, item);
                }

                writer.WriteEndArray();
                break;
            case JsonValueKind.String:
                writer.WriteStringValue(Text(value.GetString()));
                break;
            default:
                value.WriteTo(writer);
                break;
        }
    }

    // The folder with a separator at its end, so /home/al does not match /home/alice; null for the root or none.
    private static string? Folder(string? path)
    {
        if (string.IsNullOrEmpty(path))
        {
            return null;
        }

        string full = Path.GetFullPath(path).TrimEnd(Path.DirectorySeparatorChar, Path.AltDirectorySeparatorChar);
        return full.Length == 0 || Path.GetPathRoot(full + Path.DirectorySeparatorChar) == full + Path.DirectorySeparatorChar
            ? null
            : full + Path.DirectorySeparatorChar;
    }

    // The folders of an absolute path inside a sentence: "/a/b/" of "/a/b/c.json", or "C:\a\" of "C:\a\c.json".
    [GeneratedRegex(@"(?<![\w.~…/\\])(?:/|[A-Za-z]:\\)(?:[^\s/\\'""(),;]+[/\\])+")]
    private static partial Regex FolderPart();
}
