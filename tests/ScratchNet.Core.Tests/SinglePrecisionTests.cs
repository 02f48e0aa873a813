using System.Globalization;
using ScratchNet.Core;

namespace ScratchNet.Core.Tests;

/// <summary>A value refused because of its float, not as written, says what it rounds to and what to write instead.</summary>
public sealed class SinglePrecisionTests
{
    [TestCase("0.99999999", ", which rounds to 1 in single precision: use at most 0.99999994 (the largest single-precision number below 1)")]
    [TestCase("1e-46", ", which rounds to 0 in single precision: use at least 1.4e-45 (the smallest single-precision number above 0)")]
    [TestCase("1e39", ", which rounds to infinity in single precision: use at most 3.4e38 (about the largest single-precision number)")]
    [TestCase("-1e39", ", which rounds to -infinity in single precision: use at least -3.4e38 (about the lowest single-precision number)")]
    public void AValueWhoseFloatIsZeroOneOrInfinity_SaysSo(string written, string expected) =>
        Assert.That(SinglePrecision.Rounding(written), Is.EqualTo(expected));

    // As written these are already what the float is, or already beyond the bound: nothing to add.
    [TestCase("1")]
    [TestCase("0")]
    [TestCase("1.00000001")]
    [TestCase("-1e-50")]
    [TestCase("0.5")]
    [TestCase("0.99999994")]
    [TestCase("1e999")]
    [TestCase("abc")]
    public void AnyOtherValue_GetsNothing(string written) =>
        Assert.That(SinglePrecision.Rounding(written), Is.Null);

    // The advice must itself be accepted: each suggested value is a float strictly inside what it replaces.
    [Test]
    public void TheSuggestedValues_AreUsable()
    {
        Assert.That(float.Parse("0.99999994", CultureInfo.InvariantCulture), Is.LessThan(1f));
        Assert.That(float.Parse("1.4e-45", CultureInfo.InvariantCulture), Is.GreaterThan(0f));
        Assert.That(float.IsFinite(float.Parse("3.4e38", CultureInfo.InvariantCulture)), Is.True);
    }
}
