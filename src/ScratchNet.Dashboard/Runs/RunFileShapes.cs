using System.Globalization;
using System.Text.Json;
using ScratchNet.Files;

namespace ScratchNet.Dashboard.Runs;

/// <summary>
/// The shape of each run file the page reads, as ScratchNet writes it: which fields, of which kind, which may be null or
/// absent, which range each number keeps, and which words run.json's state may be. Valid JSON of another shape is damage
/// with a plain reason: it would otherwise read as no epochs, "–", a made-up state, or be called "not complete JSON".
/// So is a value of the right kind that train cannot have written (an accuracy of 7, a loss below 0, epoch -3, an
/// epoch twice): the page would show it as a result.
/// </summary>
internal static class RunFileShapes
{
    /// <summary>The states run.json may record.</summary>
    public static IReadOnlyList<string> States => RunStates.All;

    private enum Value
    {
        Number,
        Whole,
        Text,
        List,
    }

    // The values train writes: a fraction (an accuracy, an F1), a count or size that cannot be negative (a loss, a rate,
    // seconds, rows), an epoch, which counts from 1.
    private enum Range
    {
        Any,
        Fraction,
        NotNegative,
        FromOne,
    }

    // Required: ScratchNet has written it since the file existed, so its absence is damage, not an older run.
    private sealed record Field(string Name, Value Kind, Range Range = Range.Any, bool Required = false, bool Nullable = false, IReadOnlyList<string>? Words = null);

    private static readonly Field[] Epoch =
    [
        new("epoch", Value.Whole, Range.FromOne, Required: true), new("train_loss", Value.Number, Range.NotNegative, Required: true),
        new("train_acc", Value.Number, Range.Fraction, Nullable: true), new("val_loss", Value.Number, Range.NotNegative, Required: true),
        new("val_acc", Value.Number, Range.Fraction, Required: true), new("learning_rate", Value.Number, Range.NotNegative, Nullable: true),
        new("train_seconds", Value.Number, Range.NotNegative), new("eval_seconds", Value.Number, Range.NotNegative),
    ];

    private static readonly Field[] Metrics =
    [
        new("accuracy", Value.Number, Range.Fraction), new("loss", Value.Number, Range.NotNegative), new("macro_f1", Value.Number, Range.Fraction),
        new("epoch", Value.Whole, Range.FromOne, Nullable: true), new("rows", Value.Whole, Range.NotNegative), new("confusion_matrix", Value.List),
        new("class_names", Value.List), new("classes", Value.List), new("split", Value.Text), new("dataset", Value.Text),
    ];

    private static readonly Field[] Status = [new("state", Value.Text, Required: true, Words: States), new("id", Value.Text), new("sessions", Value.List)];

    /// <summary>What is wrong with history.json's content, or null when it is a list of epochs the page can draw.</summary>
    public static string? History(JsonElement root)
    {
        if (root.ValueKind != JsonValueKind.Array)
        {
            return $"it is {Kind(root.ValueKind)}, not a list of epochs";
        }

        int row = 0;
        int previous = 0;
        foreach (JsonElement epoch in root.EnumerateArray())
        {
            row++;
            if (epoch.ValueKind != JsonValueKind.Object)
            {
                return $"row {row} is {Kind(epoch.ValueKind)}, not an epoch (an object of figures)";
            }

            if (Problem(epoch, Epoch) is { } problem)
            {
                return $"row {row}'s {problem}";
            }

            // Train writes each epoch once, in order; a row repeated or out of order would count, and draw, twice.
            int number = epoch.GetProperty("epoch").GetInt32();
            if (number <= previous)
            {
                return $"row {row}'s epoch is {number}, not after row {row - 1}'s {previous}";
            }

            previous = number;
        }

        return null;
    }

    /// <summary>What is wrong with the content of metrics.json, run.json or config.json, or null when it has the shape ScratchNet writes.</summary>
    public static string? Report(string name, JsonElement root)
    {
        // config.json is an object of keys; the page also shows a list of { key, value, source }.
        bool listAllowed = name == RunsFolder.ConfigFile;
        if (root.ValueKind != JsonValueKind.Object && !(listAllowed && root.ValueKind == JsonValueKind.Array))
        {
            string shape = name switch
            {
                RunsFolder.ConfigFile => "an object of settings",
                RunsFolder.MetricsFile => "an object of figures",
                _ => "an object of the run's facts",
            };
            return $"it is {Kind(root.ValueKind)}, not {shape}";
        }

        Field[] fields = name switch
        {
            RunsFolder.MetricsFile => Metrics,
            RunsFolder.StatusFile => Status,
            _ => [],
        };
        return root.ValueKind == JsonValueKind.Object && Problem(root, fields) is { } problem ? $"its {problem}" : null;
    }

    /// <summary>What a JSON value is, in the words of a reason: "history.json is damaged: it is null, not a list of epochs".</summary>
    public static string Kind(JsonValueKind kind) => kind switch
    {
        JsonValueKind.Object => "an object",
        JsonValueKind.Array => "a list",
        JsonValueKind.String => "text",
        JsonValueKind.Number => "a number",
        JsonValueKind.True or JsonValueKind.False => "true or false",
        _ => "null",
    };

    // "accuracy is null, not a number", following "its " or "row 2's "; null when every field is as written.
    private static string? Problem(JsonElement owner, Field[] fields)
    {
        foreach (Field field in fields)
        {
            if (!owner.TryGetProperty(field.Name, out JsonElement value))
            {
                if (field.Required)
                {
                    return $"{field.Name} is missing";
                }

                continue;
            }

            if (value.ValueKind == JsonValueKind.Null && field.Nullable)
            {
                continue;
            }

            if (Problem(field, value) is { } problem)
            {
                return $"{field.Name} is {problem}";
            }
        }

        return null;
    }

    private static string? Problem(Field field, JsonElement value)
    {
        JsonValueKind wanted = field.Kind switch
        {
            Value.Number or Value.Whole => JsonValueKind.Number,
            Value.Text => JsonValueKind.String,
            _ => JsonValueKind.Array,
        };
        if (value.ValueKind != wanted)
        {
            return $"{Kind(value.ValueKind)}, not {Expected(field.Kind)}";
        }

        if (field.Kind is Value.Number or Value.Whole && NumberProblem(field, value) is { } numberProblem)
        {
            return numberProblem;
        }

        if (field.Words is { } words && !words.Contains(value.GetString(), StringComparer.Ordinal))
        {
            return $"\"{value.GetString()}\", not one of {string.Join(", ", words.SkipLast(1))} or {words[^1]}";
        }

        return null;
    }

    // A number's value is read once, from its text: every reason below is about that one value.
    private static string? NumberProblem(Field field, JsonElement value)
    {
        // JSON has no infinity, but 1e400 reads as one; a whole number must also fit the int the page and the list take.
        string text = value.GetRawText();
        if (!double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out double number) || !double.IsFinite(number))
        {
            return $"{text}, not a finite number";
        }

        if (field.Kind == Value.Whole && !value.TryGetInt32(out _))
        {
            // Three ways to miss an int, each its own reason: 1.0 and 2147483648 are whole numbers, but not as train writes them.
            return !double.IsInteger(number) ? $"{text}, not a whole number"
                : Math.Abs(number) > int.MaxValue ? $"{text}, larger than the dashboard reads ({int.MaxValue} at most)"
                : $"{text}, a whole number written with a fraction or an exponent, which train never writes";
        }

        return OutOf(field.Range, number) is { } range ? $"{text}, not {range}" : null;
    }

    // What the value should have been, to follow "not": null when it is in its range.
    private static string? OutOf(Range range, double number) => range switch
    {
        Range.Fraction when number is < 0 or > 1 => "a fraction from 0 to 1",
        Range.NotNegative when number < 0 => "0 or more",
        Range.FromOne when number < 1 => "1 or more (epochs count from 1)",
        _ => null,
    };

    private static string Expected(Value kind) => kind switch
    {
        Value.Number => "a number",
        Value.Whole => "a whole number",
        Value.Text => "text",
        _ => "a list",
    };
}
