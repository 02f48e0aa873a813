using System.Text.Json;

namespace ScratchNet.Training.Reports;

/// <summary>The one JSON style of every report file: snake_case keys (as pandas and Python readers expect), indented.</summary>
public static class ReportJson
{
    public static JsonSerializerOptions Options { get; } = new()
    {
        PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower,
        WriteIndented = true,
    };
}
