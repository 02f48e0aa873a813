using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;

namespace ScratchNet.Host.Settings;

/// <summary>
/// Stops a run whose configuration names a key nothing reads, before any work: every key from every source
/// (appsettings.json, a recipe, --config, SCRATCHNET_ variables, the command line) must belong to an options class bound
/// to configuration (see <see cref="ConfigurationSchema"/>) or to a rule here; no key the user set may be left
/// unread by the switch it depends on (<see cref="IgnoredKeys"/>); and no list the user gives from item 0 may be shorter
/// than one below it (<see cref="ListMerges"/>).
/// </summary>
public static class ConfigurationCheck
{
    /// <summary>The schema of <paramref name="builder"/>'s options classes plus the keys read outside them.</summary>
    public static ConfigurationSchema Schema(HostApplicationBuilder builder)
    {
        ArgumentNullException.ThrowIfNull(builder);
        return Schema(builder.Services);
    }

    /// <summary>Every key the program reads, from the options classes registered in <paramref name="services"/> and the keys read outside them.</summary>
    public static ConfigurationSchema Schema(IServiceCollection services)
    {
        ArgumentNullException.ThrowIfNull(services);
        ConfigurationSchema schema = ConfigurationSchema.FromServices(services);

        // Outside any options class: the recipe name (read before options exist) and Serilog's own section.
        schema.AddScalar(ScratchNetHost.RecipeKey);
        schema.AddSection(SerilogSettingsCheck.Section, SerilogSettingsCheck.Problems);
        return schema;
    }

    /// <exception cref="ConfigurationException">One or more keys are unknown, of the wrong shape or would be ignored; the message lists them all.</exception>
    public static void ThrowIfInvalid(HostApplicationBuilder builder)
    {
        ArgumentNullException.ThrowIfNull(builder);
        ConfigurationSchema schema = Schema(builder);
        IReadOnlyList<string> problems =
        [
            .. UserSources.MalformedVariables(builder.Configuration),
            .. schema.Problems(ConfigurationSources.Keys(builder.Configuration)),
            .. IgnoredKeys.Problems(builder.Configuration),

            // A one-value key given items is the schema's "takes one value", not a list whose items merge.
            .. ListMerges.Problems(builder.Configuration, schema.TakesOneValue),
        ];
        if (problems.Count > 0)
        {
            throw new ConfigurationException(problems);
        }
    }
}
