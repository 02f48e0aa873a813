using Microsoft.Extensions.Configuration;
using ScratchNet.Files;

namespace ScratchNet.Host.Settings;

/// <summary>
/// Stops a run where a key the user set would be ignored, because the switch it depends on is off or names something
/// that does not read it: <c>--EarlyStopping:Patience=3</c> without <c>EarlyStopping:Enabled=true</c>,
/// <c>--Optimizer:Beta1=0.8</c> with SGD, <c>--recipe cnn --Model:LayerSizes=784,256,10</c>. The run it would start
/// is not the one asked for, as with a typo in a key (<see cref="ConfigurationCheck"/>).
/// </summary>
/// <remarks>
/// Only what the user wrote counts as set (the command line, SCRATCHNET_ variables, a --config file), not the shipped
/// appsettings.json and recipes; and only when it was written no earlier than the switch: <c>--recipe cnn
/// --Optimizer:Name=adam</c> leaves the recipe's momentum behind on purpose, while <c>--Optimizer:Name=adam
/// --Optimizer:Momentum=0.9</c> asks for something adam does not do.
/// </remarks>
public static class IgnoredKeys
{
    // Key: what the user set · Switch: the key that decides whether it is read · Reads: given the switch's value (null when
    // absent), whether the key is read · Readers: when it is read, for the message ("by the optimizers sgd, rmsprop").
    private sealed record Rule(string Key, string Switch, Func<string?, bool> Reads, string Readers);

    private static readonly Rule[] Rules =
    [
        Optimizer("Momentum", "sgd", "rmsprop"),
        Optimizer("Nesterov", "sgd"),
        Optimizer("Beta1", "adam", "adamw"),
        Optimizer("Beta2", "adam", "adamw"),
        Optimizer("Epsilon", "adam", "adamw", "rmsprop"),
        Optimizer("Alpha", "rmsprop"),
        Schedule("StepSize", "step"),
        Schedule("Gamma", "step", "exponential"),
        Schedule("MinLearningRate", "cosine", "plateau"),
        Schedule("Factor", "plateau"),
        Schedule("Patience", "plateau"),
        Schedule("MinDelta", "plateau"),
        Schedule("Monitor", "plateau"),
        .. Switched("EarlyStopping:Enabled", ["Patience", "MinDelta", "Monitor", "RestoreBestWeights"]),
        .. Switched("Data:Augment:Enabled", ["MaxShift", "MaxRotationDegrees", "ScaleRange", "Elastic"]),
        .. Switched("Data:Augment:Elastic", ["ElasticAlpha", "ElasticSigma"]),
        new("Data:Directory", "Data:Dataset", dataset => Is(dataset, "idx"), "with Data:Dataset=idx (mnist and fashion-mnist are fetched into Data:CacheDirectory)"),
        .. Checkpointing(["EveryEpochs", "KeepLast", "SaveBest", "Monitor"]),
        new("Checkpoints:Monitor", "Checkpoints:SaveBest", on => on is null || Is(on, "true"), "with Checkpoints:SaveBest=true (it picks best.ckpt)"),
        new("Reports:TensorBoardImageEvery", "Reports:TensorBoard", on => Is(on, "true"), "with Reports:TensorBoard=true"),
        new("Data:ValidationFraction", "Data:Split", split => !Is(split, "official"), "by the random split (the official split holds out its own test images)"),
        new("Data:Seed", "Data:Split", split => !Is(split, "official"), "by the random split (Training:Seed seeds initialisation and shuffling)"),
        new("Model:LayerSizes", "Model:Layers", layers => layers is null, "without Model:Layers (it is the MLP shorthand, which Model:Layers replaces: describe the network in one of them)"),
        new("Model:Activation", "Model:Layers", layers => layers is null, "without Model:Layers (with it, write the activation as entries of its own)"),
        new("Model:Dropout", "Model:Layers", layers => layers is null, "without Model:Layers (with it, write \"dropout P\" entries where you want dropout)"),
        new("Model:Activation", "Model:LayerSizes", HasHiddenLayer, "with a hidden layer in Model:LayerSizes (inputs and classes alone make one dense layer, with no activation after it)"),
        new("Model:Dropout", "Model:LayerSizes", HasHiddenLayer, "with a hidden layer in Model:LayerSizes (dropout follows each hidden activation; inputs and classes alone have none)"),
        new("Model:Initializer", "Model:InitFrom", file => string.IsNullOrWhiteSpace(file), "without Model:InitFrom (the file gives every weight and bias)"),
    ];

    /// <summary>One line for every key the user set that the configuration's switches leave unread.</summary>
    public static IReadOnlyList<string> Problems(IConfigurationRoot configuration)
    {
        ArgumentNullException.ThrowIfNull(configuration);
        IList<IConfigurationProvider> providers = [.. configuration.Providers];
        var problems = new List<string>();
        foreach (Rule rule in Rules)
        {
            // An empty value is how the command line clears a key a file set: not set. A list counts by its entries.
            int key = ConfigurationSources.Winner(providers, rule.Key);
            string? value = configuration[rule.Key] ?? (configuration.GetSection(rule.Key).GetChildren().Any(c => !string.IsNullOrEmpty(c.Value)) ? "a list" : null);
            if (key < 0 || !ConfigurationSources.WrittenByUser(providers[key]) || string.IsNullOrEmpty(value) || ConfigurationSources.Winner(providers, rule.Switch) > key)
            {
                continue;
            }

            IConfigurationSection section = configuration.GetSection(rule.Switch);
            string? switchValue = section.Value ?? (section.GetChildren().Any() ? "set" : null);
            if (!rule.Reads(switchValue) && !problems.Any(p => p.StartsWith(rule.Key + " (", StringComparison.Ordinal)))
            {
                problems.Add($"{rule.Key} ({ShownName.Safe(value)}, from {ConfigurationSources.Describe(providers[key], rule.Key)}) would be ignored: it is read only {rule.Readers}, and {rule.Switch} is {Show(switchValue)}; leave it out, or change {rule.Switch}");
            }
        }

        return problems;
    }

    // Unset, the default 784,128,64,10 has two; a malformed value is the validator's to report, not a reason to refuse here.
    private static bool HasHiddenLayer(string? sizes) => sizes is null || sizes.Split(',').Length != 2;

    private static Rule Optimizer(string key, params string[] readers) =>
        new($"Optimizer:{key}", "Optimizer:Name", name => readers.Any(r => Is(name ?? "sgd", r)), $"by the optimizers {string.Join(", ", readers)}");

    private static Rule Schedule(string key, params string[] readers) =>
        new($"Schedule:{key}", "Schedule:Name", name => readers.Any(r => Is(name ?? "constant", r)), $"by the schedules {string.Join(", ", readers)}");

    private static IEnumerable<Rule> Checkpointing(string[] keys) =>
        keys.Select(k => new Rule($"Checkpoints:{k}", "Checkpoints:Directory", folder => !string.IsNullOrWhiteSpace(folder), "while checkpoints are on (an empty Checkpoints:Directory turns them off)"));

    private static IEnumerable<Rule> Switched(string onOff, string[] keys)
    {
        string section = onOff[..onOff.LastIndexOf(':')];
        return keys.Select(k => new Rule($"{section}:{k}", onOff, on => Is(on, "true"), $"with {onOff}=true"));
    }

    // JSON files give booleans as True and False; the command line as the user typed them.
    private static string Show(string? value) => value is null ? "not set" : value.Trim().Length == 0 ? "empty" : bool.TryParse(value, out bool on) ? (on ? "true" : "false") : value;

    private static bool Is(string? value, string expected) => string.Equals(value?.Trim(), expected, StringComparison.OrdinalIgnoreCase);
}
