using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Configuration.CommandLine;
using Microsoft.Extensions.Configuration.EnvironmentVariables;
using Microsoft.Extensions.Configuration.Json;

namespace ScratchNet.Host.Settings;

/// <summary>
/// The sources a user writes: a --config file, SCRATCHNET_ variables, the command line. Each is the framework's own
/// provider (so <see cref="ConfigurationSources"/> describes it as before) whose values go through <see cref="UserValues"/>
/// each time it is read: the configuration manager builds its providers again whenever a source is inserted below
/// (a recipe, recorded settings), so a value cleaned once, afterwards, would come back as written.
/// </summary>
public static class UserSources
{
    /// <summary>
    /// The variables that belong to the project's tests and tools (<c>SCRATCHNET_TEST_CACHE</c>,
    /// <c>SCRATCHNET_TEST_FUZZ_SEED</c>, …), never configuration, so exporting one for a test session breaks no command.
    /// </summary>
    public const string ReservedPrefix = "TEST";

    /// <summary>
    /// The tests' and tools' variables that were renamed into <see cref="ReservedPrefix"/> (on 2026-11-27), by their old
    /// name less <c>SCRATCHNET_</c>: one a contributor still exports from the old docs is an unknown key, whose refusal
    /// names the new variable (<see cref="ConfigurationSchema"/>'s suggestions).
    /// </summary>
    public static IReadOnlyDictionary<string, string> RenamedTestVariables { get; } = new[] { "FUZZ_ITERATIONS", "FUZZ_SEED", "SCREENSHOTS", "DASHBOARD_URL", "LIVE_SECONDS" }
        .ToDictionary(name => name, name => $"{ScratchNetHost.EnvironmentPrefix}{ReservedPrefix}_{name}", StringComparer.OrdinalIgnoreCase);

    /// <summary>A source of the user's, cleaned as it is read, and what its path keys hold that cannot be a path.</summary>
    public interface ICleanedSource
    {
        /// <summary>Found on the last read (<see cref="UserValues.Clean"/>).</summary>
        IReadOnlyList<PathProblem> PathProblems { get; }
    }

    /// <summary>A JSON file (--config) whose values are cleaned as they are read.</summary>
    public static IConfigurationBuilder AddUserJsonFile(this IConfigurationBuilder builder, string path)
    {
        ArgumentNullException.ThrowIfNull(builder);
        var source = new JsonSource { Path = path, Optional = false, ReloadOnChange = false };
        source.ResolveFileProvider();
        return builder.Add(source);
    }

    /// <summary>Environment variables starting <paramref name="prefix"/>, less the reserved <c>{prefix}TEST_…</c> ones, cleaned.</summary>
    public static IConfigurationBuilder AddUserEnvironmentVariables(this IConfigurationBuilder builder, string prefix)
    {
        ArgumentNullException.ThrowIfNull(builder);
        return builder.Add(new EnvironmentSource(prefix));
    }

    /// <summary>The command line's <c>--Key=value</c> settings, cleaned.</summary>
    public static IConfigurationBuilder AddUserCommandLine(this IConfigurationBuilder builder, IReadOnlyList<string> arguments)
    {
        ArgumentNullException.ThrowIfNull(builder);
        return builder.Add(new CommandLineSource(arguments));
    }

    /// <summary>
    /// The user's variables whose name starts with the prefix but names no key, each a line saying so and how to write one:
    /// the framework turns every <c>__</c> of a name into <c>:</c> before it compares the prefix, so <c>SCRATCHNET___=x</c>
    /// (<c>SCRATCHNET:_</c>), <c>SCRATCHNET__</c> or <c>SCRATCHNET__Training__Epochs</c> were dropped without a word, where
    /// any other unknown key is refused.
    /// </summary>
    public static IEnumerable<string> MalformedVariables(IConfigurationRoot configuration)
    {
        ArgumentNullException.ThrowIfNull(configuration);
        return configuration.Providers.OfType<EnvironmentProvider>().SelectMany(p => p.Malformed).Distinct(StringComparer.Ordinal).Select(Malformed);
    }

    private static string Malformed(string name)
    {
        string prefix = ScratchNetHost.EnvironmentPrefix;
        string rest = name[prefix.Length..].Trim('_');
        string example = rest.Length > 0 && !rest.Contains("____", StringComparison.Ordinal) ? $"did you mean {prefix}{rest}?" : $"e.g. {prefix}Training__Epochs=5";
        return $"the environment variable {name} names no key: after {prefix} its name is Section__Key, with no _ at its start ({example}); rename it, or unset it (unset {name})";
    }

    /// <summary>Whether a key read from the environment (the variable's name less the prefix) is a test's or a tool's.</summary>
    public static bool IsReserved(string key) =>
        key.Equals(ReservedPrefix, StringComparison.OrdinalIgnoreCase)
        || key.StartsWith(ReservedPrefix + "_", StringComparison.OrdinalIgnoreCase)
        || key.StartsWith(ReservedPrefix + ":", StringComparison.OrdinalIgnoreCase);

    private sealed class JsonSource : JsonConfigurationSource
    {
        public override IConfigurationProvider Build(IConfigurationBuilder builder)
        {
            EnsureDefaults(builder);
            return new JsonProvider(this);
        }
    }

    private sealed class JsonProvider(JsonConfigurationSource source) : JsonConfigurationProvider(source), ICleanedSource
    {
        public IReadOnlyList<PathProblem> PathProblems { get; private set; } = [];

        public override void Load(Stream stream)
        {
            base.Load(stream);
            PathProblems = UserValues.Clean(Data);
        }
    }

    private sealed class EnvironmentSource(string prefix) : IConfigurationSource
    {
        public IConfigurationProvider Build(IConfigurationBuilder builder) => new EnvironmentProvider(prefix);
    }

    private sealed class EnvironmentProvider : EnvironmentVariablesConfigurationProvider, ICleanedSource
    {
        private readonly string _prefix;

        public EnvironmentProvider(string prefix)
            : base(prefix) => _prefix = prefix;

        public IReadOnlyList<PathProblem> PathProblems { get; private set; } = [];

        /// <summary>The variables with the prefix that the framework dropped, their names once __ is : not starting with it.</summary>
        public IReadOnlyList<string> Malformed { get; private set; } = [];

        public override void Load()
        {
            base.Load();
            Malformed = [.. Environment.GetEnvironmentVariables().Keys.OfType<string>()
                .Where(name => name.StartsWith(_prefix, StringComparison.OrdinalIgnoreCase)
                    && !name.Replace("__", ConfigurationPath.KeyDelimiter, StringComparison.Ordinal).StartsWith(_prefix, StringComparison.OrdinalIgnoreCase))
                .Order(StringComparer.Ordinal)];
            foreach (string key in Data.Keys.Where(IsReserved).ToList())
            {
                Data.Remove(key);
            }

            PathProblems = UserValues.Clean(Data);
        }
    }

    private sealed class CommandLineSource(IReadOnlyList<string> arguments) : IConfigurationSource
    {
        public IConfigurationProvider Build(IConfigurationBuilder builder) => new CommandLineProvider(arguments);
    }

    private sealed class CommandLineProvider(IReadOnlyList<string> arguments) : CommandLineConfigurationProvider(arguments), ICleanedSource
    {
        public IReadOnlyList<PathProblem> PathProblems { get; private set; } = [];

        public override void Load()
        {
            base.Load();
            PathProblems = UserValues.Clean(Data);
        }
    }
}
