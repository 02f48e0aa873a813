using System.Reflection;
using Microsoft.AspNetCore.Http;

namespace ScratchNet.Dashboard.Server;

/// <summary>
/// The page, its scripts and the charting library, embedded in this assembly at build time. A request names an asset;
/// only names in this fixed table are served, so no request can reach the file system.
/// </summary>
public sealed class StaticAssets
{
    private const string Prefix = "wwwroot/";

    private static readonly Dictionary<string, string> ContentTypes = new(StringComparer.OrdinalIgnoreCase)
    {
        [".html"] = "text/html; charset=utf-8",
        [".js"] = "text/javascript; charset=utf-8",
        [".css"] = "text/css; charset=utf-8",
        [".txt"] = "text/plain; charset=utf-8",
        [".svg"] = "image/svg+xml",
        [".png"] = "image/png",
    };

    private readonly Dictionary<string, (byte[] Bytes, string ContentType)> _assets = new(StringComparer.Ordinal);

    public StaticAssets()
    {
        Assembly assembly = typeof(StaticAssets).Assembly;
        foreach (string resource in assembly.GetManifestResourceNames())
        {
            string name = resource.Replace('\\', '/');
            if (!name.StartsWith(Prefix, StringComparison.Ordinal))
            {
                continue;
            }

            using Stream stream = assembly.GetManifestResourceStream(resource)!;
            using var copy = new MemoryStream();
            stream.CopyTo(copy);
            string type = ContentTypes.GetValueOrDefault(Path.GetExtension(name), "application/octet-stream");
            _assets[name[Prefix.Length..]] = (copy.ToArray(), type);
        }
    }

    /// <summary>The asset names, e.g. index.html, vendor/uPlot.iife.min.js.</summary>
    public IReadOnlyCollection<string> Names => _assets.Keys;

    public IResult Serve(string? name) =>
        name is not null && _assets.TryGetValue(name, out var asset)
            ? Results.Bytes(asset.Bytes, asset.ContentType)
            : Results.NotFound();
}
