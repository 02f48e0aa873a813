using Microsoft.Extensions.Options;

namespace ScratchNet.Host;

/// <summary>
/// The options factory, except that a value the configuration binder cannot convert ("Epochs": "abc") is reported as a
/// validation failure of its options class. The start-up validator collects only validation failures, so without this
/// the first such value would hide every other problem instead of being reported together with them.
/// </summary>
internal sealed class BindingErrorsAsValidationFailures<TOptions>(
    IEnumerable<IConfigureOptions<TOptions>> setups,
    IEnumerable<IPostConfigureOptions<TOptions>> postConfigures,
    IEnumerable<IValidateOptions<TOptions>> validations)
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
            throw new OptionsValidationException(name, typeof(TOptions), [ex.Message.TrimEnd('.')]);
        }
    }
}
