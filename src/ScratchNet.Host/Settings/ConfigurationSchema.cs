using System.Collections;
using System.ComponentModel;
using System.Globalization;
using System.Reflection;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using ScratchNet.Core;

namespace ScratchNet.Host.Settings;

/// <summary>
/// Every configuration key the program reads, so a typo stops the run instead of being ignored. Built from the options
/// classes bound to configuration: each type registered with <c>AddOptions&lt;T&gt;().Bind(section)</c> (or
/// <c>.BindConfiguration(section)</c>) contributes its public properties under its section (a list property accepts
/// <c>:0</c>, <c>:1</c>, …, a dictionary any child name). A new options class registered that way is known with no
/// further edit. Keys read outside options classes (Recipe, Serilog) are added explicitly by
/// <see cref="ConfigurationCheck"/>.
/// </summary>
public sealed class ConfigurationSchema
{
    private const int MaxDepth = 8;

    /// <summary>The most problems reported at once.</summary>
    public const int MaxReported = 20;

    private readonly Node _root = Node.Object();
    private readonly List<(string Section, Type Type)> _types = [];

    /// <summary>The options classes and the sections they are bound to.</summary>
    public IReadOnlyList<(string Section, Type Type)> BoundTypes => _types;

    /// <summary>Every options type bound to configuration in <paramref name="services"/>, under its section.</summary>
    public static ConfigurationSchema FromServices(IServiceCollection services)
    {
        ArgumentNullException.ThrowIfNull(services);
        var schema = new ConfigurationSchema();
        foreach (ServiceDescriptor descriptor in services)
        {
            if (descriptor.ServiceType.IsGenericType && descriptor.ServiceType.GetGenericTypeDefinition() == typeof(IOptionsChangeTokenSource<>))
            {
                // Bind and BindConfiguration both register a change-token source, one per bound options type.
                Type options = descriptor.ServiceType.GetGenericArguments()[0];
                if (SectionOf(descriptor, options) is { } section)
                {
                    schema.AddType(section, options);
                }
            }
        }

        return schema;
    }

    /// <summary>Adds the properties of <paramref name="type"/> under <paramref name="section"/> ("Training", "Dashboard").</summary>
    public void AddType(string section, Type type)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(section);
        ArgumentNullException.ThrowIfNull(type);
        _types.Add((section, type));
        Node node = Ensure(section);
        Node shape = Shape(type, 0);
        foreach ((string name, Node child) in shape.Children)
        {
            node.Children[name] = child;
        }
    }

    /// <summary>A single value outside any options class (e.g. <c>Recipe</c>).</summary>
    public void AddScalar(string key)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(key);
        string[] parts = key.Split(':');
        Node parent = parts.Length == 1 ? _root : Ensure(string.Join(':', parts[..^1]));
        parent.Children[parts[^1]] = Node.Scalar();
    }

    /// <summary>A section checked as a whole by <paramref name="check"/> (e.g. Serilog's), which returns one problem per bad key.</summary>
    public void AddSection(string section, Func<IReadOnlyList<ConfigurationKey>, IEnumerable<string>> check)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(section);
        ArgumentNullException.ThrowIfNull(check);
        _root.Children[section] = Node.Custom(check);
    }

    /// <summary>Every known key, for suggestions: leaves, and lists and dictionaries by their own name.</summary>
    public IReadOnlyList<string> KnownKeys
    {
        get
        {
            var keys = new List<string>();
            Collect(_root, null, keys);
            return keys;
        }
    }

    /// <summary>True where <paramref name="key"/> (<c>Model:Layers</c>) is a known list.</summary>
    public bool IsList(string key) => Find(key)?.Kind == Kind.List;

    /// <summary>True where <paramref name="key"/> (<c>Model:LayerSizes</c>) is a known key that takes one value, not a list.</summary>
    public bool TakesOneValue(string key) => Find(key)?.Kind == Kind.Scalar;

    private Node? Find(string key)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(key);
        Node node = _root;
        foreach (string part in key.Split(':'))
        {
            if (!node.Children.TryGetValue(part, out Node? child))
            {
                return null;
            }

            node = child;
        }

        return node;
    }

    /// <summary>One line per key that no options class or rule knows, or that has the wrong shape.</summary>
    public IReadOnlyList<string> Problems(IReadOnlyList<ConfigurationKey> keys)
    {
        ArgumentNullException.ThrowIfNull(keys);
        var problems = new List<string>();
        var custom = new Dictionary<Node, List<ConfigurationKey>>();
        var items = new Dictionary<string, List<(string Index, ConfigurationKey Key)>>(StringComparer.OrdinalIgnoreCase);
        var underScalars = new Dictionary<string, List<ConfigurationKey>>(StringComparer.OrdinalIgnoreCase);
        int more = 0;
        foreach (ConfigurationKey key in keys)
        {
            if (problems.Count >= MaxReported)
            {
                // A file of thousands of bad keys gets the first few, quickly, not a line of megabytes.
                more++;
                continue;
            }

            string? problem = Check(key, custom, items, underScalars);
            if (problem is not null && !problems.Contains(problem))
            {
                problems.Add(problem);
            }
        }

        if (more > 0)
        {
            problems.Add($"{more} more keys were not checked; fix these first");
            return problems;
        }

        // One sentence per source: the fix is written where each one wrote the list, from that source's own items, not
        // from every source's items run together (a file's 784,32,16,10 and the command line's 784,10).
        problems.AddRange(underScalars.SelectMany(scalar => scalar.Value.GroupBy(k => Origin(k.Source), StringComparer.Ordinal).Select(keys => OneValue(scalar.Key, [.. keys]))));
        foreach ((Node node, List<ConfigurationKey> sectionKeys) in custom)
        {
            problems.AddRange(node.Check!(sectionKeys).Distinct());
        }

        foreach ((string list, List<(string Index, ConfigurationKey Key)> listItems) in items)
        {
            problems.AddRange(Numbering(list, listItems).Distinct());
        }

        return problems;
    }

    // The binder closes gaps in a list's numbering and reads "01" beside "1" as two items, so --Model:Layers:7 on a list
    // of three would silently become its fourth item: a list's items must be numbered 0, 1, 2, … as JSON arrays are.
    private static IEnumerable<string> Numbering(string list, List<(string Index, ConfigurationKey Key)> listItems)
    {
        var numbered = listItems.Select(item => (Number: int.Parse(item.Index, NumberStyles.None, CultureInfo.InvariantCulture), item.Index, item.Key)).ToList();
        foreach ((int number, string index, ConfigurationKey key) in numbered)
        {
            string canonical = number.ToString(CultureInfo.InvariantCulture);
            if (index != canonical)
            {
                yield return $"{key.Key} (from {key.Source}) numbers an item {index}; write {list}:{canonical}";
            }
        }

        var present = numbered.Select(item => item.Number).ToHashSet();
        int missing = Enumerable.Range(0, present.Count).FirstOrDefault(i => !present.Contains(i), present.Count);
        if (missing < present.Count)
        {
            ConfigurationKey beyond = numbered.Where(item => item.Number > missing).MinBy(item => item.Number).Key;
            yield return $"{beyond.Key} (from {beyond.Source}) leaves a gap: {list} has no item {missing}, and a list's items are numbered 0, 1, 2, … (the next one is {list}:{missing})";
        }
    }

    // One line for a key given a list or object, however many items it has, with the form that fixes it where it was written:
    // in a JSON file a list of sizes or names is one string, "LayerSizes": "784,256,10".
    private static string OneValue(string scalar, List<ConfigurationKey> keys)
    {
        // In item order, whichever order the source listed them in (environment variables come unordered).
        keys = [.. keys.OrderBy(k => int.TryParse(k.Key.Split(':')[^1], NumberStyles.None, CultureInfo.InvariantCulture, out int i) ? i : int.MaxValue).ThenBy(k => k.Key, StringComparer.Ordinal)];
        string source = keys.Count == 1 ? keys[0].Source : Origin(keys[0].Source), name = scalar.Split(':')[^1];
        string written = keys.Count == 1 ? keys[0].Key : $"{keys[0].Key} … {keys[^1].Key}";
        string[] values = [.. keys.Select(k => k.Value).Where(v => v.Length > 0)];
        string fix = source.StartsWith("command line", StringComparison.Ordinal) ? $"write --{scalar}=VALUE"
            : source.StartsWith("environment variable", StringComparison.Ordinal) ? $"set {ScratchNetHost.EnvironmentPrefix}{scalar.Replace(":", "__", StringComparison.Ordinal)} instead"
            : values.Length == keys.Count && CommaLists.Contains(scalar) ? $"write it as one string there, \"{name}\": \"{string.Join(',', values)}\""
            : $"write it as one value there, \"{name}\": VALUE";
        return $"{scalar} takes one value, not a list or object (got {written} from {source}); {fix}";
    }

    // The one-value keys that are a comma-separated list in one string; another (Model:Activation) joined would be no value.
    private static readonly HashSet<string> CommaLists = new(["Model:LayerSizes", "Data:ClassNames"], StringComparer.OrdinalIgnoreCase);

    // Where a key was written, without the key: each command-line or environment item names its own ("command line (--…:0)").
    private static string Origin(string source) =>
        source.StartsWith("command line", StringComparison.Ordinal) ? "command line"
        : source.StartsWith("environment variable", StringComparison.Ordinal) ? "environment variables"
        : source;

    private string? Check(ConfigurationKey key, Dictionary<Node, List<ConfigurationKey>> custom, Dictionary<string, List<(string Index, ConfigurationKey Key)>> items, Dictionary<string, List<ConfigurationKey>> underScalars)
    {
        string[] parts = key.Key.Split(':');
        Node node = _root;
        for (int i = 0; i < parts.Length; i++)
        {
            string path = string.Join(':', parts[..(i + 1)]);
            string parent = string.Join(':', parts[..i]);
            switch (node.Kind)
            {
                case Kind.Custom:
                    (custom.TryGetValue(node, out List<ConfigurationKey>? list) ? list : custom[node] = []).Add(key);
                    return null;
                case Kind.Scalar:
                    (underScalars.TryGetValue(parent, out List<ConfigurationKey>? under) ? under : underScalars[parent] = []).Add(key);
                    return null;
                case Kind.List:
                    if (!int.TryParse(parts[i], NumberStyles.None, CultureInfo.InvariantCulture, out _))
                    {
                        return $"{parent} is a list, so {key.Key} (from {key.Source}) is not one of its items; write {parent}:0, {parent}:1, …";
                    }

                    (items.TryGetValue(parent, out List<(string, ConfigurationKey)>? numbered) ? numbered : items[parent] = []).Add((parts[i], key));

                    node = node.Element!;
                    break;
                case Kind.Map:
                    node = node.Element!;
                    break;
                default:
                    // {"": 1}, SCRATCHNET_=x or --:=1: no name is close to nothing, so a suggestion would be a random key.
                    if (parts[i].Length == 0)
                    {
                        return $"a key with an empty name, '{key.Key}' (from {key.Source}); a key is written Section:Key, e.g. Training:Epochs, or remove it";
                    }

                    if (!node.Children.TryGetValue(parts[i], out Node? child))
                    {
                        string? suggestion = (i == parts.Length - 1 ? Alias(key) : null)
                            ?? EditDistance.Closest(key.Key, KnownKeys.Where(k => !string.Equals(k, parent, StringComparison.OrdinalIgnoreCase)));
                        string hint = suggestion is null
                            ? (parent.Length == 0 ? $"; known sections: {string.Join(", ", _root.Children.Keys.Order(StringComparer.Ordinal))}" : $"; {parent} has {string.Join(", ", node.Children.Keys.Order(StringComparer.Ordinal))}")
                            : $" — did you mean {suggestion}?";
                        return $"unknown key {key.Key} (from {key.Source}){hint}";
                    }

                    node = child;
                    break;
            }
        }

        // A value on a section: an empty one is how JSON writes [] or {}, anything else is a mistake.
        return node.Kind switch
        {
            Kind.Scalar or Kind.Custom => CustomLeaf(node, key, custom),
            _ when key.Value.Length == 0 => null,
            Kind.List => $"{key.Key} is a list (from {key.Source}); give its items as {key.Key}:0, {key.Key}:1, … or a JSON array",
            _ => $"{key.Key} is a section, not a value (from {key.Source}); its keys: {string.Join(", ", node.Children.Keys.Order(StringComparer.Ordinal).Select(k => $"{key.Key}:{k}"))}",
        };
    }

    // Names a learner reaches for in the section they are editing, whose key lives in another: spelled nothing alike, the
    // closest same-section key (Training:Optimizer → Training:BatchSize) was suggested instead.
    private static readonly Dictionary<string, string> Aliases = new(StringComparer.OrdinalIgnoreCase)
    {
        ["Optimizer"] = "Optimizer:Name",
        ["Lr"] = "Optimizer:LearningRate",
        ["LearningRate"] = "Optimizer:LearningRate",
        ["Dropout"] = "Model:Dropout",
        ["Recipe"] = "Recipe",
    };

    // The key an unknown one's last name stands for elsewhere, when the schema has it; Recipe with its command-line form. A
    // test's variable under its old name (SCRATCHNET_FUZZ_SEED) is no key at all: its new name is the suggestion.
    private string? Alias(ConfigurationKey unknown)
    {
        string key = unknown.Key;
        if (unknown.Source.StartsWith("environment variable", StringComparison.Ordinal) && UserSources.RenamedTestVariables.TryGetValue(key, out string? renamed))
        {
            return $"{renamed} (the tests' and tools' variables start {ScratchNetHost.EnvironmentPrefix}{UserSources.ReservedPrefix}_ now: export that one instead, and unset {ScratchNetHost.EnvironmentPrefix}{key})";
        }

        if (!Aliases.TryGetValue(key.Split(':')[^1], out string? alias) || string.Equals(alias, key, StringComparison.OrdinalIgnoreCase)
            || !KnownKeys.Contains(alias, StringComparer.OrdinalIgnoreCase))
        {
            return null;
        }

        return alias == ScratchNetHost.RecipeKey ? $"{alias} (the top-level key, or --recipe NAME)" : alias;
    }

    private static string? CustomLeaf(Node node, ConfigurationKey key, Dictionary<Node, List<ConfigurationKey>> custom)
    {
        if (node.Kind == Kind.Custom)
        {
            (custom.TryGetValue(node, out List<ConfigurationKey>? list) ? list : custom[node] = []).Add(key);
        }

        return null;
    }

    private Node Ensure(string section)
    {
        Node node = _root;
        foreach (string part in section.Split(':'))
        {
            if (!node.Children.TryGetValue(part, out Node? child) || child.Kind != Kind.Object)
            {
                child = Node.Object();
                node.Children[part] = child;
            }

            node = child;
        }

        return node;
    }

    private static void Collect(Node node, string? path, List<string> keys)
    {
        if (node.Kind != Kind.Object)
        {
            keys.Add(path!);
            return;
        }

        foreach ((string name, Node child) in node.Children)
        {
            Collect(child, path is null ? name : $"{path}:{name}", keys);
        }
    }

    /// <summary>What configuration can bind into a value of <paramref name="type"/>, the way the configuration binder sees it.</summary>
    private static Node Shape(Type type, int depth)
    {
        type = Nullable.GetUnderlyingType(type) ?? type;
        if (IsScalar(type))
        {
            return Node.Scalar();
        }

        if (depth >= MaxDepth)
        {
            return Node.Map(Node.Scalar());
        }

        if (type.IsArray)
        {
            return Node.List(Shape(type.GetElementType()!, depth + 1));
        }

        if ((Generic(type, typeof(IDictionary<,>)) ?? Generic(type, typeof(IReadOnlyDictionary<,>))) is { } dictionary)
        {
            return Node.Map(Shape(dictionary[1], depth + 1));
        }

        if (Generic(type, typeof(IEnumerable<>)) is { } sequence)
        {
            return Node.List(Shape(sequence[0], depth + 1));
        }

        if (typeof(IEnumerable).IsAssignableFrom(type))
        {
            return Node.List(Node.Scalar());
        }

        Node node = Node.Object();
        foreach (PropertyInfo property in type.GetProperties(BindingFlags.Public | BindingFlags.Instance))
        {
            // The binder sets public setters, and binds into get-only collections and objects it finds already there.
            bool settable = property.SetMethod is { IsPublic: true };
            if (property.GetIndexParameters().Length == 0 && property.GetMethod is { IsPublic: true } && (settable || !IsScalar(property.PropertyType)))
            {
                node.Children[property.Name] = Shape(property.PropertyType, depth + 1);
            }
        }

        return node;
    }

    // What the binder converts from one string. (TypeDescriptor would say the same, but costs ~50 ms at start-up.)
    private static bool IsScalar(Type type) =>
        type.IsPrimitive || type.IsEnum || type == typeof(object) || ScalarTypes.Contains(type) || type.IsDefined(typeof(TypeConverterAttribute), inherit: true);

    private static readonly HashSet<Type> ScalarTypes =
    [
        typeof(string), typeof(decimal), typeof(DateTime), typeof(DateTimeOffset), typeof(TimeSpan), typeof(DateOnly), typeof(TimeOnly),
        typeof(Guid), typeof(Uri), typeof(Version), typeof(Half), typeof(Int128), typeof(UInt128), typeof(System.Numerics.BigInteger),
    ];

    private static Type[]? Generic(Type type, Type definition)
    {
        if (type.IsGenericType && type.GetGenericTypeDefinition() == definition)
        {
            return type.GetGenericArguments();
        }

        Type? match = type.GetInterfaces().FirstOrDefault(i => i.IsGenericType && i.GetGenericTypeDefinition() == definition);
        return match?.GetGenericArguments();
    }

    /// <summary>The section an options type is bound to: the bound section itself when the registration shows it, else the type's SectionName.</summary>
    private static string? SectionOf(ServiceDescriptor descriptor, Type options)
    {
        // Bind(section) registers a ConfigurationChangeTokenSource holding the section it watches.
        if (descriptor.ImplementationInstance is { } source)
        {
            foreach (FieldInfo field in source.GetType().GetFields(BindingFlags.Instance | BindingFlags.NonPublic | BindingFlags.Public))
            {
                if (field.GetValue(source) is IConfigurationSection section)
                {
                    return section.Path;
                }
            }
        }

        return options.GetField("SectionName", BindingFlags.Public | BindingFlags.Static)?.GetValue(null) as string;
    }

    private enum Kind
    {
        Object,
        Scalar,
        List,
        Map,
        Custom,
    }

    private sealed class Node
    {
        private Node(Kind kind, Node? element = null, Func<IReadOnlyList<ConfigurationKey>, IEnumerable<string>>? check = null)
        {
            Kind = kind;
            Element = element;
            Check = check;
        }

        public Kind Kind { get; }

        public Node? Element { get; }

        public Func<IReadOnlyList<ConfigurationKey>, IEnumerable<string>>? Check { get; }

        public Dictionary<string, Node> Children { get; } = new(StringComparer.OrdinalIgnoreCase);

        public static Node Object() => new(Kind.Object);

        public static Node Scalar() => new(Kind.Scalar);

        public static Node List(Node element) => new(Kind.List, element);

        public static Node Map(Node element) => new(Kind.Map, element);

        public static Node Custom(Func<IReadOnlyList<ConfigurationKey>, IEnumerable<string>> check) => new(Kind.Custom, check: check);
    }
}
