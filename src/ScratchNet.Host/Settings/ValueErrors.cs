using System.Globalization;
using System.Text.RegularExpressions;
using Microsoft.Extensions.Configuration;
using ScratchNet.Core;

namespace ScratchNet.Host.Settings;

/// <summary>
/// A bad configuration value in a user's words: what the key takes, not a .NET type name, and which source set it, as
/// the key checks say (<c>unknown key … (from command line (--Training:Epoch))</c>).
/// </summary>
public static partial class ValueErrors
{
    /// <summary>
    /// <c>Optimizer:LearningRate must be a number written with '.' (e.g. 0.01), got '0,01'</c> for the binder's
    /// <c>Failed to convert configuration value '0,01' at 'Optimizer:LearningRate' to type 'System.Single'</c>;
    /// <c>Training:Seed must be at most 2147483647, got '2147483648'</c> for a whole number written as documented but beyond
    /// what the setting holds; another message comes back as it is, less its full stop.
    /// </summary>
    public static string Conversion(string binderMessage)
    {
        ArgumentNullException.ThrowIfNull(binderMessage);
        Match match = BinderConversion().Match(binderMessage);
        if (!match.Success)
        {
            return binderMessage.TrimEnd('.');
        }

        Type? type = Type.GetType(match.Groups["type"].Value);
        type = type is null ? null : Nullable.GetUnderlyingType(type) ?? type;
        string value = match.Groups["value"].Value;
        if (type is not null && WholeNumbers.IsPlain(value) && WholeNumbers.Range(type) is var (min, max))
        {
            // Written as documented, so the number itself is too large (or too far below zero) for the setting to hold.
            return value.TrimStart().StartsWith('-')
                ? $"{match.Groups["key"].Value} must be at least {min}, got '{value}'"
                : $"{match.Groups["key"].Value} must be at most {max}, got '{value}'";
        }

        string? takes = type switch
        {
            // The configuration is read in the invariant culture whatever the machine's locale, so '.' is the only decimal mark.
            _ when type == typeof(float) || type == typeof(double) || type == typeof(decimal) => "a number written with '.' (e.g. 0.01)",
            _ when type == typeof(int) || type == typeof(long) || type == typeof(short) || type == typeof(byte)
                || type == typeof(uint) || type == typeof(ulong) || type == typeof(ushort) || type == typeof(sbyte) => "a whole number written with the digits 0-9 and no separators (e.g. 1000)",
            _ when type == typeof(bool) => "true or false",
            { IsEnum: true } => $"one of {string.Join(", ", Enum.GetNames(type))}",
            _ => null,
        };
        return takes is null ? binderMessage.TrimEnd('.') : $"{match.Groups["key"].Value} must be {takes}, got '{match.Groups["value"].Value}'";
    }

    /// <summary>
    /// <paramref name="failure"/> with <c> (from SOURCE)</c> added, naming the source whose value of the key the failure
    /// starts with wins (<c>Training:Threads must be …, got 0 (from /home/me/thr.json)</c>); unchanged when no source
    /// sets that key (a default) or the failure names its source already.
    /// </summary>
    public static string WithSource(string failure, IConfiguration? configuration)
    {
        ArgumentNullException.ThrowIfNull(failure);
        if (configuration is not IConfigurationRoot root || failure.Contains("(from ", StringComparison.Ordinal)
            || LeadingKey().Match(failure) is not { Success: true } key
            || ConfigurationSources.SourceOf(root, key.Value) is not { } source)
        {
            return failure;
        }

        return $"{AsWritten(failure, root[key.Value])} (from {source}){RecordedSettings.NameOnlyHint(root, key.Value)}";
    }

    // A validator reports the value it was given, as .NET prints it back: 1e999 as Infinity, 1e-3 as 0.001. The user looks
    // for what they wrote. Where the value it was given is the float of what they wrote, and that float is what broke the
    // rule (0.99999999 is 1, 1e-46 is 0, 1e39 is infinity), the line says so: the echo alone satisfies the range it states.
    private static string AsWritten(string failure, string? written)
    {
        Match got = GotValue().Match(failure);
        if (written is null || !got.Success || got.Groups["value"].Value == written.Trim() || got.Groups["value"].Value == $"'{written}'")
        {
            return failure;
        }

        string shown = got.Groups["value"].Value;
        string? rounding = double.TryParse(shown, NumberStyles.Float, CultureInfo.CurrentCulture, out double given)
            && double.TryParse(written, NumberStyles.Float, CultureInfo.InvariantCulture, out double exact)
            && given.Equals((double)(float)exact)
            ? SinglePrecision.Rounding(written.Trim())
            : null;
        return $"{failure[..got.Groups["value"].Index]}{written.Trim()}{rounding}";
    }

    /// <summary>The value of <paramref name="key"/> as <typeparamref name="T"/>, for a key read outside any options class.</summary>
    /// <exception cref="ConfigurationException">The value does not convert; the message says what the key takes and who set it.</exception>
    public static T? Get<T>(IConfigurationRoot configuration, string key)
    {
        ArgumentNullException.ThrowIfNull(configuration);
        try
        {
            return configuration.GetValue<T>(key);
        }
        catch (InvalidOperationException e) when (Failure.IsBindingError(e))
        {
            throw new ConfigurationException([WithSource(Conversion(e.Message), configuration)], e);
        }
    }

    // The binder's words (Microsoft.Extensions.Configuration.Binder's Error_FailedBinding); the value may hold quotes.
    [GeneratedRegex(@"^Failed to convert configuration value '(?<value>.*)' at '(?<key>[^']+)' to type '(?<type>[^']+)'\.?$", RegexOptions.Singleline)]
    private static partial Regex BinderConversion();

    // ", got 0.001" at the end of a validator's line; a quoted value is the user's own text already.
    [GeneratedRegex(@", got (?<value>[^'\s][^\s]*)$")]
    private static partial Regex GotValue();

    [GeneratedRegex(@"^[A-Za-z][A-Za-z0-9]*(:[A-Za-z0-9]+)+(?=[ ']|$)")]
    private static partial Regex LeadingKey();
}
