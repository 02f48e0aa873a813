using SixLabors.ImageSharp;
using SixLabors.ImageSharp.Metadata.Profiles.Exif;
using SixLabors.ImageSharp.PixelFormats;
using SixLabors.ImageSharp.Processing;

namespace ScratchNet.TestSupport;

/// <summary>
/// Renders a 28 × 28 MNIST-layout image (ink high, 0–255) the way a user would photograph or scan it: larger, on paper
/// or a board, under uneven light, on a desk, tightly cropped, drawn with a thin pen, or stored sideways with an EXIF
/// tag. The photo conditions predict must read (tests/photos measures a model on each; the preprocessor's tests use
/// single ones). Deterministic: the same digit and condition give the same pixels.
/// </summary>
public static class PhotoConditions
{
    /// <summary>How much larger than 28 × 28 a digit is rendered, as a phone photo of a handwritten digit is.</summary>
    public const int Scale = 10;

    /// <summary>Every condition, in the order the measurement table lists them.</summary>
    public static IReadOnlyList<string> All { get; } =
    [
        "png28", "grey-paper", "chalk", "white-ink", "tight-dark", "tight-light", "exif-6", "exif-8", "thin-pen",
        "desk", "shade-left-right", "shade-top-bottom", "desk-shaded",
    ];

    /// <summary>The file extension a condition is saved with (JPEG where the EXIF tag is the point).</summary>
    public static string Extension(string condition) => condition.StartsWith("exif", StringComparison.Ordinal) ? ".jpg" : ".png";

    /// <param name="digit">28 × 28 bytes, row-major, ink high (an MNIST or Fashion-MNIST image).</param>
    public static Image<Rgba32> Render(string condition, ReadOnlySpan<byte> digit)
    {
        if (digit.Length != 28 * 28)
        {
            throw new ArgumentException($"digit has {digit.Length} pixels, but 28 × 28 = 784 are expected", nameof(digit));
        }

        float[] ink = Enlarged(digit, Scale);
        byte[] original = digit.ToArray();
        int side = 28 * Scale;
        return condition switch
        {
            // The dataset's own image, saved as a file: white on black, 28 × 28.
            "png28" => Grey(28, 28, (x, y) => original[(y * 28) + x]),
            "grey-paper" => Grey(side, side, (x, y) => Mix(110, 0, ink[(y * side) + x])),
            "chalk" => Grey(side, side, (x, y) => Mix(50, 255, ink[(y * side) + x])),
            "white-ink" => Grey(side, side, (x, y) => Mix(150, 255, ink[(y * side) + x])),
            "tight-dark" => Tight(Grey(side, side, (x, y) => Mix(255, 0, ink[(y * side) + x])), ink, side),
            "tight-light" => Tight(Grey(side, side, (x, y) => Mix(0, 255, ink[(y * side) + x])), ink, side),
            "exif-6" => Sideways(Grey(side, side, (x, y) => Mix(250, 10, ink[(y * side) + x])), RotateMode.Rotate270, 6),
            "exif-8" => Sideways(Grey(side, side, (x, y) => Mix(250, 10, ink[(y * side) + x])), RotateMode.Rotate90, 8),
            "thin-pen" => ThinPen(digit, canvas: 400, width: 3),

            // White paper on a grey-40 desk showing 60 pixels on every side.
            "desk" => OnDesk(side, 60, 40, (x, y) => Mix(255, 0, ink[(y * side) + x])),

            // Light from one side: the paper goes from white to grey-70 left to right, or to grey-40 top to bottom.
            "shade-left-right" => Grey(side, side, (x, y) => Mix(Ramp(255, 70, x, side), 0, ink[(y * side) + x])),
            "shade-top-bottom" => Grey(side, side, (x, y) => Mix(Ramp(255, 40, y, side), 0, ink[(y * side) + x])),
            "desk-shaded" => OnDesk(side, 60, 40, (x, y) => Mix(Ramp(255, 120, x + y, 2 * side), 0, ink[(y * side) + x])),
            _ => throw new ArgumentOutOfRangeException(nameof(condition), condition, $"conditions are {string.Join(", ", All)}"),
        };
    }

    /// <summary>A product photo: the Fashion-MNIST image dark on white paper, 10× larger, with a margin around it.</summary>
    public static Image<Rgba32> ProductPhoto(ReadOnlySpan<byte> product)
    {
        float[] ink = Enlarged(product, Scale);
        int side = 28 * Scale;
        return OnDesk(side, 40, 255, (x, y) => Mix(255, 0, ink[(y * side) + x]));
    }

    private static byte Mix(float paper, float ink, float amount) => (byte)Math.Clamp(MathF.Round(paper + ((ink - paper) * amount)), 0, 255);

    private static float Ramp(float from, float to, int at, int length) => from + ((to - from) * at / (length - 1));

    // The 28 × 28 image enlarged by bicubic interpolation, as ink amounts in [0, 1].
    private static float[] Enlarged(ReadOnlySpan<byte> digit, int scale)
    {
        using Image<L8> small = Image.LoadPixelData<L8>(digit, 28, 28);
        small.Mutate(c => c.Resize(28 * scale, 28 * scale, KnownResamplers.Bicubic));
        int side = 28 * scale;
        var ink = new float[side * side];
        for (int y = 0; y < side; y++)
        {
            for (int x = 0; x < side; x++)
            {
                ink[(y * side) + x] = small[x, y].PackedValue / 255f;
            }
        }

        return ink;
    }

    private static Image<Rgba32> Grey(int width, int height, Func<int, int, byte> level)
    {
        var image = new Image<Rgba32>(width, height);
        for (int y = 0; y < height; y++)
        {
            for (int x = 0; x < width; x++)
            {
                byte v = level(x, y);
                image[x, y] = new Rgba32(v, v, v);
            }
        }

        return image;
    }

    private static Image<Rgba32> OnDesk(int sheet, int margin, byte desk, Func<int, int, byte> paper)
    {
        int side = sheet + (2 * margin);
        return Grey(side, side, (x, y) =>
            x >= margin && x < margin + sheet && y >= margin && y < margin + sheet ? paper(x - margin, y - margin) : desk);
    }

    // Cropped to the ink's box, so the strokes touch the frame.
    private static Image<Rgba32> Tight(Image<Rgba32> image, float[] ink, int side)
    {
        int left = side, top = side, right = -1, bottom = -1;
        for (int y = 0; y < side; y++)
        {
            for (int x = 0; x < side; x++)
            {
                if (ink[(y * side) + x] > 0.5f)
                {
                    (left, right, top, bottom) = (Math.Min(left, x), Math.Max(right, x), Math.Min(top, y), Math.Max(bottom, y));
                }
            }
        }

        image.Mutate(c => c.Crop(new Rectangle(left, top, right - left + 1, bottom - top + 1)));
        return image;
    }

    // The pixels as a phone's sensor stores them, and the EXIF orientation that turns them upright.
    private static Image<Rgba32> Sideways(Image<Rgba32> upright, RotateMode stored, ushort orientation)
    {
        upright.Mutate(c => c.Rotate(stored));
        upright.Metadata.ExifProfile = new ExifProfile();
        upright.Metadata.ExifProfile.SetValue(ExifTag.Orientation, orientation);
        return upright;
    }

    // The digit's skeleton (Zhang–Suen thinning of its ink) traced with a pen of the given width on a white canvas.
    private static Image<Rgba32> ThinPen(ReadOnlySpan<byte> digit, int canvas, int width)
    {
        bool[] skeleton = Skeleton(digit);
        float step = canvas / 28f;
        var segments = new List<(float X0, float Y0, float X1, float Y1)>();
        for (int y = 0; y < 28; y++)
        {
            for (int x = 0; x < 28; x++)
            {
                if (!skeleton[(y * 28) + x])
                {
                    continue;
                }

                segments.Add((x, y, x, y));
                foreach ((int dx, int dy) in new[] { (1, 0), (0, 1), (1, 1), (-1, 1) })
                {
                    int nx = x + dx, ny = y + dy;
                    if (nx is >= 0 and < 28 && ny < 28 && skeleton[(ny * 28) + nx])
                    {
                        segments.Add((x, y, nx, ny));
                    }
                }
            }
        }

        float half = width / 2f;
        return Grey(canvas, canvas, (px, py) =>
        {
            float x = (px + 0.5f) / step, y = (py + 0.5f) / step;
            float nearest = segments.Min(s => SegmentDistance(x - 0.5f, y - 0.5f, s)) * step;
            return nearest <= half ? (byte)0 : (byte)255;
        });
    }

    private static float SegmentDistance(float x, float y, (float X0, float Y0, float X1, float Y1) s)
    {
        float dx = s.X1 - s.X0, dy = s.Y1 - s.Y0;
        float length2 = (dx * dx) + (dy * dy);
        float t = length2 == 0 ? 0 : Math.Clamp((((x - s.X0) * dx) + ((y - s.Y0) * dy)) / length2, 0f, 1f);
        float ex = s.X0 + (t * dx) - x, ey = s.Y0 + (t * dy) - y;
        return MathF.Sqrt((ex * ex) + (ey * ey));
    }

    // Zhang & Suen (1984): peel boundary pixels in two alternating sub-steps until only a one-pixel-wide line is left.
    private static bool[] Skeleton(ReadOnlySpan<byte> digit)
    {
        var on = new bool[28 * 28];
        for (int i = 0; i < on.Length; i++)
        {
            on[i] = digit[i] > 127;
        }

        bool changed = true;
        while (changed)
        {
            changed = false;
            for (int pass = 0; pass < 2; pass++)
            {
                var remove = new List<int>();
                for (int y = 1; y < 27; y++)
                {
                    for (int x = 1; x < 27; x++)
                    {
                        if (!on[(y * 28) + x])
                        {
                            continue;
                        }

                        // Neighbours P2..P9 clockwise from north.
                        bool[] p = [on[((y - 1) * 28) + x], on[((y - 1) * 28) + x + 1], on[(y * 28) + x + 1], on[((y + 1) * 28) + x + 1],
                                    on[((y + 1) * 28) + x], on[((y + 1) * 28) + x - 1], on[(y * 28) + x - 1], on[((y - 1) * 28) + x - 1]];
                        int neighbours = p.Count(b => b);
                        int transitions = Enumerable.Range(0, 8).Count(k => !p[k] && p[(k + 1) % 8]);
                        bool first = pass == 0 ? !(p[0] && p[2] && p[4]) && !(p[2] && p[4] && p[6]) : !(p[0] && p[2] && p[6]) && !(p[0] && p[4] && p[6]);
                        if (neighbours is >= 2 and <= 6 && transitions == 1 && first)
                        {
                            remove.Add((y * 28) + x);
                        }
                    }
                }

                remove.ForEach(i => on[i] = false);
                changed |= remove.Count > 0;
            }
        }

        return on;
    }
}
