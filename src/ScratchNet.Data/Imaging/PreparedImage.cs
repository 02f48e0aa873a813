namespace ScratchNet.Data.Imaging;

/// <summary>A picture made into a model's input, and what about it looked unlike one centred digit on even paper.</summary>
/// <param name="Pixels">Width × Height values in [0, 1] of the field, row-major, ink high, like the training data.</param>
/// <param name="Oddities">What the preprocessing found odd, each with what to try; empty for a clean picture.</param>
public sealed record PreparedImage(float[] Pixels, IReadOnlyList<PreparedImage.Oddity> Oddities)
{
    /// <summary>Something that makes a reading less trustworthy, said for a user.</summary>
    /// <param name="What">What was odd ("ink runs along 40 % of the picture's edge").</param>
    /// <param name="Advice">What to try ("crop closer to the digit, leaving plain paper around it").</param>
    public sealed record Oddity(string What, string Advice);
}
