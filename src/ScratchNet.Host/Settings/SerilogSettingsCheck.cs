using System.Reflection;
using Serilog.Configuration;
using Serilog.Events;
using ScratchNet.Core;

namespace ScratchNet.Host.Settings;

/// <summary>
/// Checks the <c>Serilog</c> section the way Serilog.Settings.Configuration reads it, so a bad level or an unknown sink
/// is one clear line before anything runs, not a crash ("Unexpected error") or silence (an unknown sink writes nothing).
/// Sinks, enrichers, filters and destructurers are the methods Serilog would call (instance methods of its
/// configuration objects and extension methods in the Serilog assemblies beside the program); their <c>Args</c> must
/// name parameters of those methods.
/// </summary>
public static class SerilogSettingsCheck
{
    public const string Section = "Serilog";

    private static readonly Dictionary<string, Type> MethodSections = new(StringComparer.OrdinalIgnoreCase)
    {
        ["WriteTo"] = typeof(LoggerSinkConfiguration),
        ["AuditTo"] = typeof(LoggerAuditSinkConfiguration),
        ["Enrich"] = typeof(LoggerEnrichmentConfiguration),
        ["Filter"] = typeof(LoggerFilterConfiguration),
        ["Destructure"] = typeof(LoggerDestructuringConfiguration),
    };

    private static readonly string[] TopLevel = ["Using", "MinimumLevel", "LevelSwitches", "FilterSwitches", "Properties", .. MethodSections.Keys];

    private static readonly Lazy<ILookup<Type, MethodInfo>> Methods = new(FindMethods);

    /// <returns>One line per bad key.</returns>
    public static IEnumerable<string> Problems(IReadOnlyList<ConfigurationKey> keys)
    {
        ArgumentNullException.ThrowIfNull(keys);
        var levelSwitches = keys.Select(k => Split(k.Key)).Where(p => p.Length == 3 && Is(p[1], "LevelSwitches")).Select(p => p[2]).ToHashSet(StringComparer.OrdinalIgnoreCase);
        foreach (ConfigurationKey key in keys)
        {
            string[] parts = Split(key.Key);
            if (parts.Length < 2)
            {
                if (key.Value.Length > 0)
                {
                    yield return $"{key.Key} is a section, not a value (from {key.Source}); its keys: {string.Join(", ", TopLevel.Select(t => $"{Section}:{t}"))}";
                }

                continue;
            }

            string? problem = parts[1] switch
            {
                _ when Is(parts[1], "Using") => parts.Length == 3 ? Assembly(key) : Shape(key, $"{Section}:Using:0"),
                _ when Is(parts[1], "MinimumLevel") => MinimumLevel(key, parts, levelSwitches),
                _ when Is(parts[1], "LevelSwitches") => parts.Length == 3 ? Level(key, levelSwitches) : Shape(key, $"{Section}:LevelSwitches:NAME"),
                _ when Is(parts[1], "FilterSwitches") || Is(parts[1], "Properties") => parts.Length == 3 ? null : Shape(key, $"{Section}:{parts[1]}:NAME"),
                _ when MethodSections.TryGetValue(parts[1], out Type? target) => Method(key, parts, target),
                _ => Unknown(key, $"{Section}:{parts[1]}", TopLevel.Select(t => $"{Section}:{t}")),
            };
            if (problem is not null)
            {
                yield return problem;
            }
        }

        // An entry named by its Args alone would be skipped by Serilog without a word.
        foreach (IGrouping<string, ConfigurationKey> entry in keys.Where(k => Split(k.Key) is { Length: > 3 } p && MethodSections.ContainsKey(p[1]) && Is(p[3], "Args"))
            .GroupBy(k => string.Join(':', Split(k.Key)[..3]), StringComparer.OrdinalIgnoreCase))
        {
            if (!keys.Any(k => string.Equals(k.Key, $"{entry.Key}:Name", StringComparison.OrdinalIgnoreCase)))
            {
                yield return $"{entry.Key} has Args but no Name (from {entry.First().Source}); add {entry.Key}:Name, e.g. Console";
            }
        }

        foreach (string problem in ArgumentProblems(keys))
        {
            yield return problem;
        }
    }

    private static string? MinimumLevel(ConfigurationKey key, string[] parts, HashSet<string> switches) => parts.Length switch
    {
        2 => Level(key, switches),
        3 when Is(parts[2], "Default") => Level(key, switches),
        3 when Is(parts[2], "ControlledBy") => switches.Contains(key.Value) ? null : $"{key.Key} names the level switch '{key.Value}' (from {key.Source}), but {Section}:LevelSwitches has no such switch",
        4 when Is(parts[2], "Override") => Level(key, switches),
        _ => Unknown(key, key.Key, [$"{Section}:MinimumLevel", $"{Section}:MinimumLevel:Default", $"{Section}:MinimumLevel:Override:NAMESPACE", $"{Section}:MinimumLevel:ControlledBy"]),
    };

    private static string? Level(ConfigurationKey key, HashSet<string> switches)
    {
        if (key.Value.StartsWith('$') && switches.Contains(key.Value))
        {
            return null;
        }

        return Enum.TryParse(key.Value, ignoreCase: true, out LogEventLevel level) && Enum.IsDefined(level) && !key.Value.Any(char.IsDigit)
            ? null
            : $"{key.Key} '{key.Value}' (from {key.Source}) is not a log level; valid: {string.Join(", ", Enum.GetNames<LogEventLevel>())}";
    }

    private static string? Assembly(ConfigurationKey key) =>
        File.Exists(Path.Combine(AppContext.BaseDirectory, key.Value + ".dll"))
            ? null
            : $"{key.Key} '{key.Value}' (from {key.Source}) is not an assembly beside the program; available: {string.Join(", ", SerilogAssemblies().Select(Path.GetFileNameWithoutExtension))}";

    // WriteTo:0 = "Console", WriteTo:0:Name = "Console", WriteTo:0:Args:outputTemplate = "…"; also named entries (WriteTo:console:Name).
    private static string? Method(ConfigurationKey key, string[] parts, Type target)
    {
        string entry = parts.Length > 2 ? string.Join(':', parts[..3]) : key.Key;
        string Valid() => string.Join(", ", Methods.Value[target].Select(m => m.Name).Distinct(StringComparer.Ordinal).Order(StringComparer.Ordinal));
        switch (parts.Length)
        {
            case 2:
                return key.Value.Length == 0 ? null : $"{key.Key} is a list (from {key.Source}); write {key.Key}:0:Name=… (valid names: {Valid()})";
            case 3:
            case 4 when Is(parts[3], "Name"):
                return MethodsNamed(target, key.Value).Length > 0 ? null : $"{key.Key} '{key.Value}' (from {key.Source}) is not a Serilog {parts[1]} method; valid: {Valid()}";
            case >= 5 when Is(parts[3], "Args"):
                // The Name's parameters are checked when the Name is known; an unknown Name is reported on its own key.
                return null;
            default:
                return Unknown(key, key.Key, [$"{entry}:Name", $"{entry}:Args:PARAMETER"]);
        }
    }

    /// <summary>Args of each entry must name parameters of a method of the entry's Name.</summary>
    private static IEnumerable<string> ArgumentProblems(IReadOnlyList<ConfigurationKey> keys)
    {
        ArgumentNullException.ThrowIfNull(keys);
        var inherited = new HashSet<string>(StringComparer.OrdinalIgnoreCase);
        for (int at = 0; at < keys.Count; at++)
        {
            ConfigurationKey key = keys[at];
            string[] parts = Split(key.Key);
            if (parts.Length < 5 || !MethodSections.TryGetValue(parts[1], out Type? target) || !Is(parts[3], "Args"))
            {
                continue;
            }

            string entry = string.Join(':', parts[..3]);
            int named = keys.Select((k, i) => (k, i)).LastOrDefault(p => string.Equals(p.k.Key, $"{entry}:Name", StringComparison.OrdinalIgnoreCase), (null!, -1)).i;
            ConfigurationKey? nameKey = named < 0 ? null : keys[named];
            string? name = nameKey?.Value;
            MethodInfo[] methods = name is null ? [] : MethodsNamed(target, name);
            if (methods.Length == 0)
            {
                continue;
            }

            string[] parameters = [.. methods.SelectMany(m => m.GetParameters().Skip(m.IsStatic ? 1 : 0)).Select(p => p.Name!).Distinct(StringComparer.OrdinalIgnoreCase)];
            if (!parameters.Contains(parts[4], StringComparer.OrdinalIgnoreCase))
            {
                // Keys come source by source, the lowest first: an argument listed before the Name's source came from under it.
                if (at < named && !string.Equals(nameKey!.Source, key.Source, StringComparison.Ordinal))
                {
                    // A sink written as WriteTo:0 in a --config file lands on appsettings.json's Console sink, lists merging item
                    // by item, and keeps its Args: the argument is no typo of the user's, whose fix is the entry's number.
                    if (inherited.Add(entry))
                    {
                        yield return $"{entry} names {name} (from {nameKey.Source}), which takes the place of the entry {key.Source} numbers so and keeps its argument {parts[4]}, which {name} does not take (lists merge item by item); "
                            + $"to add {name} beside that entry, number it {Section}:{parts[1]}:{NextIndex(keys, parts[1])} (in JSON: \"{parts[1]}\": {{ \"{NextIndex(keys, parts[1])}\": {{ \"Name\": \"{name}\", … }} }})";
                    }

                    continue;
                }

                string? closest = EditDistance.Closest(parts[4], parameters);
                yield return $"{key.Key} (from {key.Source}): {name} has no argument '{parts[4]}'"
                    + (closest is null ? $"; its arguments: {string.Join(", ", parameters)}" : $" — did you mean {entry}:Args:{closest}?");
            }
        }
    }

    /// <summary>
    /// The methods Serilog could call for <paramref name="name"/>. By convention a sink or enricher Foo lives in
    /// Serilog.Sinks.Foo (Serilog.Enrichers.Foo, …), so those and the configuration object's own methods are looked at
    /// first; every Serilog assembly is searched only when that finds nothing (it costs ~100 ms of start-up).
    /// </summary>
    private static MethodInfo[] MethodsNamed(Type target, string name)
    {
        bool Matches(MethodInfo m) => string.Equals(m.Name, name, StringComparison.OrdinalIgnoreCase);
        MethodInfo[] found = [.. target.GetMethods(BindingFlags.Public | BindingFlags.Instance).Where(m => m.DeclaringType == target && Matches(m))];
        if (found.Length == 0 && !Methods.IsValueCreated)
        {
            found = [.. ExtensionMethods(SerilogAssemblies().Where(f => Path.GetFileNameWithoutExtension(f).EndsWith("." + name, StringComparison.OrdinalIgnoreCase)))
                .Where(m => m.Target == target && Matches(m.Method)).Select(m => m.Method)];
        }

        return found.Length > 0 ? found : [.. Methods.Value[target].Where(Matches)];
    }

    // The first number past every entry of the list (Serilog:WriteTo:N) any source gives.
    private static int NextIndex(IReadOnlyList<ConfigurationKey> keys, string list) =>
        keys.Select(k => Split(k.Key)).Where(p => p.Length > 2 && Is(p[1], list))
            .Select(p => int.TryParse(p[2], System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out int i) ? i + 1 : 0)
            .DefaultIfEmpty(0).Max();

    private static string Shape(ConfigurationKey key, string expected) => $"{key.Key} (from {key.Source}) does not fit; expected keys like {expected}";

    private static string Unknown(ConfigurationKey key, string path, IEnumerable<string> known)
    {
        string? closest = EditDistance.Closest(path, known);
        return $"unknown key {key.Key} (from {key.Source})" + (closest is null ? $"; valid: {string.Join(", ", known)}" : $" — did you mean {closest}?");
    }

    private static bool Is(string part, string name) => string.Equals(part, name, StringComparison.OrdinalIgnoreCase);

    private static string[] Split(string key) => key.Split(':');

    private static IEnumerable<string> SerilogAssemblies() =>
        Directory.EnumerateFiles(AppContext.BaseDirectory, "Serilog*.dll").Order(StringComparer.Ordinal);

    /// <summary>Every method Serilog.Settings.Configuration could call for each configuration object, by that object's type.</summary>
    private static ILookup<Type, MethodInfo> FindMethods()
    {
        var methods = new List<(Type Target, MethodInfo Method)>();
        foreach (Type target in MethodSections.Values)
        {
            methods.AddRange(target.GetMethods(BindingFlags.Public | BindingFlags.Instance).Where(m => m.DeclaringType == target).Select(m => (target, m)));
        }

        methods.AddRange(ExtensionMethods(SerilogAssemblies()));
        return methods.ToLookup(m => m.Target, m => m.Method);
    }

    // Extension methods live in public static classes of the sink and enricher packages; Serilog.Settings.Configuration
    // adds its own (internal) surrogates.
    private static IEnumerable<(Type Target, MethodInfo Method)> ExtensionMethods(IEnumerable<string> files)
    {
        foreach (string file in files)
        {
            Type[] types;
            try
            {
                Assembly assembly = System.Reflection.Assembly.Load(AssemblyName.GetAssemblyName(file));
                types = assembly.GetName().Name == "Serilog.Settings.Configuration"
                    ? [.. assembly.GetTypes().Where(t => t.Name.Contains("Surrogate", StringComparison.Ordinal))]
                    : assembly.GetExportedTypes();
            }
            catch (Exception e) when (e is IOException or BadImageFormatException or ReflectionTypeLoadException)
            {
                continue;
            }

            foreach (MethodInfo method in types.Where(t => t.IsAbstract && t.IsSealed)
                .SelectMany(t => t.GetMethods(BindingFlags.Public | BindingFlags.NonPublic | BindingFlags.Static)))
            {
                ParameterInfo[] parameters = method.GetParameters();
                if (parameters.Length > 0 && MethodSections.Values.Contains(parameters[0].ParameterType))
                {
                    yield return (parameters[0].ParameterType, method);
                }
            }
        }
    }
}
