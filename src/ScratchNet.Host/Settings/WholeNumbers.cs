using System.ComponentModel;
using System.Globalization;
using System.Numerics;

namespace ScratchNet.Host.Settings;

/// <summary>
/// Whole-number settings read as they are documented, "digits 0-9" (a leading minus sign allowed: a seed may be negative,
/// and the other keys' range checks refuse one):
/// .NET's own converters also take <c>+5</c>, <c>0x10</c> and <c>#10</c>, so <c>--Training:Epochs=0x10</c> trained 16 epochs
/// while a refused value's message said digits only.
/// </summary>
public static class WholeNumbers
{
    private static int _installed;

    /// <summary>Makes the configuration binder read every integer type this way; once per process.</summary>
    public static void Install()
    {
        if (Interlocked.Exchange(ref _installed, 1) == 1)
        {
            return;
        }

        Add<int>();
        Add<long>();
        Add<short>();
        Add<byte>();
        Add<sbyte>();
        Add<uint>();
        Add<ulong>();
        Add<ushort>();
    }

    /// <summary>Whether <paramref name="text"/> is written as the settings take a whole number: an optional '-', then digits 0-9.</summary>
    public static bool IsPlain(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        ReadOnlySpan<char> digits = text.AsSpan().Trim();
        digits = digits.StartsWith("-") ? digits[1..] : digits;
        return !digits.IsEmpty && !digits.ContainsAnyExceptInRange('0', '9');
    }

    /// <summary>The smallest and largest value of <paramref name="type"/>, one of the integer types read this way; null for any other type.</summary>
    public static (string Min, string Max)? Range(Type type) =>
        type == typeof(int) ? Of<int>()
        : type == typeof(long) ? Of<long>()
        : type == typeof(short) ? Of<short>()
        : type == typeof(byte) ? Of<byte>()
        : type == typeof(sbyte) ? Of<sbyte>()
        : type == typeof(uint) ? Of<uint>()
        : type == typeof(ulong) ? Of<ulong>()
        : type == typeof(ushort) ? Of<ushort>()
        : null;

    /// <summary>
    /// <paramref name="text"/> held to the range of <paramref name="type"/> (an integer type, or a nullable one) when it is
    /// written as documented but beyond that range; null otherwise. With it, a key's validator can give its own limit
    /// (<c>Training:BatchSize must be 1 to 1048576 rows</c>) where the type's alone would be a limit that is refused too.
    /// </summary>
    public static object? Clamped(Type type, string? text)
    {
        ArgumentNullException.ThrowIfNull(type);
        Type integer = Nullable.GetUnderlyingType(type) ?? type;
        if (text is null || !IsPlain(text) || Range(integer) is not var (min, max))
        {
            return null;
        }

        BigInteger value = BigInteger.Parse(text.Trim(), NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture);
        BigInteger lowest = BigInteger.Parse(min, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture);
        BigInteger highest = BigInteger.Parse(max, CultureInfo.InvariantCulture);
        return value >= lowest && value <= highest
            ? null
            : Convert.ChangeType(BigInteger.Clamp(value, lowest, highest).ToString(CultureInfo.InvariantCulture), integer, CultureInfo.InvariantCulture);
    }

    private static (string Min, string Max) Of<T>() where T : IBinaryInteger<T>, IMinMaxValue<T> =>
        (T.MinValue.ToString(null, CultureInfo.InvariantCulture), T.MaxValue.ToString(null, CultureInfo.InvariantCulture));

    private static void Add<T>() where T : IBinaryInteger<T> =>
        TypeDescriptor.AddAttributes(typeof(T), new TypeConverterAttribute(typeof(PlainConverter<T>)));

    private sealed class PlainConverter<T> : TypeConverter where T : IBinaryInteger<T>
    {
        public override bool CanConvertFrom(ITypeDescriptorContext? context, Type sourceType) => sourceType == typeof(string) || base.CanConvertFrom(context, sourceType);

        // The binder turns the exception into "Failed to convert configuration value …", which ValueErrors words for the user.
        public override object? ConvertFrom(ITypeDescriptorContext? context, CultureInfo? culture, object value) =>
            value is string text
                ? IsPlain(text) ? T.Parse(text.Trim(), NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture) : throw new FormatException($"'{text}' is not written with the digits 0-9")
                : base.ConvertFrom(context, culture, value);
    }
}
