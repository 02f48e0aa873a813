using System.Reflection;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Options;
using ScratchNet.Host.Settings;

namespace ScratchNet.Host;

/// <summary>
/// The options factory, except that a value the configuration binder cannot convert ("Epochs": "abc") is reported as a
/// validation failure of its options class, together with the class's other problems. The start-up validator collects
/// only validation failures, so without this the first such value would hide every other problem; and the binder stops
/// at the first bad value of a class, so its other properties are bound one by one here to find the rest (each bad
/// value named, the others validated as usual: <c>--Training:Epochs=0 --Training:BatchSize=x</c> names both). Every
/// failure names the source of its key's value (<see cref="ValueErrors"/>), and a value that did not convert says what the
/// key takes instead of a .NET type name.
/// </summary>
internal sealed class BindingErrorsAsValidationFailures<TOptions>(
    IEnumerable<IConfigureOptions<TOptions>> setups,
    IEnumerable<IPostConfigureOptions<TOptions>> postConfigures,
    IEnumerable<IValidateOptions<TOptions>> validations,
    IConfiguration? configuration = null)
    : IOptionsFactory<TOptions>
    where TOptions : class
{
    private readonly OptionsFactory<TOptions> _factory = new(setups, postConfigures, validations);

    public TOptions Create(string name)
    {
        try
        {
            return _factory.Create(name);
        }
        catch (InvalidOperationException ex) when (Failure.IsBindingError(ex))
        {
            throw new OptionsValidationException(name, typeof(TOptions), [.. EveryProblem(name, ex).Distinct().Select(f => ValueErrors.WithSource(f, configuration))]);
        }
        catch (OptionsValidationException ex)
        {
            throw new OptionsValidationException(ex.OptionsName, ex.OptionsType, [.. ex.Failures.Select(f => ValueErrors.WithSource(f, configuration))]);
        }
    }

    private IEnumerable<string> EveryProblem(string name, InvalidOperationException first)
    {
        string firstProblem = ValueErrors.Conversion(first.Message);
        if (configuration is null || typeof(TOptions).GetField("SectionName", BindingFlags.Public | BindingFlags.Static)?.GetRawConstantValue() is not string section
            || typeof(TOptions).GetConstructor(Type.EmptyTypes) is null)
        {
            yield return firstProblem;
            yield break;
        }

        TOptions options = Activator.CreateInstance<TOptions>();
        var failures = new List<string>();

        // Whole numbers too large (or too far below 0) for their type, by key: validated at the type's limit, so that a key
        // with a limit of its own names that one instead.
        var beyondRange = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (PropertyInfo property in typeof(TOptions).GetProperties(BindingFlags.Public | BindingFlags.Instance).Where(p => p.CanWrite))
        {
            IConfigurationSection value = configuration.GetSection($"{section}:{property.Name}");
            if (!value.Exists())
            {
                continue;
            }

            try
            {
                if (value.Get(property.PropertyType) is { } bound)
                {
                    property.SetValue(options, bound);
                }
            }
            catch (InvalidOperationException e) when (Failure.IsBindingError(e))
            {
                string problem = ValueErrors.Conversion(e.Message);
                failures.Add(problem);
                if (WholeNumbers.Clamped(property.PropertyType, value.Value) is { } clamped)
                {
                    property.SetValue(options, clamped);
                    beyondRange[value.Path] = problem;
                }
            }
        }

        // The properties that bound are validated as they would have been; those that did not keep their defaults.
        foreach (IValidateOptions<TOptions> validation in validations)
        {
            if (validation.Validate(name, options) is { Failed: true, Failures: { } more })
            {
                failures.AddRange(more);
            }
        }

        var superseded = beyondRange
            .Where(b => failures.Any(f => f != b.Value && f.StartsWith($"{b.Key} ", StringComparison.Ordinal)))
            .Select(b => b.Value)
            .ToHashSet(StringComparer.Ordinal);
        if (!superseded.Contains(firstProblem))
        {
            yield return firstProblem;
        }

        foreach (string failure in failures.Where(f => !superseded.Contains(f)))
        {
            yield return failure;
        }
    }
}
