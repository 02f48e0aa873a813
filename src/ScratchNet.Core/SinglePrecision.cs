using System.Globalization;

namespace ScratchNet.Core;

/// <summary>
/// What a number written in a setting becomes as a float, where that changes its meaning: a rate just below 1 that
/// rounds to 1, a tiny one that rounds to 0, a huge one that rounds to infinity. A refusal that echoes what the user wrote
/// would otherwise state a range the echoed value satisfies (<c>must be in [0, 1), got 0.99999999</c>).
/// </summary>
public static class SinglePrecision
{
    /// <summary>The largest float below 1, the most a rate in [0, 1) can be.</summary>
    public const float LargestBelowOne = 0.99999994f;

    /// <summary>
    /// ", which rounds to 1 in single precision: use at most 0.99999994 (…)" and the like for <paramref name="written"/>,
    /// a finite number whose float is ±infinity, or a positive one whose float is 0 or 1 though it is neither; null for any
    /// other text.
    /// </summary>
    public static string? Rounding(string written)
    {
        ArgumentNullException.ThrowIfNull(written);
        if (!double.TryParse(written, NumberStyles.Float, CultureInfo.InvariantCulture, out double exact) || !double.IsFinite(exact))
        {
            return null;
        }

        float single = (float)exact;
        if (float.IsInfinity(single))
        {
            return exact > 0.0
                ? ", which rounds to infinity in single precision: use at most 3.4e38 (about the largest single-precision number)"
                : ", which rounds to -infinity in single precision: use at least -3.4e38 (about the lowest single-precision number)";
        }

        // Below 0 the written value breaks a bound of 0 or 1 as it stands (every rate and size here is ≥ 0).
        if (single == 0f && exact > 0.0)
        {
            return ", which rounds to 0 in single precision: use at least 1.4e-45 (the smallest single-precision number above 0)";
        }

        // Only from inside (0, 1): 1.00000001 is beyond a bound of 1 as written, whatever it rounds to.
        if (single == 1f && exact < 1.0)
        {
            return $", which rounds to 1 in single precision: use at most {LargestBelowOne.ToString("R", CultureInfo.InvariantCulture)} (the largest single-precision number below 1)";
        }

        return null;
    }
}
