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
}
