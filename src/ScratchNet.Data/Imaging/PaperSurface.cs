namespace ScratchNet.Data.Imaging;

/// <summary>
/// The brightness the paper would have everywhere without the ink: a smooth surface fitted to the paper's pixels, so
/// light falling off across a sheet (white at one edge, grey at the other) is measured where it is, not as one level.
/// </summary>
/// <remarks>
/// The surface is a quadratic in x and y, b(x, y) = a0 + a1·x + a2·y + a3·x² + a4·x·y + a5·y², fitted by least squares.
/// Light from one side is a ramp (exact for the linear terms) and a lamp's falloff or a lens's vignetting a bowl (the
/// squares); either is smooth over the whole sheet. A local estimate (a blur or a morphological closing of a window
/// larger than a stroke) would need to know how wide the strokes are, and a bold stroke wider than its window is taken
/// for background and erased; a surface over the whole image cannot follow any stroke, however bold.
/// Which pixels are paper is found by alternating: keep as paper the pixels not much darker than the surface found so far,
/// fit the surface to them, and again; ink is always darker than its paper, so the surface is the paper's upper envelope. The first round takes the level a tenth of the pixels are brighter than for the paper's.
/// </remarks>
public static class PaperSurface
{
    // How much darker than the surface found so far a pixel may be and still count as paper, round by round: loose at
    // first, when the surface is one level and shaded paper is far below it, then tight, so the faint edges of strokes
    // and a product's dark cloth (in a light-on-dark picture, negated) stop pulling the surface down under the ink.
    private static readonly float[] PaperTolerance = [0.25f, 0.25f, 0.1f, 0.05f];

    // The spread (5th to 95th percentile) of the paper along the edge below which the light counts as even: JPEG's noise
    // is a few grey levels; light from one side changes the paper by tens.
    private const float EvenSpread = 0.05f;

    // Enough samples to pin six coefficients many times over; a 4096 × 4096 photo would otherwise cost 16 M rows.
    private const int MaxSamples = 40_000;

    /// <summary>The paper as one level everywhere, as in a scan: the level a tenth of the picture is brighter than.</summary>
    /// <param name="paper">Width × Height values in [0, 1], paper bright and ink dark.</param>
    public static PaperLevel Flat(ReadOnlySpan<float> paper, int width, int height) =>
        PaperLevel.Flat(width, height, Brightest(paper, width, height, Stride(paper.Length), default));

    /// <summary>Fits the paper's brightness under every pixel.</summary>
    /// <param name="paper">Width × Height values in [0, 1], paper bright and ink dark (a light-ink image is negated first).</param>
    /// <param name="ignore">Pixels that are not part of the picture (the desk around a sheet), or null.</param>
    /// <returns>The fitted paper level of every pixel, clamped to [0, 1].</returns>
    public static PaperLevel Fit(ReadOnlySpan<float> paper, int width, int height, ReadOnlySpan<bool> ignore = default)
    {
        if (paper.Length != width * height)
        {
            throw new ArgumentException($"the image has {paper.Length} pixels, but {width} × {height} = {width * height} were given", nameof(paper));
        }

        int stride = Stride(paper.Length);
        float level = Brightest(paper, width, height, stride, ignore);
        PaperLevel surface = PaperLevel.Flat(width, height, level);
        if (EvenAlongTheEdge(paper, width, height, ignore, level))
        {
            return surface;
        }

        Span<double> terms = stackalloc double[6];
        foreach (float tolerance in PaperTolerance)
        {
            var normal = new double[6, 7];
            int count = 0;
            for (int y = 0; y < height; y += stride)
            {
                for (int x = 0; x < width; x += stride)
                {
                    int i = (y * width) + x;
                    bool isPaper = paper[i] >= surface.At(x, y) * (1f - tolerance);
                    if (isPaper && (ignore.IsEmpty || !ignore[i]))
                    {
                        Accumulate(normal, Terms(PaperLevel.U(x, width), PaperLevel.U(y, height), terms), paper[i]);
                        count++;
                    }
                }
            }

            // Too few paper samples to trust six coefficients: the level found so far stays.
            if (count < 24 || Solve(normal) is not { } a)
            {
                break;
            }

            surface = PaperLevel.Quadratic(width, height, a);
        }

        return surface;
    }

    // Every stride-th pixel of every stride-th row is sampled.
    private static int Stride(int pixels) => Math.Max(1, (int)Math.Ceiling(Math.Sqrt((double)pixels / MaxSamples)));

    // Whether the paper along the picture's edge is one level: then the light is even and the paper is that level
    // everywhere. A surface fitted to an evenly lit picture could only bend towards whatever else is there (a stroke's
    // blurred edge, a faint pencil line), so it is fitted only where the edge shows the light changing, or where too
    // little of the edge is paper to tell (a sheet cut out of a desk).
    private static bool EvenAlongTheEdge(ReadOnlySpan<float> paper, int width, int height, ReadOnlySpan<bool> ignore, float level)
    {
        var edge = new List<float>();
        int perimeter = 0;
        for (int y = 0; y < height; y++)
        {
            for (int x = 0; x < width; x += y == 0 || y == height - 1 ? 1 : Math.Max(1, width - 1))
            {
                int i = (y * width) + x;
                perimeter++;
                if ((ignore.IsEmpty || !ignore[i]) && paper[i] >= level * (1f - PaperTolerance[0]))
                {
                    edge.Add(paper[i]);
                }
            }
        }

        if (edge.Count < perimeter / 4)
        {
            return false;
        }

        edge.Sort();
        return edge[edge.Count * 95 / 100] - edge[edge.Count * 5 / 100] < EvenSpread;
    }

    // The surface's terms at (u, v): 1, u, v, u², uv, v².
    // Written into the caller's six places: one array for each of 40,000 samples, four rounds, was 12 MB of garbage.
    private static ReadOnlySpan<double> Terms(double u, double v, Span<double> terms)
    {
        (terms[0], terms[1], terms[2], terms[3], terms[4], terms[5]) = (1, u, v, u * u, u * v, v * v);
        return terms;
    }

    // Adds one row to the normal equations AᵀA·a = Aᵀb, held as the augmented matrix [AᵀA | Aᵀb].
    private static void Accumulate(double[,] normal, ReadOnlySpan<double> terms, double value)
    {
        for (int r = 0; r < 6; r++)
        {
            for (int c = 0; c < 6; c++)
            {
                normal[r, c] += terms[r] * terms[c];
            }

            normal[r, 6] += terms[r] * value;
        }
    }

    // Gaussian elimination with partial pivoting; null when the samples cannot pin a term (all on one line, say).
    private static double[]? Solve(double[,] m)
    {
        for (int col = 0; col < 6; col++)
        {
            int pivot = col;
            for (int r = col + 1; r < 6; r++)
            {
                if (Math.Abs(m[r, col]) > Math.Abs(m[pivot, col]))
                {
                    pivot = r;
                }
            }

            if (Math.Abs(m[pivot, col]) < 1e-9 * Math.Max(1, m[0, 0]))
            {
                return null;
            }

            for (int c = 0; c < 7; c++)
            {
                (m[col, c], m[pivot, c]) = (m[pivot, c], m[col, c]);
            }

            for (int r = 0; r < 6; r++)
            {
                if (r != col)
                {
                    double f = m[r, col] / m[col, col];
                    for (int c = col; c < 7; c++)
                    {
                        m[r, c] -= f * m[col, c];
                    }
                }
            }
        }

        var a = new double[6];
        for (int k = 0; k < 6; k++)
        {
            a[k] = m[k, 6] / m[k, k];
        }

        return a;
    }

    // The level a tenth of the sampled pixels are brighter than: paper, however much of the picture the ink covers.
    private static float Brightest(ReadOnlySpan<float> pixels, int width, int height, int stride, ReadOnlySpan<bool> ignore)
    {
        var kept = new List<float>();
        for (int y = 0; y < height; y += stride)
        {
            for (int x = 0; x < width; x += stride)
            {
                int i = (y * width) + x;
                if (ignore.IsEmpty || !ignore[i])
                {
                    kept.Add(pixels[i]);
                }
            }
        }

        if (kept.Count == 0)
        {
            return 1f;
        }

        kept.Sort();
        return kept[kept.Count * 9 / 10];
    }
}
