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

        return arg switch
        {
            null => string.Empty,
            IFormattable formattable => formattable.ToString(format, CultureInfo.InvariantCulture),
            _ => arg.ToString() ?? string.Empty,
        };
    }

    private static bool Astronomical(double value) => double.IsFinite(value) && Math.Abs(value) >= ExponentFrom;

    // F4, f2: the format whose length grows with the value's size; G and R switch to exponent form by themselves.
    private static bool IsFixedPoint(string? format) =>
        format is { Length: > 0 } && format[0] is 'F' or 'f' && !format.AsSpan(1).ContainsAnyExceptInRange('0', '9');
}
