namespace ScratchNet.Data.Augmentation;

/// <summary>
/// The <c>Data:Augment</c> configuration section: random affine transforms (and optionally elastic distortion) of the
/// training images, drawn anew for every image in every epoch. Evaluation always sees the images as they are.
/// The strengths below apply once <see cref="Enabled"/> is true; the defaults are mild enough for digits.
/// </summary>
public sealed class AugmentationOptions
{
    public const string SectionName = "Data:Augment";

    public bool Enabled { get; set; }

    /// <summary>Largest shift along each axis, in pixels; each image's shifts are drawn uniformly from ±this.</summary>
    public double MaxShift { get; set; } = 2;

    /// <summary>Largest rotation about the image centre, in degrees; drawn uniformly from ±this.</summary>
    public double MaxRotationDegrees { get; set; } = 10;

    /// <summary>Scale is drawn uniformly from [1 − ScaleRange, 1 + ScaleRange] (the same factor along both axes).</summary>
    public double ScaleRange { get; set; } = 0.1;

    /// <summary>Adds elastic distortion (Simard, Steinkraus and Platt 2003) on top of the affine transform.</summary>
    public bool Elastic { get; set; }

    /// <summary>Elastic strength α: the smoothed random displacement field is scaled by it (pixels).</summary>
    public double ElasticAlpha { get; set; } = 34;

    /// <summary>Elastic smoothness σ: the standard deviation of the Gaussian that smooths the random field (pixels).</summary>
    public double ElasticSigma { get; set; } = 4;
}
