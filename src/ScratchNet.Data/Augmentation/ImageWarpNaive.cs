namespace ScratchNet.Data.Augmentation;

/// <summary>
/// The warp straight from its equations, in double precision, one pixel at a time: the oracle <see cref="ImageWarp"/>
/// is tested against. Never optimised.
/// </summary>
public static class ImageWarpNaive
{
    // x: (height, width) · dx, dy: (height, width) or both empty · y: (height, width)
    /// <remarks>
    /// Output pixel (u, v) reads the input at
    ///   sx = cx + ( cos θ·(u − cx − tx) + sin θ·(v − cy − ty)) / s + dx[v, u]
    ///   sy = cy + (−sin θ·(u − cx − tx) + cos θ·(v − cy − ty)) / s + dy[v, u]
    /// with c = ((width − 1)/2, (height − 1)/2), by bilinear interpolation between the four pixels around (sx, sy);
    /// pixels outside the image count as 0.
    /// </remarks>
    public static void Forward(ReadOnlySpan<float> x, ReadOnlySpan<float> dx, ReadOnlySpan<float> dy, Span<float> y, int height, int width, AffineMap map)
    {
        ImageWarp.CheckShapes(x.Length, "x", dx, dy, y, height, width);
        double theta = map.RotationDegrees * (Math.PI / 180.0);
        double cos = Math.Cos(theta);
        double sin = Math.Sin(theta);
        double s = map.Scale;
        double cx = (width - 1) / 2.0;
        double cy = (height - 1) / 2.0;
        for (int v = 0; v < height; v++)
        {
            for (int u = 0; u < width; u++)
            {
                double ux = u - cx - map.ShiftX;
                double vy = v - cy - map.ShiftY;
                double sx = cx + (((cos * ux) + (sin * vy)) / s);
                double sy = cy + (((-sin * ux) + (cos * vy)) / s);
                if (!dx.IsEmpty)
                {
                    sx += dx[(v * width) + u];
                    sy += dy[(v * width) + u];
                }

                int x0 = (int)Math.Floor(sx);
                int y0 = (int)Math.Floor(sy);
                double fx = sx - x0;
                double fy = sy - y0;
                double value = ((1 - fx) * (1 - fy) * At(x, x0, y0, height, width))
                    + (fx * (1 - fy) * At(x, x0 + 1, y0, height, width))
                    + ((1 - fx) * fy * At(x, x0, y0 + 1, height, width))
                    + (fx * fy * At(x, x0 + 1, y0 + 1, height, width));
                y[(v * width) + u] = (float)value;
            }
        }
    }

    private static double At(ReadOnlySpan<float> x, int column, int row, int height, int width) =>
        column >= 0 && column < width && row >= 0 && row < height ? x[(row * width) + column] : 0.0;
}
