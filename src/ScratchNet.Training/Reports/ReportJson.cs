using System.Text.Encodings.Web;
using System.Text.Json;

namespace ScratchNet.Training.Reports;

/// <summary>
/// The one JSON style of every report file: snake_case keys (as pandas and Python readers expect), indented, and text
/// (class names, paths) as written rather than escaped to <c>\u00FC</c>.
/// </summary>
public static class ReportJson
{
    public static JsonSerializerOptions Options { get; } = new()
    {
        PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower,
        WriteIndented = true,
        Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
    };
}
