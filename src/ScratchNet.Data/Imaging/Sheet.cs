using SixLabors.ImageSharp;

namespace ScratchNet.Data.Imaging;

/// <summary>
/// Finds a sheet of paper (or a board) photographed on a surface of another brightness, a desk showing around it, so the
/// digit is looked for on the sheet and not taken to be the sheet itself.
/// </summary>
/// <remarks>
/// The image is split into its brighter and darker pixels (Otsu's threshold). The frame's surface is what the edge of the
/// picture mostly shows, and everything of that class connected to the edge is the desk. What the desk encloses is a
/// sheet when it is one region, apart from the frame, big, nearly rectangular (a sheet lying at any angle fills most of
/// its smallest enclosing rectangle), and holds some pixels of the desk's class: the ink. A digit drawn light on dark
/// (MNIST's own images) is enclosed by its background too, but a digit is no rectangle: a 0 fills about π/4 of its
/// rectangle, an 8 less, and a 1 holds no ink of the other class.
/// </remarks>
public static class Sheet
{
    // A sheet fills at least this share of its smallest rectangle: 1 when it lies flat, about 0.9 when a corner curls.
    private const double MinRectangularity = 0.88;

    // Of the picture's area: a sheet the photo was taken of covers a good part of it.
    private const double MinArea = 0.10;

    // The longest side the sheet is looked for at: a sheet is hundreds of pixels across in any photo of it.
    private const int AnalysisSide = 512;

    // Of the sheet's pixels: a digit's ink covers a few percent of its sheet at least, and not half of it.
    private const double MinInk = 0.01;
    private const double MaxInk = 0.5;

    /// <summary>A sheet found in a picture.</summary>
    /// <param name="Box">The sheet's bounding box in the picture.</param>
    /// <param name="OffSheet">Box.Width × Box.Height flags: the desk around the sheet's edge (and a rim along it, where desk and paper blur into each other), which is no part of the sheet.</param>
    /// <param name="Paper">The paper's grey level (its median), in [0, 1].</param>
    public sealed record Region(Rectangle Box, bool[] OffSheet, float Paper);

    /// <param name="grey">Width × Height grey levels in [0, 1].</param>
    /// <returns>The sheet, or null when the picture's edge shows the same surface the digit lies on.</returns>
    public static Region? Find(float[] grey, int width, int height)
    {
        ArgumentNullException.ThrowIfNull(grey);

        // A sheet is large, so it is looked for in a copy at most AnalysisSide pixels across: in a 12-megapixel photo the
        // flood fills would otherwise cost seconds and hundreds of megabytes. Each full-size pixel then takes its
        // off-sheet flag from the small pixel it fell in.
        int step = (int)Math.Ceiling(Math.Max(width, height) / (double)AnalysisSide);
        if (step <= 1)
        {
            return FindAtThisScale(grey, width, height);
        }

        (int w, int h) = ((width + step - 1) / step, (height + step - 1) / step);
        if (FindAtThisScale(Shrunk(grey, width, height, step, w, h), w, h) is not { } small)
        {
            return null;
        }

        var box = Rectangle.FromLTRB(small.Box.Left * step, small.Box.Top * step, Math.Min(width, small.Box.Right * step), Math.Min(height, small.Box.Bottom * step));
        var offSheet = new bool[box.Width * box.Height];
        for (int y = 0; y < box.Height; y++)
        {
            int sy = Math.Min(small.Box.Height - 1, ((box.Top + y) / step) - small.Box.Top);
            for (int x = 0; x < box.Width; x++)
            {
                int sx = Math.Min(small.Box.Width - 1, ((box.Left + x) / step) - small.Box.Left);
                offSheet[(y * box.Width) + x] = small.OffSheet[(sy * small.Box.Width) + sx];
            }
        }

        return new Region(box, offSheet, small.Paper);
    }

    // Each step × step block's mean (the blocks along the right and bottom edges may be smaller).
    private static float[] Shrunk(float[] grey, int width, int height, int step, int w, int h)
    {
        var sum = new double[w * h];
        var count = new int[w * h];
        for (int y = 0; y < height; y++)
        {
            for (int x = 0; x < width; x++)
            {
                int i = ((y / step) * w) + (x / step);
                sum[i] += grey[(y * width) + x];
                count[i]++;
            }
        }

        var small = new float[w * h];
        for (int i = 0; i < small.Length; i++)
        {
            small[i] = (float)(sum[i] / count[i]);
        }

        return small;
    }

    private static Region? FindAtThisScale(float[] grey, int width, int height)
    {
        float threshold = Otsu(grey);
        int borderDark = 0, border = 0;
        ForEachBorderPixel(width, height, i =>
        {
            border++;
            borderDark += grey[i] < threshold ? 1 : 0;
        });
        bool deskIsDark = borderDark * 2 >= border;
        var isDeskClass = new bool[grey.Length];
        for (int i = 0; i < grey.Length; i++)
        {
            isDeskClass[i] = grey[i] < threshold == deskIsDark;
        }

        bool[] desk = ConnectedToBorder(isDeskClass, width, height);
        (List<int> sheet, Rectangle box) = LargestRegion(desk, width, height);
        if (sheet.Count < MinArea * width * height || box.Left == 0 || box.Top == 0 || box.Right == width || box.Bottom == height)
        {
            return null;
        }

        int ink = sheet.Count(i => isDeskClass[i]);
        if (ink < MinInk * sheet.Count || ink > MaxInk * sheet.Count || sheet.Count < MinRectangularity * SmallestRectangleArea(sheet, desk, width))
        {
            return null;
        }

        var onSheet = new bool[box.Width * box.Height];
        foreach (int i in sheet)
        {
            onSheet[((i / width) - box.Top) * box.Width + (i % width) - box.Left] = true;
        }

        List<float> paper = [.. sheet.Where(i => !isDeskClass[i]).Select(i => grey[i])];
        paper.Sort();

        // Where desk and paper meet, the pixels blur into greys between the two (and a JPEG rings); a rim of a few pixels
        // along the edge is left out with the desk, or it would read as a line of ink around the whole sheet.
        int rim = 2 + (Math.Min(box.Width, box.Height) / 100);
        return new Region(box, FarFromSheet(onSheet, box.Width, box.Height, rim), paper[paper.Count / 2]);
    }

    // Otsu (1979): the grey level that splits the histogram into two classes with the largest between-class variance.
    private static float Otsu(ReadOnlySpan<float> grey)
    {
        var histogram = new long[256];
        foreach (float g in grey)
        {
            histogram[Math.Clamp((int)(g * 255f), 0, 255)]++;
        }

        double total = grey.Length, sumAll = 0;
        for (int k = 0; k < 256; k++)
        {
            sumAll += k * (double)histogram[k];
        }

        double below = 0, sumBelow = 0, best = -1;
        int level = 128;
        for (int k = 0; k < 256; k++)
        {
            below += histogram[k];
            sumBelow += k * (double)histogram[k];
            double above = total - below;
            if (below == 0 || above == 0)
            {
                continue;
            }

            double meanBelow = sumBelow / below, meanAbove = (sumAll - sumBelow) / above;
            double between = below * above * (meanBelow - meanAbove) * (meanBelow - meanAbove);
            if (between > best)
            {
                (best, level) = (between, k);
            }
        }

        return (level + 1) / 255f;
    }

    private static void ForEachBorderPixel(int width, int height, Action<int> visit)
    {
        for (int x = 0; x < width; x++)
        {
            visit(x);
            if (height > 1)
            {
                visit(((height - 1) * width) + x);
            }
        }

        for (int y = 1; y < height - 1; y++)
        {
            visit(y * width);
            if (width > 1)
            {
                visit((y * width) + width - 1);
            }
        }
    }

    // Flood fill (4-connected) from the border through the pixels of one class.
    private static bool[] ConnectedToBorder(bool[] inClass, int width, int height)
    {
        var reached = new bool[inClass.Length];
        var queue = new Queue<int>();
        ForEachBorderPixel(width, height, i =>
        {
            if (inClass[i] && !reached[i])
            {
                reached[i] = true;
                queue.Enqueue(i);
            }
        });
        Flood(queue, reached, i => inClass[i], width, height, null);
        return reached;
    }

    // The largest 4-connected region of pixels not in the desk, and its bounding box.
    private static (List<int> Pixels, Rectangle Box) LargestRegion(bool[] desk, int width, int height)
    {
        var seen = (bool[])desk.Clone();
        List<int> largest = [];
        for (int start = 0; start < seen.Length; start++)
        {
            if (seen[start])
            {
                continue;
            }

            seen[start] = true;
            var region = new List<int> { start };
            var queue = new Queue<int>([start]);
            Flood(queue, seen, i => !desk[i], width, height, region);
            if (region.Count > largest.Count)
            {
                largest = region;
            }
        }

        int left = width, top = height, right = -1, bottom = -1;
        foreach (int i in largest)
        {
            (left, right, top, bottom) = (Math.Min(left, i % width), Math.Max(right, i % width), Math.Min(top, i / width), Math.Max(bottom, i / width));
        }

        return (largest, largest.Count == 0 ? Rectangle.Empty : new Rectangle(left, top, right - left + 1, bottom - top + 1));
    }

    private static void Flood(Queue<int> queue, bool[] seen, Func<int, bool> passable, int width, int height, List<int>? visited)
    {
        while (queue.TryDequeue(out int i))
        {
            int x = i % width, y = i / width;
            foreach (int n in (ReadOnlySpan<int>)[x > 0 ? i - 1 : -1, x < width - 1 ? i + 1 : -1, y > 0 ? i - width : -1, y < height - 1 ? i + width : -1])
            {
                if (n >= 0 && !seen[n] && passable(n))
                {
                    seen[n] = true;
                    queue.Enqueue(n);
                    visited?.Add(n);
                }
            }
        }
    }

    // The area of the smallest rectangle, at any angle in whole degrees, around the region's outline.
    private static double SmallestRectangleArea(List<int> region, bool[] desk, int width)
    {
        // The outline is enough: a rectangle holds the region exactly when it holds its outline.
        List<(int X, int Y)> outline = [.. region
            .Where(i => i % width == 0 || i % width == width - 1 || i < width || i + width >= desk.Length || desk[i - 1] || desk[i + 1] || desk[i - width] || desk[i + width])
            .Select(i => (i % width, i / width))];
        double smallest = double.MaxValue;
        for (int degrees = 0; degrees < 90; degrees++)
        {
            double c = Math.Cos(degrees * Math.PI / 180), s = Math.Sin(degrees * Math.PI / 180);
            double uMin = double.MaxValue, uMax = double.MinValue, vMin = double.MaxValue, vMax = double.MinValue;
            foreach ((int x, int y) in outline)
            {
                double u = (x * c) + (y * s), v = (y * c) - (x * s);
                (uMin, uMax, vMin, vMax) = (Math.Min(uMin, u), Math.Max(uMax, u), Math.Min(vMin, v), Math.Max(vMax, v));
            }

            smallest = Math.Min(smallest, (uMax - uMin + 1) * (vMax - vMin + 1));
        }

        return smallest;
    }

    // True where no sheet pixel is, or one is within `rim` pixels (chessboard distance) of the desk or the box's edge:
    // the classic two-pass distance transform (Rosenfeld & Pfaltz 1966), cut off at the rim.
    private static bool[] FarFromSheet(bool[] onSheet, int width, int height, int rim)
    {
        var distance = new int[onSheet.Length];
        for (int pass = 0; pass < 2; pass++)
        {
            int step = pass == 0 ? 1 : -1;
            for (int y = pass == 0 ? 0 : height - 1; y >= 0 && y < height; y += step)
            {
                for (int x = pass == 0 ? 0 : width - 1; x >= 0 && x < width; x += step)
                {
                    int i = (y * width) + x;
                    if (!onSheet[i])
                    {
                        distance[i] = 0;
                        continue;
                    }

                    // Beyond the box counts as desk, so the box's edge is one pixel from it.
                    int nearest = pass == 0 ? 1 + Math.Min(x, y) : Math.Min(distance[i], 1 + Math.Min(width - 1 - x, height - 1 - y));
                    foreach ((int dx, int dy) in (ReadOnlySpan<(int, int)>)[(-step, 0), (0, -step), (-step, -step), (step, -step)])
                    {
                        int nx = x + dx, ny = y + dy;
                        if (nx >= 0 && nx < width && ny >= 0 && ny < height)
                        {
                            nearest = Math.Min(nearest, distance[(ny * width) + nx] + 1);
                        }
                    }

                    distance[i] = nearest;
                }
            }
        }

        return [.. distance.Select(d => d <= rim)];
    }
}
