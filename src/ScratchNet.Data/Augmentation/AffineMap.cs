namespace ScratchNet.Data.Augmentation;

/// <summary>
/// One image's affine transform: rotate by <see cref="RotationDegrees"/> and scale by <see cref="Scale"/> about the
/// image centre, then shift by (<see cref="ShiftX"/>, <see cref="ShiftY"/>) pixels. Pixel (u, v) is column u, row v
/// (v grows downwards), so a positive ShiftX moves the content right, a positive ShiftY down, and a positive angle
/// turns it clockwise on screen.
/// </summary>
/// <remarks>
/// Forward: p' = c + s·R(θ)·(p − c) + t, with c = ((width − 1)/2, (height − 1)/2).
/// The warp needs the inverse, where each output pixel reads from: p = c + R(−θ)·(p' − c − t)/s.
/// </remarks>
public readonly record struct AffineMap(float RotationDegrees, float Scale, float ShiftX, float ShiftY)
{
    public static AffineMap Identity { get; } = new(0f, 1f, 0f, 0f);

    /// <summary>
    /// The inverse map as source = A·(u, v) + b: source x = A00·u + A01·v + Bx, source y = A10·u + A11·v + By,
    /// computed in double and rounded once to float. The identity gives A = I and b = 0 exactly.
    /// </summary>
    public InverseAffine Inverse(int height, int width)
    {
        double theta = RotationDegrees * (Math.PI / 180.0);
        double k = 1.0 / Scale;
        double cos = Math.Cos(theta) * k;
        double sin = Math.Sin(theta) * k;
        double cx = (width - 1) / 2.0;
        double cy = (height - 1) / 2.0;
        double ox = cx + ShiftX;
        double oy = cy + ShiftY;
        return new InverseAffine(
            (float)cos, (float)sin, (float)-sin, (float)cos,
            (float)(cx - (cos * ox) - (sin * oy)),
            (float)(cy + (sin * ox) - (cos * oy)));
    }
}

/// <summary>The coefficients of <see cref="AffineMap.Inverse"/>: source x = A00·u + A01·v + Bx, source y = A10·u + A11·v + By.</summary>
public readonly record struct InverseAffine(float A00, float A01, float A10, float A11, float Bx, float By);
