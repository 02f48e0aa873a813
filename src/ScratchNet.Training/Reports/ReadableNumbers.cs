using System.Globalization;

namespace ScratchNet.Training.Reports;

/// <summary>
/// How numbers read where a person reads them: the console's log lines (the format provider of every Serilog sink),
/// <c>evaluate</c>'s result line, the progress bar and <c>diagnose</c>'s table. Invariant culture, as every
/// machine-read file is written, except that a fixed-point format (<c>F4</c>) of an astronomical value is written in
/// exponent form: a diverging network's finite loss of 1.7e37 read as 38 digits and four decimals, none of which told
/// the reader more than its size.
/// </summary>
/// <remarks>
/// Files that programs read (history.csv/json, metrics.json, log.clef) keep the exact value; only the text changes.
/// </remarks>
public sealed class ReadableNumbers : IFormatProvider, ICustomFormatter
{
    /// <summary>From here up, a fixed-point number is written in exponent form (<see cref="Exponent"/>).</summary>
    public const double ExponentFrom = 1e6;

    /// <summary>The exponent form: four significant digits, as a fixed-point loss has four decimals (1.699E+37).</summary>
    public const string Exponent = "0.000E+00";

    public static ReadableNumbers Provider { get; } = new();

    private ReadableNumbers()
    {
    }

    /// <summary><paramref name="value"/> with <paramref name="decimals"/> decimals, or in exponent form from <see cref="ExponentFrom"/> up.</summary>
    public static string Fixed(double value, int decimals = 4)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(decimals);
        return Astronomical(value) ? value.ToString(Exponent, CultureInfo.InvariantCulture) : value.ToString("F" + decimals.ToString(CultureInfo.InvariantCulture), CultureInfo.InvariantCulture);
    }

    /// <summary>
    /// <paramref name="value"/> to <paramref name="digits"/> significant digits, written out in full from 1e-4 up to
    /// <see cref="ExponentFrom"/> and in exponent form beyond: a weight decay typed as 1000 reads 1000, where the "G3"
    /// format wrote 1E+03, and 1/0.0003 reads 3330, not 3.33E+03.
    /// </summary>
    public static string Significant(double value, int digits = 3)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(digits);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(digits, 15);
        double size = Math.Abs(value);
        if (!double.IsFinite(value) || value == 0)
        {
            return value.ToString(CultureInfo.InvariantCulture);
        }

        if (size < ShortFrom || size >= ExponentFrom)
        {
            return value.ToString(Exponent, CultureInfo.InvariantCulture);
        }

        // Rounded to the digits asked for (a float's 0.003 is 0.0030000000260770321 in double), then written without them
        // trailing: 0.1 stays 0.1, 3333.3 becomes 3330.
        int magnitude = (int)Math.Floor(Math.Log10(size));
        int decimals = digits - 1 - magnitude;
        double rounded = decimals >= 0 ? Math.Round(value, Math.Min(decimals, 15)) : Math.Round(value / Math.Pow(10, -decimals)) * Math.Pow(10, -decimals);
        return Math.Abs(rounded) >= ExponentFrom ? rounded.ToString(Exponent, CultureInfo.InvariantCulture) : rounded.ToString("0.###############", CultureInfo.InvariantCulture);
    }

    /// <summary>
    /// A value a user set, echoed back ("Optimizer:WeightDecay (now 1234567)"): the float's shortest digits that read back
    /// as it, which are the ones typed for any value a float holds exactly, written out in full from 1e-4 up to 1e15 (and in
    /// .NET's exponent form beyond). <see cref="Significant"/> rounded a typed 1234567 to 1.235E+06 and 0.01234 to 0.0123.
    /// </summary>
    public static string AsSet(float value)
    {
        string digits = value.ToString("R", CultureInfo.InvariantCulture);
        double size = Math.Abs((double)value);
        return float.IsFinite(value) && size >= ShortFrom && size < AsSetUpTo
            ? decimal.Parse(digits, NumberStyles.Float, CultureInfo.InvariantCulture).ToString(CultureInfo.InvariantCulture)
            : digits;
    }

    public object? GetFormat(Type? formatType) =>
        formatType == typeof(ICustomFormatter) ? this : CultureInfo.InvariantCulture.GetFormat(formatType);

    public string Format(string? format, object? arg, IFormatProvider? formatProvider)
    {
        double? number = arg switch
        {
            double d => d,
            float f => f,
            decimal m => (double)m,
            _ => null,
        };
        if (number is { } value && IsFixedPoint(format) && Astronomical(value))
        {
            return value.ToString(Exponent, CultureInfo.InvariantCulture);
        }

        if (number is { } general && SignificantDigits(format) is { } digits)
        {
            return Significant(general, digits);
        }

        return arg switch
        {
            null => string.Empty,
            IFormattable formattable => formattable.ToString(format, CultureInfo.InvariantCulture),
            _ => arg.ToString() ?? string.Empty,
        };
    }

    /// <summary>Below this a number is written in exponent form by <see cref="Significant"/> (0.0001 still in full).</summary>
    private const double ShortFrom = 1e-4;

    // A set value is written in full below this: fifteen digits are still read at a glance, and a decimal holds them.
    private const double AsSetUpTo = 1e15;

    // G3, g4: a number of significant digits, which .NET writes in exponent form from 10^digits up (1000 as 1E+03).
    private static int? SignificantDigits(string? format) =>
        format is { Length: > 1 } && format[0] is 'G' or 'g' && int.TryParse(format.AsSpan(1), NumberStyles.None, CultureInfo.InvariantCulture, out int digits) && digits is > 0 and <= 15
            ? digits
            : null;

    private static bool Astronomical(double value) => double.IsFinite(value) && Math.Abs(value) >= ExponentFrom;

    // F4, f2: the format whose length grows with the value's size; G and R switch to exponent form by themselves.
    private static bool IsFixedPoint(string? format) =>
        format is { Length: > 0 } && format[0] is 'F' or 'f' && !format.AsSpan(1).ContainsAnyExceptInRange('0', '9');
}
