using SixLabors.ImageSharp;

namespace ScratchNet.Data.Imaging;

/// <summary>
/// Finds lines running along a picture's sides (a ruled line, a table's border, a frame open on some sides, a strip of
/// desk along a scan's edge), on the edge or a few pixels in, slanted, dashed or short of the corners, which are no part
/// of the digit: cropped with it they squeeze the digit into a corner of the field, and lines along two opposite sides
/// make the border look like ink, so the paper is taken for it.
/// </summary>
/// <remarks>
/// A line along a side is a band of rows (or columns) from the picture's edge, each nearly all of one grey level, the row
/// beyond it of another: the paper's. Which level is ink is not known yet, so the caller keeps only the bands of the ink's
/// level (<see cref="MnistImagePreprocessor.Prepare"/>). A digit cropped tightly to its strokes can look the same (the top
/// bar of a typed 7 spans the crop), but the rest of it then touches the picture's other sides, where a lined picture has
/// paper; the caller checks that too. A line near the side, not on it, is found by its ink instead: ink far from the
/// paper's level, in rows starting a few pixels in, that covers most of the side and that nothing past it touches.
/// </remarks>
public static class EdgeLines
{
    // A line is at most this share of the picture's side across it: a ruled line or a frame is thin; a band of a quarter
    // of the picture is more than a line, and a digit's strokes are at most that wide.
    private const double MaxThickness = 0.25;

    // Of a band's rows: the share of pixels at the band's level, allowing for where a digit touches the line, and noise.
    private const double Uniform = 0.9;

    // How far from the band's level a pixel may be and still be of it; and how far the paper beyond must be from it.
    private const float Tolerance = 0.1f;
    private const float MinContrast = 0.2f;

    // At most this many rows past a band are its blurred edge (a scan, a JPEG's ringing), neither line nor paper.
    private const int MaxRim = 2;

    // A line near a side: how far in it may start (a share of the picture across it), how far from the paper its ink is,
    // the share of a row it must cover to start it (a dashed or slanted line covers a row only in parts), the share of
    // the side all its rows together cover (a line of 70 % of the side is a line), and the share of a row of paper that
    // may be noise.
    private const double NearOffset = 0.06;
    private const double NearCorner = 0.12;
    private const float NearContrast = 0.25f;
    private const double MinRowCover = 0.05;
    private const double MinSideCover = 0.6;
    private const double CleanRow = 0.02;

    /// <summary>A band along one side of the picture.</summary>
    /// <param name="Thickness">The rows (or columns) it covers from the edge, its blurred edge included; 0 when there is none.</param>
    /// <param name="Level">The band's grey level (its first row's median).</param>
    /// <param name="Paper">The grey level beyond it (the median of the row past its edge).</param>
    public readonly record struct Band(int Thickness, float Level, float Paper);

    /// <summary>The band along each side (top, bottom, left, right); Thickness 0 where that side has none.</summary>
    /// <param name="grey">Width × Height grey levels in [0, 1], either way round.</param>
    public static Band[] Find(float[] grey, int width, int height)
    {
        ArgumentNullException.ThrowIfNull(grey);
        if (grey.Length != width * height)
        {
            throw new ArgumentException($"the image has {grey.Length} pixels, but {width} × {height} = {width * height} were given", nameof(grey));
        }

        // Each side as its first pixel, the step along it, and the step one row deeper into the picture.
        float paper = MedianLevel(grey);
        return
        [
            OnOrNear(grey, paper, 0, 1, width, width, height),
            OnOrNear(grey, paper, (height - 1) * width, 1, -width, width, height),
            OnOrNear(grey, paper, 0, width, 1, height, width),
            OnOrNear(grey, paper, width - 1, width, -1, height, width),
        ];
    }

    private static Band OnOrNear(float[] grey, float paper, int first, int along, int deeper, int length, int depth)
    {
        // A thin band on the edge of the picture's paper level, or nearer it than what lies past it (a line's blurred
        // outer edge), may be the margin outside a line near the side: the line is then looked for past it, against the
        // band's level as paper. (A thin line on the edge is no margin: what lies
        // past it, lighter, is the paper, which would pass for a line of the other polarity where the digit breaks it.)
        Band on = Along(grey, first, along, deeper, length, depth);
        if (on.Thickness > 0)
        {
            bool margin = on.Thickness <= MaxOffset(depth) && (Math.Abs(on.Level - paper) < NearContrast || Math.Abs(on.Level - paper) < Math.Abs(on.Paper - paper));
            Band past = margin ? NearEitherWay(grey, on.Level, first, along, deeper, length, depth) : default;
            if (past.Thickness > 0)
            {
                return past;
            }

            // A second line close past the first (a double rule) goes with it.
            Band second = on.Thickness < depth / 2 ? Near(grey, on.Paper, Math.Sign(on.Level - on.Paper), first + (on.Thickness * deeper), along, deeper, length, depth - on.Thickness) : default;
            return second.Thickness > 0 && on.Thickness + second.Thickness <= (int)(depth * MaxThickness) ? on with { Thickness = on.Thickness + second.Thickness } : on;
        }

        return NearEitherWay(grey, paper, first, along, deeper, length, depth);
    }

    private static int MaxOffset(int depth) => Math.Max(3, (int)Math.Round(depth * NearOffset));

    private static Band NearEitherWay(float[] grey, float paper, int first, int along, int deeper, int length, int depth)
    {
        Band dark = Near(grey, paper, -1, first, along, deeper, length, depth);
        return dark.Thickness > 0 ? dark : Near(grey, paper, +1, first, along, deeper, length, depth);
    }

    // The deepest row the band's ink reaches at either end of the side: a straight line fitted (least squares) to the
    // deepest inked row of each column of the side's middle, carried to the side's first and last column, rounded up.
    private static int Deepest(Func<int, int, bool> off, int start, int end, int lo, int span, int length)
    {
        double n = 0, sa = 0, sd = 0, saa = 0, sad = 0;
        for (int a = lo; a < lo + span; a++)
        {
            for (int d = end; d >= start; d--)
            {
                if (off(d, a))
                {
                    (n, sa, sd, saa, sad) = (n + 1, sa + a, sd + d, saa + ((double)a * a), sad + ((double)a * d));
                    break;
                }
            }
        }

        double spread = (n * saa) - (sa * sa);
        if (n < 2 || spread <= 0)
        {
            return end;
        }

        double slope = ((n * sad) - (sa * sd)) / spread, at0 = (sd - (slope * sa)) / n;
        return (int)Math.Ceiling(Math.Max(at0, at0 + (slope * (length - 1))) - 1e-9);
    }

    // The picture's median brightness, its paper: lines and a digit are thin, so most pixels are paper. By a histogram,
    // as a 4000 × 4000 photo is too large to sort.
    private static float MedianLevel(float[] grey)
    {
        var counts = new int[256];
        foreach (float g in grey)
        {
            counts[Math.Clamp((int)(g * 255f + 0.5f), 0, 255)]++;
        }

        for (int level = 0, seen = 0; level < 256; level++)
        {
            seen += counts[level];
            if (2 * seen >= grey.Length)
            {
                return level / 255f;
            }
        }

        return 1f;
    }

    /// <summary>The picture inside the given bands (top, bottom, left, right, as <see cref="Find"/> gives them).</summary>
    public static Rectangle Inside(ReadOnlySpan<Band> bands, int width, int height) =>
        Rectangle.FromLTRB(bands[2].Thickness, bands[0].Thickness, width - bands[3].Thickness, height - bands[1].Thickness);

    private static Band Along(float[] grey, int first, int along, int deeper, int length, int depth)
    {
        int max = (int)(depth * MaxThickness);
        var row = new float[length];
        float Median(int d)
        {
            for (int a = 0, i = first + (d * deeper); a < length; a++, i += along)
            {
                row[a] = grey[i];
            }

            Array.Sort(row);
            return row[length / 2];
        }

        bool OfLevel(int d, float level)
        {
            int near = 0;
            for (int a = 0, i = first + (d * deeper); a < length; a++, i += along)
            {
                near += Math.Abs(grey[i] - level) <= Tolerance ? 1 : 0;
            }

            return near >= Uniform * length;
        }

        if (max < 1 || length < 2)
        {
            return default;
        }

        float level = Median(0);
        int thickness = 0;
        while (thickness < max && OfLevel(thickness, level))
        {
            thickness++;
        }

        // The band ends inside the picture's first quarter, at a row of another level: paper, with the digit's top perhaps.
        if (thickness == 0 || thickness >= max || thickness + MaxRim >= depth)
        {
            return default;
        }

        // The paper is the row, of the first few past the band, least like it: the first may be the line's blurred edge,
        // and a later one may run through the digit where it comes close to the line.
        float[] beyond = [.. Enumerable.Range(thickness, MaxRim + 1).Select(Median)];
        int paperRow = Array.IndexOf(beyond, beyond.MaxBy(m => Math.Abs(m - level)));
        float paper = beyond[paperRow];
        if (Math.Abs(paper - level) < MinContrast)
        {
            return default;
        }

        // A blurred line's edge, fading into the paper over a row or two, goes with the line.
        int rim = 0;
        while (rim < paperRow && Math.Abs(beyond[rim] - paper) > Math.Abs(level - paper) / 4)
        {
            rim++;
        }

        return new Band(thickness + rim, level, paper);
    }

    // A line near the side, not on it: a ruled line or a table's border on a scan or photo rarely sits on the pixel edge.
    // It may start a few rows in (up to about 6 % of the picture), drift along its length (a slant), have gaps (a dashed
    // line) and cover most of the side rather than all of it. What makes it no part of the digit is that it is apart
    // from the rest of the ink: the rows past it hold no ink touching it, where a 7's bar runs on into its stem, and a
    // digit's arc into its sides.
    private static Band Near(float[] grey, float paper, int sign, int first, int along, int deeper, int length, int depth)
    {
        int maxThickness = (int)(depth * MaxThickness);
        int maxOffset = MaxOffset(depth);
        if (length < 8 || maxThickness < 2)
        {
            return default;
        }

        // Only the side's middle is looked at: near its ends run the lines along the sides across it, of a frame.
        int lo = (int)(length * NearCorner) + 1, span = length - (2 * lo);
        bool Off(int d, int a) => sign * (grey[first + (d * deeper) + (a * along)] - paper) >= NearContrast;
        double Cover(int d) => Enumerable.Range(lo, span).Count(a => Off(d, a)) / (double)span;

        int start = 0;
        while (start <= maxOffset && Cover(start) < MinRowCover)
        {
            if (Cover(start) > CleanRow)
            {
                return default;
            }

            start++;
        }

        if (start > maxOffset)
        {
            return default;
        }

        // The band goes on while a row holds ink touching the row before's (8-neighbours): a slant steps a row at a time.
        var covered = new bool[length];
        int end = start;
        while (true)
        {
            for (int a = lo; a < lo + span; a++)
            {
                covered[a] |= Off(end, a);
            }

            int next = end + 1;
            if (next >= maxThickness)
            {
                return default;
            }

            bool touches = Enumerable.Range(lo, span).Any(a => Off(next, a)
                && ((a > 0 && Off(end, a - 1)) || Off(end, a) || (a < length - 1 && Off(end, a + 1))));
            if (!touches)
            {
                break;
            }

            end = next;
        }

        if (covered.Count(c => c) < MinSideCover * span)
        {
            return default;
        }

        // A slanted line goes on deeper past the side's middle, in the corners left out above: the rows it reaches at the
        // side's ends are found by carrying its slope there (a line slanted by 6 px over 200 left its last row at the end,
        // which the crop took in, and the digit was squeezed into the rest of the field). A straight line has no slope.
        end = Math.Min(maxThickness - 1, Math.Max(end, Deepest(Off, start, end, lo, span, length)));

        var levels = new List<float>();
        for (int d = start; d <= end; d++)
        {
            levels.AddRange(Enumerable.Range(lo, span).Where(a => Off(d, a)).Select(a => grey[first + (d * deeper) + (a * along)]));
        }

        levels.Sort();

        // Its blurred edge, faint ink next to its own past it, goes with it (the digit's faint edge, apart from it, not).
        bool Faint(int d, int a) => sign * (grey[first + (d * deeper) + (a * along)] - paper) >= NearContrast / 3;
        int rim = 0;
        while (rim < MaxRim && end + 1 + rim < maxThickness
            && Enumerable.Range(lo, span).Count(a => Faint(end + 1 + rim, a)
                && ((a > 0 && Faint(end + rim, a - 1)) || Faint(end + rim, a) || (a < length - 1 && Faint(end + rim, a + 1)))) > CleanRow * span)
        {
            rim++;
        }

        return new Band(end + 1 + rim, levels[levels.Count / 2], paper);
    }
}
