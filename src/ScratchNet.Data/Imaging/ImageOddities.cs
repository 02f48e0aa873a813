namespace ScratchNet.Data.Imaging;

/// <summary>
/// What about a preprocessed picture makes it unlike one centred digit on evenly lit paper, which is all a model trained
/// on MNIST has seen: ink along the picture's edge (a desk, a shadow, a neighbouring digit, a cut-off stroke), paper that
/// is still uneven after its background was levelled (a hard shadow), or an amount of ink MNIST's digits never have.
/// </summary>
public static class ImageOddities
{
    // A side of the picture is inked when this share of it is ink, corners included: a desk showing along it, a shadow's
    // edge, the edge of a sheet. A digit cropped tightly to its strokes touches each side at an arc or two, rounding off
    // the corners, or runs along a side only across a short one (the end of a 1), which is not counted.
    private const double InkedSide = 0.9;

    // Of the paper: pixels brighter than the surface fitted under them by more than JPEG's noise (4 %, and 4 grey
    // levels). Ink only ever darkens paper, so where the paper is brighter than its surface the surface does not fit: a
    // shadow with a hard edge, or a glare, that no smooth surface follows. Evenly lit or smoothly shaded paper has under 2 % (the rim of a sheet, a
    // tight crop's scraps of paper between strokes); a shadow's edge across a third of the page gives 6 %.
    private const double MaxMisfit = 0.03;
    private const float Brighter = 0.04f;
    private const float Noise = 0.015f;

    // The share of a 28 × 28 field that is ink above half: 3.3 % to 30 % for 99.8 % of MNIST's t10k digits.
    private const double MinFieldInk = 0.02;
    private const double MaxFieldInk = 0.40;

    /// <summary>The measurements the oddities are judged by.</summary>
    /// <param name="InkedSides">How many of the picture's sides (of at least half its longer side's length) are ink nearly all along.</param>
    /// <param name="Misfit">The share of the picture's pixels brighter than the paper surface fitted under them, judged by blocks that average out its noise.</param>
    /// <param name="FieldInk">The share of the model's input above half ink.</param>
    public sealed record Measures(int InkedSides, double Misfit, double FieldInk);

    /// <summary>A picture after its background was levelled, before its grey levels are made into ink; arrays Width × Height, paper bright.</summary>
    /// <param name="Grey">The grey levels, negated when the ink was light (its first Width × Height values; it may be longer).</param>
    /// <param name="Paper">The paper surface fitted under them.</param>
    /// <param name="OffSheet">The pixels of a desk around the sheet, left out; or null.</param>
    /// <param name="Noise">The deviation of the picture's pixel noise (<see cref="PixelNoise"/>), in grey levels of [0, 1].</param>
    /// <param name="Strongest">The strongest ink, which the ink is stretched by so it is 1.</param>
    public sealed record Levelled(float[] Grey, PaperLevel Paper, int Width, int Height, bool[]? OffSheet, float Noise, float Strongest);

    /// <summary>The measures of the picture itself, taken while its grey levels and paper are there (the ink then replaces them).</summary>
    /// <param name="InkedSides">As in <see cref="Measures"/>.</param>
    /// <param name="Misfit">As in <see cref="Measures"/>.</param>
    public sealed record Picture(int InkedSides, double Misfit);

    /// <summary>Measures a levelled picture: its inked sides and how far its paper misfits the surface.</summary>
    public static Picture MeasurePicture(Levelled picture)
    {
        ArgumentNullException.ThrowIfNull(picture);
        (int width, int height, bool[]? offSheet) = (picture.Width, picture.Height, picture.OffSheet);
        (int pixels, int misfit, int block) = Misfit(picture);

        // Top, bottom, left, right: (first pixel, step to the next, step one row deeper in, length).
        int inkedSides = 0;
        foreach ((int first, int step, int deeper, int length) in (ReadOnlySpan<(int, int, int, int)>)[(0, 1, width, width), ((height - 1) * width, 1, -width, width), (0, width, 1, height), (width - 1, width, -1, height)])
        {
            int on = 0, inked = 0;
            for (int k = 0, i = first; k < length; k++, i += step)
            {
                if (offSheet is null || !offSheet[i])
                {
                    on++;
                    inked += IsInkAlongTheSide(picture, first, step, deeper, length, k, block) ? 1 : 0;
                }
            }

            bool corners = IsInkAlongTheSide(picture, first, step, deeper, length, 0, block) && IsInkAlongTheSide(picture, first, step, deeper, length, length - 1, block);
            inkedSides += 2 * length >= Math.Max(width, height) && corners && inked >= InkedSide * on ? 1 : 0;
        }

        return new Picture(inkedSides, pixels == 0 ? 0 : (double)misfit / pixels);
    }

    // Whether the side is ink at its k-th pixel, judged on the block × block pixels from the edge around it, as the misfit
    // is: on a grainy picture a shadow along a side 90 grey levels darker (20 deviations of the noise) is, pixel by pixel,
    // only sometimes past the ink's floor of three deviations and a quarter of the strongest ink, and the side was not
    // counted. The block's mean has the noise divided by its side, so its floor is too. On a clean picture the block is the
    // pixel, and this is the ink as the crop sees it.
    private static bool IsInkAlongTheSide(Levelled picture, int first, int step, int deeper, int length, int k, int block)
    {
        (int depth, bool[]? offSheet) = (step == 1 ? picture.Height : picture.Width, picture.OffSheet);
        int from = Math.Clamp(k - (block / 2), 0, Math.Max(0, length - block));
        double grey = 0, paper = 0;
        int count = 0;
        for (int a = from; a < Math.Min(length, from + block); a++)
        {
            for (int d = 0; d < Math.Min(depth, block); d++)
            {
                int i = first + (a * step) + (d * deeper);
                if (offSheet is null || !offSheet[i])
                {
                    (grey, paper, count) = (grey + picture.Grey[i], paper + picture.Paper[i], count + 1);
                }
            }
        }

        float floor = MnistImagePreprocessor.InkFloor(picture.Noise) / block;
        return count > 0 && MnistImagePreprocessor.InkOf((float)(grey / count), (float)(paper / count), floor, picture.Strongest) >= MnistImagePreprocessor.InkThreshold;
    }

    /// <param name="picture">The picture's own measures (<see cref="MeasurePicture"/>).</param>
    /// <param name="field">The model's input made from the picture.</param>
    public static Measures Measure(Picture picture, ReadOnlySpan<float> field)
    {
        ArgumentNullException.ThrowIfNull(picture);
        int fieldInk = 0;
        foreach (float v in field)
        {
            fieldInk += v > 0.5f ? 1 : 0;
        }

        return new Measures(picture.InkedSides, picture.Misfit, field.IsEmpty ? 0 : (double)fieldInk / field.Length);
    }

    // The paper's pixels, and those brighter than the surface under them, judged block by block: on a grainy picture a
    // single pixel is as often brighter than its paper as darker, by the noise alone, so the misfit is judged on the mean
    // of blocks large enough to average the noise well below the margin (b × b pixels divide its deviation by b). A
    // shadow's edge or a glare covers many blocks, and is still found; on a clean picture the blocks are single pixels.
    private static (int Pixels, int Misfit, int Block) Misfit(Levelled picture)
    {
        (int width, int height, bool[]? offSheet) = (picture.Width, picture.Height, picture.OffSheet);
        double paperSum = 0;
        int pixels = 0;
        for (int i = 0; i < picture.Paper.Count; i++)
        {
            if (offSheet is null || !offSheet[i])
            {
                (paperSum, pixels) = (paperSum + picture.Paper[i], pixels + 1);
            }
        }

        float margin = Math.Max(Noise, Brighter * (float)(pixels == 0 ? 1 : paperSum / pixels));
        int block = Math.Clamp((int)Math.Ceiling(3 * picture.Noise / margin), 1, Math.Max(1, Math.Min(width, height) / 8));
        int misfit = 0;
        for (int top = 0; top < height; top += block)
        {
            for (int left = 0; left < width; left += block)
            {
                double above = 0, paper = 0;
                int count = 0;
                for (int y = top; y < Math.Min(height, top + block); y++)
                {
                    for (int x = left; x < Math.Min(width, left + block); x++)
                    {
                        int i = (y * width) + x;
                        if (offSheet is null || !offSheet[i])
                        {
                            float level = picture.Paper.At(x, y);
                            (above, paper, count) = (above + picture.Grey[i] - level, paper + level, count + 1);
                        }
                    }
                }

                misfit += count > 0 && above / count > Brighter * paper / count && above / count > Noise ? count : 0;
            }
        }

        return (pixels, misfit, block);
    }

    /// <summary>The oddities of a preprocessed digit's picture; none for one clean digit.</summary>
    /// <remarks>A product fills its picture, cloth and all, and is photographed on anything: these are a digit's measures, not asked of a product.</remarks>
    public static IReadOnlyList<PreparedImage.Oddity> Of(Picture picture, ReadOnlySpan<float> field)
    {
        var oddities = new List<PreparedImage.Oddity>();
        Measures m = Measure(picture, field);
        if (m.InkedSides > 0)
        {
            oddities.Add(new($"ink runs all along {m.InkedSides} of the picture's sides (a desk, a shadow's edge, the sheet's edge?)", "crop to the paper around the digit, or photograph the whole sheet with the desk showing all round"));
        }

        if (m.Misfit > MaxMisfit)
        {
            oddities.Add(new("the light on the paper is uneven in a way levelling cannot follow (a shadow's edge, a glare?)", "photograph it in more even light"));
        }

        if (m.FieldInk < MinFieldInk || m.FieldInk > MaxFieldInk)
        {
            oddities.Add(new($"{m.FieldInk:P0} of the input is ink, where MNIST's digits have 3 % to 30 %", m.FieldInk < MinFieldInk
                ? "write the digit with a bolder pen, or crop closer to it"
                : "crop to one digit, with plain paper around it"));
        }

        return oddities;
    }
}
