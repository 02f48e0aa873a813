using ScratchNet.Training.Reports;

namespace ScratchNet.Training.Tests.Reports;

/// <summary>
/// Numbers for people: a fixed-point format keeps its decimals for every ordinary value, and an astronomical one (a
/// diverging run's finite loss) is written in exponent form instead of dozens of digits.
/// </summary>
public sealed class ReadableNumbersTests
{
    [TestCase(2.41823, "2.4182")]
    [TestCase(0.0, "0.0000")]
    [TestCase(999999.99994, "999999.9999")]
    [TestCase(1e6, "1.000E+06")]
    [TestCase(1.6844020261982489e37, "1.684E+37")]
    [TestCase(-7.6e12, "-7.600E+12")]
    [TestCase(double.NaN, "NaN")]
    [TestCase(double.PositiveInfinity, "Infinity")]
    public void Fixed_KeepsFourDecimals_UntilTheValueIsAstronomical(double value, string expected) =>
        Assert.That(ReadableNumbers.Fixed(value), Is.EqualTo(expected));

    [Test]
    public void AsAFormatProvider_OnlyFixedPointNumbersChange()
    {
        double huge = 1.6844020261982489e37;

        Assert.That(string.Create(ReadableNumbers.Provider, $"loss={huge:F4} acc={0.0962:F4} t={1.5:F3}s"), Is.EqualTo("loss=1.684E+37 acc=0.0962 t=1.500s"));
        Assert.That(string.Create(ReadableNumbers.Provider, $"{huge} {huge:R} {123456789L:N0} {1234567.0:N0} {12:000}"),
            Is.EqualTo("1.684402026198249E+37 1.684402026198249E+37 123,456,789 1,234,567 012"), "G, R and N formats and whole numbers are as before");
        Assert.That(string.Create(ReadableNumbers.Provider, $"{7.6e12f:F4} {3.5e6m:F2}"), Is.EqualTo("7.600E+12 3.500E+06"), "float and decimal too");
    }

    // "G3" wrote a weight decay of 1000 as 1E+03: significant digits, in full where they are readable.
    [TestCase(1000.0, 3, "1000")]
    [TestCase(3333.333, 3, "3330")]
    [TestCase(33.333, 3, "33.3")]
    [TestCase(0.003f, 3, "0.003")]
    [TestCase(0.0001, 3, "0.0001")]
    [TestCase(-0.25, 2, "-0.25")]
    [TestCase(999999.0, 3, "1.000E+06")]
    [TestCase(1e6, 3, "1.000E+06")]
    [TestCase(1e-45f, 3, "1.401E-45")]
    [TestCase(0.0, 3, "0")]
    [TestCase(double.NaN, 3, "NaN")]
    public void Significant_WritesNumbersInFull_FromATenThousandthToAMillion(double value, int digits, string expected) =>
        Assert.That(ReadableNumbers.Significant(value, digits), Is.EqualTo(expected));

    [Test]
    public void AsAFormatProvider_AGeneralFormatWithDigits_WritesTheNumberInFull() =>
        Assert.That(string.Create(ReadableNumbers.Provider, $"{1000.0:G3} {1000f:G3} {0.01:G3} {1.5e7:G3}"), Is.EqualTo("1000 1000 0.01 1.500E+07"));

    // A setting echoed back reads as it was typed: Significant made a typed 1234567 "1.235E+06".
    [TestCase(1234567f, "1234567")]
    [TestCase(0.01234f, "0.01234")]
    [TestCase(0.003f, "0.003")]
    [TestCase(1e6f, "1000000")]
    [TestCase(12345670f, "12345670")]
    [TestCase(0.0001f, "0.0001")]
    [TestCase(-2.5f, "-2.5")]
    [TestCase(1e30f, "1E+30")]
    [TestCase(1e-7f, "1E-07")]
    [TestCase(0f, "0")]
    [TestCase(float.NaN, "NaN")]
    public void AsSet_EchoesASettingAsItWasTyped(float value, string expected) =>
        Assert.That(ReadableNumbers.AsSet(value), Is.EqualTo(expected));
}
