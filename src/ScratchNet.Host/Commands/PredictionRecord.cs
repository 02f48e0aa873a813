using System.Text;
using System.Text.Encodings.Web;
using System.Text.Json;

namespace ScratchNet.Host.Commands;

/// <summary>
/// One image's result as <c>predict --format json</c> writes it: a JSON object on one line (JSON Lines), so a script reads
/// each image's reading with any JSON parser instead of splitting the text line, whose probabilities have four decimals.
/// </summary>
/// <remarks>
/// A reading: <c>{"file": …, "class": 7, "name": "7", "probability": 0.99…, "probabilities": [… every class, float32 at
/// full precision …], "warning": null}</c>; <c>name</c> is the dataset's name for the class where it has one (Fashion-MNIST's
/// "Dress"), else the class number, and <c>warning</c> the sentence the text form writes to stderr. An image that could
/// not be read: <c>{"file": …, "error": …}</c>, also in its place, with the same line on stderr.
/// </remarks>
public static class PredictionRecord
{
    // Names stay readable (ü, 数字) rather than \u-escaped; quotes, backslashes and control characters are still escaped.
    private static readonly JsonWriterOptions Options = new() { Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    public static string Reading(string file, IReadOnlyList<float> probabilities, IReadOnlyList<string>? names, string? warning)
    {
        ArgumentNullException.ThrowIfNull(probabilities);
        int best = 0;
        for (int c = 1; c < probabilities.Count; c++)
        {
            best = probabilities[c] > probabilities[best] ? c : best;
        }

        return Write(w =>
        {
            w.WriteString("file", file);
            w.WriteNumber("class", best);
            w.WriteString("name", names?[best] ?? best.ToString(System.Globalization.CultureInfo.InvariantCulture));
            w.WriteNumber("probability", probabilities[best]);
            w.WriteStartArray("probabilities");
            foreach (float p in probabilities)
            {
                w.WriteNumberValue(p);
            }

            w.WriteEndArray();
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

    /// <summary><paramref name="text"/> as a JSON string: in double quotes, with quotes, backslashes and control characters escaped.</summary>
    public static string Quoted(string text)
    {
        using var stream = new MemoryStream();
        using (var writer = new Utf8JsonWriter(stream, Options))
        {
            writer.WriteStringValue(text);
        }

        return Encoding.UTF8.GetString(stream.ToArray());
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
