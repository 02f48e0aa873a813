using System.ComponentModel;
using System.Globalization;
using System.Numerics;

namespace ScratchNet.Host.Settings;

/// <summary>
/// Whole-number settings read as they are documented, "digits 0-9" (a minus sign allowed, for the range check to refuse):
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
