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
        yield return ValueErrors.Conversion(first.Message);
        if (configuration is null || typeof(TOptions).GetField("SectionName", BindingFlags.Public | BindingFlags.Static)?.GetRawConstantValue() is not string section
            || typeof(TOptions).GetConstructor(Type.EmptyTypes) is null)
        {
            yield break;
        }

        TOptions options = Activator.CreateInstance<TOptions>();
        var failures = new List<string>();
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
                failures.Add(ValueErrors.Conversion(e.Message));
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

        foreach (string failure in failures)
        {
            yield return failure;
        }
    }
}
