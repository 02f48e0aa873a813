using SixLabors.ImageSharp;

namespace ScratchNet.Data.Imaging;

/// <summary>
/// Finds lines running the whole length of a picture's sides (a ruled line, a table's border, a frame open on some sides,
/// a strip of desk along a scan's edge), which are no part of the digit: cropped with it they squeeze the digit into a
/// corner of the field, and lines along two opposite sides make the border look like ink, so the paper is taken for it.
/// </summary>
/// <remarks>
/// A line along a side is a band of rows (or columns) from the picture's edge, each nearly all of one grey level, the row
/// beyond it of another: the paper's. Which level is ink is not known yet, so the caller keeps only the bands of the ink's
/// level (<see cref="MnistImagePreprocessor.Prepare"/>). A digit cropped tightly to its strokes can look the same (the top
/// bar of a typed 7 spans the crop), but the rest of it then touches the picture's other sides, where a lined picture has
/// paper; the caller checks that too.
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
        return
        [
            Along(grey, 0, 1, width, width, height),
            Along(grey, (height - 1) * width, 1, -width, width, height),
            Along(grey, 0, width, 1, height, width),
            Along(grey, width - 1, width, -1, height, width),
        ];
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
}
