using System.Text;
using System.Text.Encodings.Web;
using System.Text.Json;

namespace ScratchNet.Host.Commands;

/// <summary>
/// One image's result as <c>predict --format json</c> writes it, a JSON object on one line (JSON Lines), or
/// <c>--format csv</c>, a row under one header line, so a script reads each image's reading with any JSON or CSV parser
/// instead of splitting the text line, whose probabilities have four decimals.
/// </summary>
/// <remarks>
/// A reading: <c>{"file": …, "class": 7, "name": "7", "probability": 0.99…, "probabilities": [… every class, float32 at
/// full precision …], "warning": null}</c>; <c>name</c> is the dataset's name for the class where it has one (Fashion-MNIST's
/// "Dress"), else the class number, and <c>warning</c> the sentence the text form writes to stderr. An image that could
/// not be read: <c>{"file": …, "error": …}</c>, also in its place, with the same line on stderr. With <c>--top K</c>
/// (<c>top</c> above 0 here) a reading also has <c>"top": [{"class": 7, "name": "7", "probability": …}, …]</c>,
/// the K most likely classes (<see cref="TopClasses"/>), and a CSV row <c>topN_class,topN_name,topN_probability</c> for
/// each, before <c>warning,error</c>: the same three fields a reading gives its class, so a name is never looked up.
/// </remarks>
public static class PredictionRecord
{
    // Names stay readable (ü, 数字) rather than \u-escaped; quotes, backslashes and control characters are still escaped.
    private static readonly JsonWriterOptions Options = new() { Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    public static string Reading(string file, IReadOnlyList<float> probabilities, IReadOnlyList<string>? names, string? warning, int top = 0)
    {
        ArgumentNullException.ThrowIfNull(probabilities);
        int best = Best(probabilities);
        return Write(w =>
        {
            w.WriteString("file", file);
            w.WriteNumber("class", best);
            w.WriteString("name", Name(names, best));
            w.WriteNumber("probability", probabilities[best]);
            w.WriteStartArray("probabilities");
            foreach (float p in probabilities)
            {
                w.WriteNumberValue(p);
            }

            w.WriteEndArray();
            if (top > 0)
            {
                w.WriteStartArray("top");
                foreach (int c in TopClasses.Of(probabilities, top))
                {
                    w.WriteStartObject();
                    w.WriteNumber("class", c);
                    w.WriteString("name", Name(names, c));
                    w.WriteNumber("probability", probabilities[c]);
                    w.WriteEndObject();
                }

                w.WriteEndArray();
            }

            if (warning is null)
            {
                w.WriteNull("warning");
            }
            else
            {
                w.WriteString("warning", warning);
            }
        });
    }

    public static string Failure(string file, string error) => Write(w =>
    {
        w.WriteString("file", file);
        w.WriteString("error", error);
    });

    /// <summary>The CSV form's first line: <c>file,class,name,probability,p0,…,p{classes-1},[top1_class,top1_name,top1_probability,…,]warning,error</c>.</summary>
    public static string CsvHeader(int classes, int top = 0) =>
        string.Join(",", [
            "file", "class", "name", "probability", .. Enumerable.Range(0, classes).Select(c => $"p{c}"),
            .. Enumerable.Range(1, top).SelectMany(n => new[] { $"top{n}_class", $"top{n}_name", $"top{n}_probability" }), "warning", "error"]);

    public static string CsvReading(string file, IReadOnlyList<float> probabilities, IReadOnlyList<string>? names, string? warning, int top = 0)
    {
        ArgumentNullException.ThrowIfNull(probabilities);
        int best = Best(probabilities);
        IEnumerable<string> ranked = top > 0 ? TopClasses.Of(probabilities, top).SelectMany(c => new[] { Number(c), Name(names, c), Number(probabilities[c]) }) : [];
        return Csv([file, Number(best), Name(names, best), Number(probabilities[best]), .. probabilities.Select(Number), .. ranked, warning ?? string.Empty, string.Empty]);
    }

    /// <summary>A failed image's row: its file and error, every other field empty, so each row has the header's fields.</summary>
    public static string CsvFailure(string file, string error, int classes, int top = 0) =>
        Csv([file, .. Enumerable.Repeat(string.Empty, 3 + classes + (3 * top) + 1), error]);

    // The dataset's name for a class (Fashion-MNIST's "Dress"), else its number.
    private static string Name(IReadOnlyList<string>? names, int c) => names?[c] ?? Number(c);

    // RFC 4180: a field holding a comma, a double quote or a line break, or with spaces at an end, in double quotes, its
    // quotes doubled.
    private static string Csv(IEnumerable<string> fields) => string.Join(",", fields.Select(f =>
        f.AsSpan().IndexOfAny(",\"\r\n") >= 0 || f.Trim().Length != f.Length ? $"\"{f.Replace("\"", "\"\"", StringComparison.Ordinal)}\"" : f));

    // Shortest round-trip form, as JSON writes it.
    private static string Number(float value) => value.ToString("R", System.Globalization.CultureInfo.InvariantCulture);

    private static string Number(int value) => value.ToString(System.Globalization.CultureInfo.InvariantCulture);

    private static int Best(IReadOnlyList<float> probabilities)
    {
        int best = 0;
        for (int c = 1; c < probabilities.Count; c++)
        {
            best = probabilities[c] > probabilities[best] ? c : best;
        }

        return best;
    }

    private static string Write(Action<Utf8JsonWriter> fields)
    {
        using var stream = new MemoryStream();
        using (var writer = new Utf8JsonWriter(stream, Options))
        {
            writer.WriteStartObject();
            fields(writer);
            writer.WriteEndObject();
        }

        return Encoding.UTF8.GetString(stream.ToArray());
    }
}
