namespace ScratchNet.Data.Imaging;

/// <summary>
/// What about a preprocessed picture makes it unlike one centred digit on evenly lit paper, which is all a model trained
/// on MNIST has seen: ink along the picture's edge (a desk, a shadow, a neighbouring digit, a cut-off stroke), paper that
/// is still uneven after its background was levelled (a hard shadow), or an amount of ink MNIST's digits never have.
/// </summary>
public static class ImageOddities
{
    // Of the picture's edge: a digit cropped tightly to its strokes touches it along up to about 40 % (a 0 at four arcs,
    // a bold 1 across its ends); a desk showing on two sides or more, or a shadow's edge, runs along more.
    private const double MaxEdgeInk = 0.5;

    // The mean ink left on the paper after levelling: evenly lit or evenly shaded paper leaves about 0.01, a tight crop
    // (more of it the anti-aliased edges of strokes) up to about 0.04; a shadow with a hard edge leaves more.
    private const double MaxPaperInk = 0.08;

    // The share of a 28 × 28 field that is ink above half: 3.3 % to 30 % for 99.8 % of MNIST's t10k digits.
    private const double MinFieldInk = 0.02;
    private const double MaxFieldInk = 0.40;

    /// <summary>The measurements the oddities are judged by.</summary>
    /// <param name="EdgeInk">The share of the picture's edge pixels that are ink.</param>
    /// <param name="PaperInk">The mean ink of the pixels that are not strokes: 0 on perfectly even paper.</param>
    /// <param name="FieldInk">The share of the model's input above half ink.</param>
    public sealed record Measures(double EdgeInk, double PaperInk, double FieldInk);

    /// <param name="ink">The picture's ink, Width × Height values in [0, 1] after levelling and stretching.</param>
    /// <param name="offSheet">The pixels of a desk around the sheet, left out; or null.</param>
    /// <param name="field">The model's input made from it.</param>
    public static Measures Measure(ReadOnlySpan<float> ink, int width, int height, bool[]? offSheet, ReadOnlySpan<float> field)
    {
        int edge = 0, edgeInk = 0, paper = 0;
        double paperInk = 0;
        for (int y = 0; y < height; y++)
        {
            for (int x = 0; x < width; x++)
            {
                int i = (y * width) + x;
                if (offSheet is not null && offSheet[i])
                {
                    continue;
                }

                bool stroke = ink[i] >= MnistImagePreprocessor.InkThreshold;
                if (x == 0 || y == 0 || x == width - 1 || y == height - 1)
                {
                    edge++;
                    edgeInk += stroke ? 1 : 0;
                }

                if (!stroke)
                {
                    paper++;
                    paperInk += ink[i];
                }
            }
        }

        int fieldInk = 0;
        foreach (float v in field)
        {
            fieldInk += v > 0.5f ? 1 : 0;
        }

        return new Measures(edge == 0 ? 0 : (double)edgeInk / edge, paper == 0 ? 0 : paperInk / paper, field.IsEmpty ? 0 : (double)fieldInk / field.Length);
    }

    /// <summary>The oddities of a preprocessed picture; none for one clean digit.</summary>
    public static IReadOnlyList<PreparedImage.Oddity> Of(ReadOnlySpan<float> ink, int width, int height, bool[]? offSheet, ReadOnlySpan<float> field, ImageField shape)
    {
        ArgumentNullException.ThrowIfNull(shape);
        Measures m = Measure(ink, width, height, offSheet, field);
        var oddities = new List<PreparedImage.Oddity>();
        if (m.EdgeInk > MaxEdgeInk)
        {
            oddities.Add(new($"ink runs along {m.EdgeInk:P0} of the picture's edge (a desk, a shadow, another digit?)", "crop to the paper around the digit, or photograph the whole sheet with the desk showing all round"));
        }

        if (m.PaperInk > MaxPaperInk)
        {
            oddities.Add(new("the paper is uneven even after levelling its light (a shadow?)", "photograph it in more even light"));
        }

        // A product fills its field however much of it is cloth; only a digit's share of ink is known.
        if (shape.ByCentreOfMass && (m.FieldInk < MinFieldInk || m.FieldInk > MaxFieldInk))
        {
            oddities.Add(new($"{m.FieldInk:P0} of the input is ink, where MNIST's digits have 3 % to 30 %", m.FieldInk < MinFieldInk
                ? "write the digit with a bolder pen, or crop closer to it"
                : "crop to one digit, with plain paper around it"));
        }

        return oddities;
    }
}
