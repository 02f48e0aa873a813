using System.Globalization;
using ScratchNet.Core.Activations;

namespace ScratchNet.Core.Layers;

/// <summary>
/// The grammar of one entry of Model:Layers: words separated by spaces, case-insensitive.
/// <code>
/// conv OUT KxK [stride S] [pad P]    a convolution with OUT filters of K × K (or KxL: K high, L wide); stride 1, pad 0 by default
/// maxpool K [stride S]               max over K × K windows; stride K by default
/// avgpool K [stride S]               mean over K × K windows; stride K by default
/// batchnorm                          batch normalisation per channel (per feature after a dense layer)
/// dropout P                          inverted dropout with rate P in [0, 1)
/// NAME                               an activation, NAME one of <see cref="Activation.Names"/>
/// flatten                            images (C, H, W) → vectors (C·H·W)
/// dense N                            a fully connected layer with N outputs
/// </code>
/// </summary>
public static class LayerSyntax
{
    /// <summary>The first words the grammar knows.</summary>
    public static IReadOnlyList<string> Words { get; } = ["conv", "maxpool", "avgpool", "batchnorm", "dropout", .. Activation.Names, "flatten", "dense"];

    /// <summary>Every form, comma-separated, for help and error messages; the activations are <see cref="Activation.Names"/>.</summary>
    public static string Forms { get; } =
        $"conv OUT KxK [stride S] [pad P], maxpool K [stride S], avgpool K [stride S], batchnorm, dropout P, {string.Join(", ", Activation.Names)}, flatten, dense N";

    /// <summary>The largest number a layer takes (units, channels, kernel, stride, padding).</summary>
    public const int MaxNumber = 1 << 20;

    // Other frameworks' names for ScratchNet's layers, which a user coming from them writes first.
    private static readonly Dictionary<string, string> Elsewhere = new(StringComparer.Ordinal)
    {
        ["linear"] = "dense", ["fc"] = "dense", ["conv2d"] = "conv", ["maxpool2d"] = "maxpool", ["avgpool2d"] = "avgpool",
        ["batchnorm1d"] = "batchnorm", ["batchnorm2d"] = "batchnorm", ["bn"] = "batchnorm",
    };

    /// <exception cref="FormatException">The text is not a layer; the message says what is wrong and what is valid.</exception>
    public static LayerDefinition Parse(string text) => TryParse(text, out LayerDefinition? layer, out string? error) ? layer! : throw new FormatException(error);

    /// <returns>False with <paramref name="error"/> saying what is wrong (it quotes the text) and how to write it.</returns>
    public static bool TryParse(string? text, out LayerDefinition? layer, out string? error)
    {
        layer = null;
        string[] words = (text ?? string.Empty).ToLowerInvariant().Split((char[]?)null, StringSplitOptions.RemoveEmptyEntries);
        if (words.Length == 0)
        {
            error = $"an empty entry is not a layer; write one of: {Forms}";
            return false;
        }

        var reader = new Reader(text!, words);
        layer = words[0] switch
        {
            "conv" => reader.Conv(),
            "maxpool" => reader.Pool(LayerKind.MaxPool),
            "avgpool" => reader.Pool(LayerKind.AvgPool),
            "batchnorm" => reader.End(LayerDefinition.BatchNorm()),
            "dropout" => reader.Dropout(),
            "flatten" => reader.End(LayerDefinition.Flatten()),
            "dense" => reader.Dense(),
            string word when Activation.IsKnown(word) => reader.End(LayerDefinition.ActivationOf(word)),
            string word => reader.Fail($"'{word}' is not a layer{Suggestion(word)}; valid: {string.Join(", ", Words)}"),
        };
        error = reader.Error;
        return layer is not null;
    }

    private static string Suggestion(string word)
    {
        if (word is "softmax" or "log_softmax" or "logsoftmax")
        {
            return " (the loss applies softmax to the last layer's outputs itself, so a network ends in dense N, one output per class)";
        }

        if (Elsewhere.TryGetValue(word, out string? ours))
        {
            return $" (ScratchNet calls it {ours})";
        }

        string? closest = Words.MinBy(w => EditDistance.Between(w, word));
        return closest is not null && EditDistance.Between(closest, word) <= 2 ? $" (did you mean {closest}?)" : string.Empty;
    }

    // Reads the words after the first; the first problem found is kept in Error.
    private sealed class Reader(string text, string[] words)
    {
        private int _next = 1;

        public string? Error { get; private set; }

        public LayerDefinition? Conv()
        {
            if (!Count("OUT", "the number of filters", out int outChannels) || !Kernel(out int kernelHeight, out int kernelWidth))
            {
                return null;
            }

            int stride = 1, padding = 0;
            var given = new HashSet<string>(StringComparer.Ordinal);
            while (_next < words.Length && Error is null)
            {
                string option = words[_next++];
                bool ok = option switch
                {
                    "stride" => Once("stride", given) && Count("S", "the stride", out stride),
                    "pad" or "padding" => Once("pad", given) && Whole("P", "the padding", out padding, allowZero: true),
                    _ => Reject($"'{option}' is not an option of conv; write conv OUT KxK [stride S] [pad P], e.g. conv 16 3x3 pad 1"),
                };
                if (!ok)
                {
                    return null;
                }
            }

            return Error is null ? LayerDefinition.Conv(outChannels, kernelHeight, kernelWidth, stride, padding) : null;
        }

        public LayerDefinition? Pool(LayerKind kind)
        {
            string name = kind == LayerKind.MaxPool ? "maxpool" : "avgpool";
            if (!Count("K", "the window size", out int size))
            {
                return null;
            }

            int? stride = null;
            if (_next < words.Length)
            {
                if (words[_next++] != "stride")
                {
                    return Fail($"'{words[_next - 1]}' is not an option of {name}; write {name} K [stride S], e.g. {name} 2");
                }

                if (!Count("S", "the stride", out int s))
                {
                    return null;
                }

                stride = s;
                if (_next < words.Length && words[_next] == "stride")
                {
                    return Fail($"stride is given twice; give it once, e.g. {name} {size} stride {s}");
                }
            }

            return End(kind == LayerKind.MaxPool ? LayerDefinition.MaxPool(size, stride) : LayerDefinition.AvgPool(size, stride));
        }

        public LayerDefinition? Dropout()
        {
            if (_next >= words.Length)
            {
                return Fail("dropout needs its rate P in [0, 1), e.g. dropout 0.25");
            }

            string word = words[_next++];
            if (!float.TryParse(word, NumberStyles.Float, CultureInfo.InvariantCulture, out float rate) || !(rate >= 0f && rate < 1f))
            {
                return Fail($"the dropout rate must be a number in [0, 1), got '{word}'{SinglePrecision.Rounding(word)}");
            }

            return End(LayerDefinition.Dropout(rate));
        }

        public LayerDefinition? Dense() => Count("N", "the number of outputs", out int outputs) ? End(LayerDefinition.Dense(outputs)) : null;

        public LayerDefinition? End(LayerDefinition layer) =>
            _next < words.Length ? Fail($"'{words[_next]}' is one word too many; write {Example(layer)}") : layer;

        public LayerDefinition? Fail(string problem)
        {
            Error ??= $"'{text.Trim()}': {problem}";
            return null;
        }

        private bool Reject(string problem)
        {
            Fail(problem);
            return false;
        }

        // A second "stride" or "pad" ("padding" is the same option) would silently replace the first.
        private bool Once(string option, HashSet<string> given) =>
            given.Add(option) || Reject($"{option} is given twice{(option == "pad" ? " (pad and padding are one option)" : string.Empty)}; give each option once, e.g. conv 16 3x3 stride 2 pad 1");

        private bool Kernel(out int height, out int width)
        {
            height = width = 0;
            if (_next >= words.Length)
            {
                return Reject("conv needs its kernel size after OUT, e.g. conv 16 3x3");
            }

            string word = words[_next++];
            string[] parts = word.Split('x');
            bool ok = parts.Length is 1 or 2 && parts.All(p => int.TryParse(p, NumberStyles.None, CultureInfo.InvariantCulture, out int v) && v > 0);
            if (!ok)
            {
                return Reject($"the kernel size must be KxK (or KxL, or K) with positive whole numbers, e.g. 3x3; got '{word}'");
            }

            height = int.Parse(parts[0], CultureInfo.InvariantCulture);
            width = int.Parse(parts[^1], CultureInfo.InvariantCulture);
            return height <= MaxNumber && width <= MaxNumber || Reject($"the kernel size {word} is beyond the limit of {MaxNumber}");
        }

        private bool Count(string symbol, string what, out int value) => Whole(symbol, what, out value, allowZero: false);

        private bool Whole(string symbol, string what, out int value, bool allowZero)
        {
            value = 0;
            if (_next >= words.Length)
            {
                return Reject($"{words[0]} needs {symbol}, {what}; write {Usage(words[0])}");
            }

            string word = words[_next++];
            if (!int.TryParse(word, NumberStyles.None, CultureInfo.InvariantCulture, out value) || (value == 0 && !allowZero))
            {
                return Reject($"{symbol} ({what}) must be a {(allowZero ? "whole number ≥ 0" : "positive whole number")}, got '{word}'; write {Usage(words[0])}");
            }

            // A typo such as "dense 2000000000" must be refused before anything is sized by it.
            if (value > MaxNumber)
            {
                return Reject($"{symbol} ({what}) is {value}; the limit is {MaxNumber}");
            }

            return true;
        }

        private static string Usage(string word) => word switch
        {
            "conv" => "conv OUT KxK [stride S] [pad P], e.g. conv 16 3x3 pad 1",
            "maxpool" => "maxpool K [stride S], e.g. maxpool 2",
            "avgpool" => "avgpool K [stride S], e.g. avgpool 2",
            "dense" => "dense N, e.g. dense 128",
            _ => word,
        };

        private static string Example(LayerDefinition layer) => layer.Kind switch
        {
            LayerKind.MaxPool => "maxpool K [stride S]",
            LayerKind.AvgPool => "avgpool K [stride S]",
            LayerKind.Dense => "dense N",
            LayerKind.Dropout => "dropout P",
            _ => layer.ToString(),
        };
    }
}
