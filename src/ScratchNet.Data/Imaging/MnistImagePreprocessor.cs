using System.Runtime.CompilerServices;
using ScratchNet.Files;
using SixLabors.ImageSharp;
using SixLabors.ImageSharp.Formats;
using SixLabors.ImageSharp.Formats.Bmp;
using SixLabors.ImageSharp.Formats.Gif;
using SixLabors.ImageSharp.Formats.Jpeg;
using SixLabors.ImageSharp.Formats.Pbm;
using SixLabors.ImageSharp.Formats.Png;
using SixLabors.ImageSharp.Formats.Tga;
using SixLabors.ImageSharp.Formats.Tiff;
using SixLabors.ImageSharp.Memory;
using SixLabors.ImageSharp.Metadata;
using SixLabors.ImageSharp.PixelFormats;
using SixLabors.ImageSharp.Processing;

namespace ScratchNet.Data.Imaging;

/// <summary>
/// Turns a photo or drawing of one digit into an MNIST-style 28×28 input, the way the MNIST images were made
/// (LeCun et al.): grayscale, the digit light on black, cropped to the digit, scaled so its longer side is 20
/// pixels (aspect kept, anti-aliased), and placed in a 28×28 field with its centre of mass at the centre. Other
/// fields (another IDX set's size, Fashion-MNIST's way of filling the field) are an <see cref="ImageField"/>.
/// </summary>
/// <remarks>
/// A photo is not a scan, so before that the picture is made to look like one: a sheet lying on a desk is cut out
/// (<see cref="Sheet"/>), and light falling unevenly across the paper is levelled (<see cref="PaperSurface"/>). The
/// steps, in order, are in <see cref="Prepare"/>; what still looked odd is reported (<see cref="ImageOddities"/>).
/// </remarks>
public static class MnistImagePreprocessor
{
    /// <summary>The most pixels an image may have (width × height, as 4096 × 4096); refused before decoding, so a forged header cannot make the decoder allocate gigabytes.</summary>
    public const int MaxPixels = 4096 * 4096;

    /// <summary>The largest image file read: a digit photo is a few megabytes at most.</summary>
    public const long MaxFileBytes = 64L << 20;

    /// <summary>
    /// The decoder's configuration: only the first frame of an animation is decoded (the pixel bound is per frame, so a
    /// small animated GIF of thousands of large frames would otherwise decode to gigabytes), and no single buffer may
    /// exceed what one bounded frame needs.
    /// </summary>
    internal static readonly Configuration Decoding = CreateDecoding();

    // The mean stroke width (pixels above half ink) below which a digit's strokes are widened: MNIST's t10k digits have
    // a median of 1.8 pixels, and 1 % of them less than 1.0; a pen trace shrunk into the field is one pixel wide or less.
    private const double ThinStroke = 1.0;

    /// <summary>A pixel belongs to the digit when its ink is at least this share of the strongest stroke's.</summary>
    public const float InkThreshold = 0.25f;

    /// <summary>Reads and preprocesses an image file (PNG, JPEG, or any format ImageSharp decodes).</summary>
    /// <param name="field">The input to make; MNIST's 28 × 28 when null.</param>
    /// <returns>Width × Height values in [0, 1] (784 for MNIST), row-major, ink high, like the training data.</returns>
    /// <exception cref="InputImageException">The file is missing, not an image, too large, or blank.</exception>
    public static float[] Load(string path, ImageField? field = null) => Read(path, field).Pixels;

    /// <summary>Preprocesses an encoded image held in a seekable stream (an upload), with the same limits as a file.</summary>
    /// <param name="source">Where the image came from, for error messages.</param>
    /// <param name="field">The input to make; MNIST's 28 × 28 when null.</param>
    /// <exception cref="InputImageException">The bytes are not an image, the image is too large, or blank.</exception>
    public static float[] Load(Stream stream, string source, ImageField? field = null) => Read(stream, source, field).Pixels;

    /// <summary>As <see cref="Load(string, ImageField?)"/>, and says what about the picture looked odd.</summary>
    /// <exception cref="InputImageException">The file is missing, not an image, too large, or blank.</exception>
    public static PreparedImage Read(string path, ImageField? field = null) => Read(path, (image, source) => PrepareDecoded(image, source, field), greyAsBytes: true);

    /// <summary>
    /// Reads an image already at the model's input size and takes its grey levels as they are, light as ink, as IDX files
    /// store them (an IDX set's own images saved as PNG): no cropping, resizing or centring, which would make another image.
    /// </summary>
    /// <exception cref="InputImageException">The file is missing, not an image, or not <paramref name="field"/>'s size.</exception>
    public static PreparedImage ReadAsIs(string path, ImageField field)
    {
        ArgumentNullException.ThrowIfNull(field);
        return Read(path, (image, source) => AsIs((Image<Rgba32>)image, source, field), greyAsBytes: false);
    }

    private static PreparedImage Read(string path, Func<Image, string, PreparedImage> prepare, bool greyAsBytes)
    {
        // An empty name is the user's (predict's argument from an unset variable): InputFile refuses it as that image's failure.
        ArgumentNullException.ThrowIfNull(path);
        byte[] bytes;
        try
        {
            // A device or a pipe named as an image would be read forever, or block; only a regular file is read.
            bytes = InputFile.ReadAllBytes(path, MaxFileBytes, "the image file");
        }
        catch (InputFileException e)
        {
            throw new InputImageException($"{e.Message}; give {Readable}.", e);
        }

        using var stream = new MemoryStream(bytes, writable: false);
        // The name only goes into messages: shown as every line for a person shows it.
        return Read(stream, ShownName.Of(path), prepare, greyAsBytes);
    }

    /// <summary>As <see cref="Load(Stream, string, ImageField?)"/>, and says what about the picture looked odd.</summary>
    /// <exception cref="InputImageException">The bytes are not an image, the image is too large, or blank.</exception>
    public static PreparedImage Read(Stream stream, string source, ImageField? field = null) => Read(stream, source, (image, name) => PrepareDecoded(image, name, field), greyAsBytes: true);

    // A decoded picture is needed only for its grey levels: it is let go before they are prepared, so a 16-megapixel
    // photo does not hold its 64 MB of colour while the grey levels, the paper and the ink are worked out beside it; and
    // the decoder's pool hands its blocks back to the system, or it kept them (a folder of five 4000 × 4000 photos then
    // held 575 MB, not 300). A large picture's grey levels are collected as soon as it is prepared: left to the collector's
    // own pace, a folder of five 4000 × 4000 grey photos held the grey levels of four of them as garbage, 509 MB.
    private static PreparedImage PrepareDecoded(Image image, string source, ImageField? field)
    {
        long pixels = (long)image.Width * image.Height;
        PreparedImage prepared = PrepareLettingGo(image, source, field);
        if (pixels >= CollectAfterPixels)
        {
            GC.Collect();
        }

        return prepared;
    }

    // From this many pixels (16 MB of grey levels) a picture's grey levels are collected once it is prepared; a full
    // collection then costs a few milliseconds beside the picture's second or so.
    private const long CollectAfterPixels = 1L << 22;

    // The grey levels live only in this method's frame, which has returned when they are collected: unoptimised code
    // keeps a method's temporaries alive to its end, and then the collection found them still in use.
    [MethodImpl(MethodImplOptions.NoInlining)]
    private static PreparedImage PrepareLettingGo(Image image, string source, ImageField? field)
    {
        (float[] grey, int width, int height) = (Grey(image), image.Width, image.Height);
        image.Dispose();
        Decoding.MemoryAllocator.ReleaseRetainedResources();
        return Prepare(grey, width, height, source, field);
    }

    // greyAsBytes: a grey picture is decoded at a byte a pixel (DecodesAsGrey), not four; its prepare takes either kind.
    private static PreparedImage Read(Stream stream, string source, Func<Image, string, PreparedImage> prepare, bool greyAsBytes)
    {
        ArgumentNullException.ThrowIfNull(stream);
        try
        {
            IImageFormat? format = Image.DetectFormat(Decoding, stream);
            if (format is null)
            {
                throw new InputImageException(IsWebP(stream)
                    ? $"{source} is a WebP image, which is not read; convert it to PNG first (e.g. dwebp FILE -o digit.png), or give {Readable}"
                    : $"{source} is not a readable image; give {Readable}.");
            }

            byte[] bytes = AllBytes(stream);
            IImageInfo info = Decoder(source, format, bytes, () => Image.Identify(Decoding, new MemoryStream(bytes, writable: false)))
                ?? throw new InputImageException($"{source} is not a readable image; give {Readable}.");
            if ((long)info.Width * info.Height > MaxPixels)
            {
                throw new InputImageException($"{source} is {info.Width}×{info.Height} pixels; images up to {MaxPixels} pixels are accepted, so scale it down first.");
            }

            // The decoders read a file cut short (a download or copy broken off) as far as it goes and fill the rest, which
            // gave readings, some confident, of half a picture: it is refused instead.
            if (ImageCompleteness.CutShort(bytes, format) is { } reason)
            {
                throw new InputImageException(Damaged(source, reason));
            }

            using Image image = greyAsBytes && DecodesAsGrey(bytes, format, info)
                ? Decoder<Image>(source, format, bytes, () => Image.Load<L8>(Decoding, new MemoryStream(bytes, writable: false)))
                : Decoder<Image>(source, format, bytes, () => Image.Load<Rgba32>(Decoding, new MemoryStream(bytes, writable: false)));

            // A phone stores a photo as the sensor saw it and an EXIF orientation saying how to show it; every viewer
            // turns it upright, so the digit is read upright too (a 9 stored upside down would otherwise be a 6).
            image.Mutate(c => c.AutoOrient());
            try
            {
                return prepare(image, source);
            }
            catch (InputImageException e) when (e.Blank && ImageFrames.Count(bytes, format) is > 1 and int frames)
            {
                // Only the first frame is decoded, and the digit may be drawn on a later one.
                throw new InputImageException($"{source} looks blank in its first frame (of {frames}), and only the first frame is read: no stroke stands out from its background; save the frame with the digit as a PNG.", e) { Blank = true };
            }
        }
        catch (Exception e) when (e is UnknownImageFormatException or InvalidImageContentException or NotSupportedException or ImageFormatException or InvalidMemoryOperationException)
        {
            throw new InputImageException($"{source} is not a readable image ({e.Message}); give {Readable}.", e);
        }
    }

    /// <summary>
    /// Runs one of ImageSharp's decoding steps on a file its signature named as <paramref name="format"/>. What the decoder
    /// cannot follow is damage, not another kind of file; its decoders throw their own exceptions for that, and others
    /// (a TIFF cut before its directory threw InvalidOperationException, a stack trace and exit 1), so every exception
    /// but running out of memory is one, told as cut short where the file's structure shows it is.
    /// </summary>
    private static T Decoder<T>(string source, IImageFormat format, byte[] bytes, Func<T> step)
    {
        try
        {
            return step();
        }
        catch (Exception e) when (e is not (InvalidMemoryOperationException or OutOfMemoryException or InputImageException))
        {
            string reason = ImageCompleteness.CutShort(bytes, format) ?? $"its {format.Name} decoder stopped at: {e.Message.TrimEnd('.', '!', ' ')}";
            throw new InputImageException(Damaged(source, reason), e);
        }
    }

    private static string Damaged(string source, string reason) => $"{source} is cut short or damaged: {reason}; copy or download it again, or save it anew.";

    /// <summary>
    /// Whether a picture is opaque grey of at most 8 bits (a grey PNG with no transparent level, a grey JPEG, an 8-bit
    /// PGM), which is decoded at one byte a pixel: as colour it took four, 64 MB for a 4000 × 4000 photo, beside the grey
    /// levels made from it. Its grey levels are the very ones its colour decoding gives (<see cref="Grey(Image{L8})"/>).
    /// </summary>
    internal static bool DecodesAsGrey(byte[] bytes, IImageFormat format, IImageInfo info) => format switch
    {
        PngFormat => info.Metadata.GetPngMetadata() is { ColorType: PngColorType.Grayscale, BitDepth: null or <= PngBitDepth.Bit8 }
            && !ImageCompleteness.PngHasChunk(bytes, "tRNS"u8),
        JpegFormat => info.Metadata.GetJpegMetadata().ColorType is JpegColorType.Luminance,
        PbmFormat => info.Metadata.GetPbmMetadata() is { ColorType: PbmColorType.Grayscale, ComponentType: PbmComponentType.Byte },
        _ => false,
    };

    private static byte[] AllBytes(Stream stream)
    {
        if (stream is MemoryStream memory)
        {
            return memory.ToArray();
        }

        stream.Position = 0;
        var bytes = new byte[stream.Length];
        stream.ReadExactly(bytes);
        stream.Position = 0;
        return bytes;
    }

    /// <summary>The formats read, as messages and docs name them (<see cref="CreateDecoding"/> registers them).</summary>
    public const string Readable = "a PNG, JPEG, GIF (its first frame), BMP, TIFF, TGA or PBM/PGM/PPM file";

    // "RIFF", a size, "WEBP": the container every WebP file starts with.
    private static bool IsWebP(Stream stream)
    {
        Span<byte> head = stackalloc byte[12];
        stream.Position = 0;
        return stream.ReadAtLeast(head, head.Length, throwOnEndOfStream: false) == head.Length
            && head[..4].SequenceEqual("RIFF"u8) && head[8..].SequenceEqual("WEBP"u8);
    }

    private static Configuration CreateDecoding()
    {
        // WebP is left out: ImageSharp 2 decodes every frame of an animated WebP and cannot be told to stop at the first.
        var configuration = new Configuration(
            new PngConfigurationModule(), new JpegConfigurationModule(), new GifConfigurationModule(), new BmpConfigurationModule(),
            new PbmConfigurationModule(), new TgaConfigurationModule(), new TiffConfigurationModule())
        {
            MemoryAllocator = MemoryAllocator.Create(new MemoryAllocatorOptions { AllocationLimitMegabytes = 128 }),
        };
        configuration.ImageFormatsManager.SetDecoder(GifFormat.Instance, new GifDecoder { DecodingMode = FrameDecodingMode.First });
        configuration.ImageFormatsManager.SetDecoder(TiffFormat.Instance, new TiffDecoder { DecodingMode = FrameDecodingMode.First });
        return configuration;
    }

    /// <param name="source">The file, for error messages.</param>
    /// <param name="field">The input to make; MNIST's 28 × 28 when null.</param>
    public static float[] Preprocess(Image<Rgba32> image, string source, ImageField? field = null) => Prepare(image, source, field).Pixels;

    /// <summary>
    /// The whole way from an upright picture to the model's input, step by step as MNIST was made (decoding and turning
    /// the picture upright by its EXIF orientation happen in <see cref="Read(Stream, string, ImageField?)"/>).
    /// </summary>
    /// <param name="source">The file, for error messages.</param>
    /// <param name="field">The input to make; MNIST's 28 × 28 when null.</param>
    public static PreparedImage Prepare(Image<Rgba32> image, string source, ImageField? field = null)
    {
        ArgumentNullException.ThrowIfNull(image);

        // 1. Grey: Rec. 601 luma, transparent pixels read as white paper (as black where light strokes are drawn on them).
        return Prepare(Grey(image), image.Width, image.Height, source, field);
    }

    // Steps 2 to 8, on the picture's grey levels, which are worked on in place: a photo's full-size buffers are its
    // grey levels and the paper under them, and the ink takes the grey levels' place once they are measured.
    private static PreparedImage Prepare(float[] grey, int width, int height, string source, ImageField? field)
    {
        field ??= ImageField.Mnist;

        // Steps 2 and 4 make a photo of a handwritten digit look like a scan. A product (Fashion-MNIST's) is pictured on
        // an even background, and its cloth can be as dim as a shadow, or a rectangle with a dark logo, like a sheet.
        bool photoOfADigit = field.ByCentreOfMass;

        // 2. Sheet: a sheet photographed on a desk is cut out, and the desk around it set aside, so the digit is looked
        //    for on the paper and the paper is not taken for one big stroke.
        bool[]? offSheet = null;
        string? linesCutOff = null;
        float surround = BorderMean(grey, width, new Rectangle(0, 0, width, height));
        if (photoOfADigit && Sheet.Find(grey, width, height) is { } sheet)
        {
            (width, height, offSheet, surround) = (CutInPlace(grey, width, sheet.Box), sheet.Box.Height, sheet.OffSheet, sheet.Paper);
        }
        else if (photoOfADigit && InsideLines(grey, width, height) is { } inside)
        {
            // Lines along some sides (a ruled line, a table's border, a frame open on a side) are cut off with the
            // margin beyond them, so neither the crop nor the paper's level takes them in.
            linesCutOff = Sides(inside, width, height);
            (width, height) = (CutInPlace(grey, width, inside), inside.Height);
            surround = BorderMean(grey, width, new Rectangle(0, 0, width, height));
        }

        // 3. Polarity: make the paper bright and the ink dark, whichever way round the picture has them.
        // From here on the picture is grey's first width × height values (a cut is made in place).
        bool lightInk = IsLightInk(grey, width, new Rectangle(0, 0, width, height), surround, offSheet);
        if (lightInk)
        {
            for (int i = 0; i < width * height; i++)
            {
                grey[i] = 1f - grey[i];
            }
        }

        // 4. Background: the paper's own brightness under every pixel, so uneven light leaves only the ink.
        ReadOnlySpan<float> picture = grey.AsSpan(0, width * height);
        PaperLevel paper = photoOfADigit ? PaperSurface.Fit(picture, width, height, offSheet) : PaperSurface.Flat(picture, width, height);
        float noise = PixelNoise.Sigma(picture, paper, width, height, offSheet);
        var levelled = new ImageOddities.Levelled(grey, paper, width, height, offSheet, noise, Strongest(grey, paper, offSheet, noise, source, linesCutOff));
        ImageOddities.Picture? measured = field.ByCentreOfMass ? ImageOddities.MeasurePicture(levelled) : null;
        float[] ink = Ink(levelled);

        // 5. Crop to the ink.
        Rectangle box = BoundingBox(ink, width, height);

        // 6. Resize: as large as fits the field's box (20 × 20 of 28 × 28 for MNIST), the aspect ratio kept.
        float[] fitted = Resize(ink, width, height, box, field, out int fitWidth, out int fitHeight);

        // 7. Centre: by the centre of mass, as MNIST's digits were (or by the box, as Fashion-MNIST's products were).
        float[] placed = Place(fitted, fitWidth, fitHeight, field);

        // 8. Stroke width: a pen line shrinks to a one-pixel trace, where MNIST's strokes are about two pixels wide; a
        //    digit with strokes thinner than almost any of MNIST's is widened by a pixel.
        if (field.ByCentreOfMass && StrokeWidth(placed, field.Width, field.Height) < ThinStroke)
        {
            placed = Thicken(placed, field.Width, field.Height);
        }
        return new PreparedImage(placed, measured is null ? [] : ImageOddities.Of(measured, placed));
    }

    /// <summary>The centre of mass (x, y) of a row-major image, in pixel-index coordinates.</summary>
    public static (double X, double Y) CentreOfMass(ReadOnlySpan<float> pixels, int width, int height)
    {
        double sum = 0, sx = 0, sy = 0;
        for (int y = 0; y < height; y++)
        {
            for (int x = 0; x < width; x++)
            {
                double v = pixels[(y * width) + x];
                sum += v;
                sx += v * x;
                sy += v * y;
            }
        }

        return sum == 0 ? ((width - 1) / 2.0, (height - 1) / 2.0) : (sx / sum, sy / sum);
    }

    // The picture's grey levels as the model's input, for an image already made the way the dataset's were.
    private static PreparedImage AsIs(Image<Rgba32> image, string source, ImageField field)
    {
        if (image.Width != field.Width || image.Height != field.Height)
        {
            throw new InputImageException($"{source} is {image.Width}×{image.Height} pixels, but --as-is takes images at the model's own size, {field.Width}×{field.Height}; leave out --as-is to have it prepared as the dataset's images were.");
        }

        // A grey pixel as an IDX file holds it, divided as the training data was (PixelScaler), so a t10k image saved as PNG
        // gives the very input the model was scored on. Light is ink here, so a transparent pixel is the dark background
        // (prepared images read it as white paper, the other way round): its colour counts by its opacity only.
        var grey = new float[image.Width * image.Height];
        image.ProcessPixelRows(rows =>
        {
            for (int y = 0; y < rows.Height; y++)
            {
                Span<Rgba32> row = rows.GetRowSpan(y);
                for (int x = 0; x < row.Length; x++)
                {
                    Rgba32 p = row[x];
                    float luma = p.R == p.G && p.G == p.B ? p.R / 255f : Luma(p);
                    grey[(y * row.Length) + x] = p.A == 255 ? luma : luma * (p.A / 255f);
                }
            }
        });
        return new PreparedImage(grey, LightBorder(grey, field) ? [AsIsOnPaper] : []);
    }

    // What --as-is reads wrongly: dark ink on light paper, as a photo or a drawing is, where the dataset's images are light on dark.
    private static readonly PreparedImage.Oddity AsIsOnPaper = new(
        "its border is light, but --as-is reads light ink on a dark background (as IDX files hold it), so it sees this picture inverted",
        "leave out --as-is to have it prepared as the dataset's images were (dark ink on light paper is inverted there)");

    // Whether the outermost pixels are mostly light: the background of dark ink on paper, which --as-is does not invert.
    private static bool LightBorder(float[] grey, ImageField field)
    {
        int width = field.Width, height = field.Height;
        float sum = 0f;
        int count = 0;
        for (int y = 0; y < height; y++)
        {
            for (int x = 0; x < width; x++)
            {
                if (y == 0 || y == height - 1 || x == 0 || x == width - 1)
                {
                    sum += grey[(y * width) + x];
                    count++;
                }
            }
        }

        return count > 0 && sum / count > 0.5f;
    }

    // A grey picture's levels, read as its colour decoding reads them: the luma of R = G = B, which is not always the
    // level / 255 in floating point, so a grey picture decoded at a byte a pixel reads exactly as it did.
    private static readonly float[] GreyLevels = [.. Enumerable.Range(0, 256).Select(v => Luma(new Rgba32((byte)v, (byte)v, (byte)v)))];

    private static float[] Grey(Image image) => image switch
    {
        Image<L8> grey => Grey(grey),
        Image<Rgba32> colour => Grey(colour),
        _ => throw new ArgumentException($"images are decoded as L8 or Rgba32, not {image.GetType().Name}", nameof(image)),
    };

    private static float[] Grey(Image<L8> image)
    {
        int width = image.Width;
        var luma = new float[width * image.Height];
        image.ProcessPixelRows(rows =>
        {
            for (int y = 0; y < rows.Height; y++)
            {
                Span<L8> row = rows.GetRowSpan(y);
                for (int x = 0; x < width; x++)
                {
                    luma[(y * width) + x] = GreyLevels[row[x].PackedValue];
                }
            }
        });

        return luma;
    }

    private static float[] Grey(Image<Rgba32> image)
    {
        int width = image.Width;
        var luma = new float[width * image.Height];
        float backdrop = Backdrop(image);
        image.ProcessPixelRows(rows =>
        {
            for (int y = 0; y < rows.Height; y++)
            {
                Span<Rgba32> row = rows.GetRowSpan(y);
                for (int x = 0; x < width; x++)
                {
                    float alpha = row[x].A / 255f;
                    luma[(y * width) + x] = (alpha * Luma(row[x])) + ((1f - alpha) * backdrop);
                }
            }
        });

        return luma;
    }

    // What transparent pixels are seen against: white paper, unless the picture is light strokes drawn on a transparent
    // background (a drawing app's layer, a dark-mode canvas), which any viewer shows on dark and white paper would erase.
    // There the opaque pixels are the ink and the backdrop is the shade that contrasts with them, so strokes of either
    // colour on transparency read alike. Read from the decoded pixels, so a photo's opacity needs no copy of its own.
    private static float Backdrop(Image<Rgba32> image)
    {
        double opacity = 0, lightness = 0;
        long transparent = 0;
        image.ProcessPixelRows(rows =>
        {
            for (int y = 0; y < rows.Height; y++)
            {
                foreach (Rgba32 p in rows.GetRowSpan(y))
                {
                    float alpha = p.A / 255f;
                    (opacity, lightness) = (opacity + alpha, lightness + (alpha * Luma(p)));
                    transparent += alpha < 0.5f ? 1 : 0;
                }
            }
        });

        bool transparentBackground = 2 * transparent >= (long)image.Width * image.Height && opacity > 0;
        return transparentBackground && lightness / opacity > 0.5 ? 0f : 1f;
    }

    // Rec. 601 luma of a pixel's colour, opacity aside, in [0, 1].
    private static float Luma(Rgba32 p) => ((0.299f * p.R) + (0.587f * p.G) + (0.114f * p.B)) / 255f;

    // Moves the box's pixels of a row-major image to its start, row after row, and returns the box's width: a photo's
    // grey levels are not copied a second time to cut off a desk or a line along its side.
    private static int CutInPlace(float[] pixels, int width, Rectangle box)
    {
        for (int y = 0; y < box.Height; y++)
        {
            // Each row moves to an earlier place (or stays), so no row is overwritten before it is moved.
            pixels.AsSpan(((box.Top + y) * width) + box.Left, box.Width).CopyTo(pixels.AsSpan(y * box.Width, box.Width));
        }

        return box.Width;
    }

    // The picture inside the lines along its sides (EdgeLines), or null where there are none. A band counts as a line
    // only at the ink's level (the paper along a side is no line), and only where the rest of the ink keeps off the
    // sides without a line: a digit cropped tightly to its strokes (a typed 7's bar across the crop's top) touches them.
    private static Rectangle? InsideLines(float[] grey, int width, int height)
    {
        EdgeLines.Band[] bands = EdgeLines.Find(grey, width, height);
        if (bands.All(b => b.Thickness == 0))
        {
            return null;
        }

        Rectangle inside = EdgeLines.Inside(bands, width, height);
        float paper = BorderMean(grey, width, inside);
        bool lightInk = IsLightInk(grey, width, inside, paper, null);
        for (int s = 0; s < bands.Length; s++)
        {
            if (bands[s].Thickness > 0 && bands[s].Level > bands[s].Paper != lightInk)
            {
                bands[s] = default;
            }
        }

        if (bands.All(b => b.Thickness == 0))
        {
            return null;
        }

        inside = EdgeLines.Inside(bands, width, height);
        float halfway = (bands.First(b => b.Thickness > 0).Level + paper) / 2f;
        bool IsInk(int x, int y) => grey[(y * width) + x] < halfway != lightInk;
        int Touching(int length, Func<int, bool> inked) => Enumerable.Range(0, length).Count(inked);

        // Top, bottom, left, right: the ink on the picture's own edge where no line runs. A couple of pixels next to a
        // line are left out: a line slanted by a pixel ends there, on the side across it.
        const int Grace = 2;
        (int gl, int gt) = (bands[2].Thickness > 0 ? Grace : 0, bands[0].Thickness > 0 ? Grace : 0);
        (int gw, int gh) = (Math.Max(0, inside.Width - gl - (bands[3].Thickness > 0 ? Grace : 0)), Math.Max(0, inside.Height - gt - (bands[1].Thickness > 0 ? Grace : 0)));
        int[] touching =
        [
            bands[0].Thickness > 0 ? 0 : Touching(gw, k => IsInk(inside.Left + gl + k, 0)),
            bands[1].Thickness > 0 ? 0 : Touching(gw, k => IsInk(inside.Left + gl + k, height - 1)),
            bands[2].Thickness > 0 ? 0 : Touching(gh, k => IsInk(0, inside.Top + gt + k)),
            bands[3].Thickness > 0 ? 0 : Touching(gh, k => IsInk(width - 1, inside.Top + gt + k)),
        ];
        if (touching.Any(t => t > 0))
        {
            return null;
        }

        // A band along one side that is all the picture's ink (a 1 along the side, a picture of a bar) is the digit, not a
        // line beside it. (Lines along several sides around nothing are a blank form.)
        int inkInside = Enumerable.Range(inside.Top, inside.Height).Sum(y => Enumerable.Range(inside.Left, inside.Width).Count(x => IsInk(x, y)));
        bool onlyInk = inkInside <= Math.Max(MinInkPixels, inside.Width * inside.Height / MinInkShare);
        return onlyInk && bands.Count(b => b.Thickness > 0) == 1 ? null : inside;
    }

    // The lines cut off to leave inside, as a message names them: "a line along its top, which is cut off as a ruled line".
    private static string Sides(Rectangle inside, int width, int height)
    {
        string[] sides = [.. new[] { (inside.Top > 0, "top"), (inside.Bottom < height, "bottom"), (inside.Left > 0, "left"), (inside.Right < width, "right") }.Where(s => s.Item1).Select(s => s.Item2)];
        string named = sides.Length == 1 ? sides[0] : $"{string.Join(", ", sides[..^1])} and {sides[^1]}";
        return sides.Length == 1 ? $"a line along its {named}, which is cut off as a ruled line" : $"lines along its {named}, which are cut off as ruled lines or a frame";
    }

    // Beside a line, a digit holds at least this many pixels of ink, and one in this many of the picture's pixels.
    private const int MinInkPixels = 8;
    private const int MinInkShare = 1000;

    // Whether strokes are lighter than what they are drawn on is decided by contrast, not by a fixed grey: the extreme
    // (darkest or lightest) farther from the surround (the picture's border, or the sheet's paper) is the ink, so black
    // ink on dim grey paper and white chalk on a grey board both read as strokes (a tie reads as dark ink on paper).
    // Judged within a box of the picture; offSheet, when given, flags the box's own pixels.
    private static bool IsLightInk(float[] grey, int width, Rectangle box, float surround, bool[]? offSheet)
    {
        float darkest = 1f, lightest = 0f;
        for (int y = 0; y < box.Height; y++)
        {
            for (int x = 0; x < box.Width; x++)
            {
                float g = grey[((box.Top + y) * width) + box.Left + x];
                if (offSheet is null || !offSheet[(y * box.Width) + x])
                {
                    (darkest, lightest) = (Math.Min(darkest, g), Math.Max(lightest, g));
                }
            }
        }

        return surround - darkest < lightest - surround;
    }

    // Ink = how much darker than the paper under it a pixel is, as a share of that paper's brightness: black ink is full
    // ink on white paper and on paper in shadow alike, as it is in the light. Then stretched so the strongest stroke is 1,
    // as in MNIST. Darkness within three deviations of the picture's noise is no ink: on a grainy photo the noise would
    // otherwise be a haze of faint ink over the whole paper, and its darkest specks would stretch the crop to the sheet.
    // The grey levels become the ink in place (the levelled picture's measures are taken before).
    private static float[] Ink(ImageOddities.Levelled picture)
    {
        (float[] grey, PaperLevel paper, bool[]? offSheet, float floor) = (picture.Grey, picture.Paper, picture.OffSheet, InkFloor(picture.Noise));
        for (int y = 0, i = 0; y < paper.Height; y++)
        {
            for (int x = 0; x < paper.Width; x++, i++)
            {
                grey[i] = offSheet is not null && offSheet[i] ? 0f : InkOf(grey[i], paper.At(x, y), floor, picture.Strongest);
            }
        }

        return grey;
    }

    /// <summary>How much darker than its paper a pixel must be to hold any ink: three deviations of the picture's noise.</summary>
    internal static float InkFloor(float noise) => 3f * noise;

    /// <summary>A pixel's ink, as <see cref="Ink"/> finds it: its darkness past the floor, as a share of its paper, of the strongest's.</summary>
    internal static float InkOf(float grey, float paper, float floor, float strongest) => Math.Min(1f, Unscaled(paper - grey - floor, paper) / strongest);

    // Below a tenth of white the paper is too dark to divide by: its noise would be magnified into strokes.
    private static float Unscaled(float darker, float paper) => Math.Max(0f, darker) / Math.Max(paper, 0.1f);

    // The strongest ink before it is stretched to 1; a picture none of whose pixels stands out is blank.
    // linesCutOff: the sides whose lines were cut off, if any, which a blank picture then is all of.
    private static float Strongest(float[] grey, PaperLevel paper, bool[]? offSheet, float noise, string source, string? linesCutOff)
    {
        float floor = InkFloor(noise);
        float contrast = 0f, strongest = 0f;
        for (int y = 0, i = 0; y < paper.Height; y++)
        {
            for (int x = 0; x < paper.Width; x++, i++)
            {
                if (offSheet is not null && offSheet[i])
                {
                    continue;
                }

                float level = paper.At(x, y);
                float darker = level - grey[i] - floor;
                contrast = Math.Max(contrast, darker);
                strongest = Math.Max(strongest, Unscaled(darker, level));
            }
        }

        if (contrast < 0.1f)
        {
            // Lines along the sides and nothing inside them is a blank form or frame; "no stroke stands out" alone sent the
            // user looking at a picture with plain black lines on it.
            throw new InputImageException(linesCutOff is null
                ? $"{source} looks blank: no stroke stands out from the background."
                : $"{source} looks blank: its only ink is {linesCutOff}, and no stroke stands out inside; crop the picture to the digit, or, if the digit is such a line, leave paper between it and the picture's edge.") { Blank = true };
        }

        return strongest;
    }

    // The mean of a box's outermost pixels, in a row-major image width wide.
    private static float BorderMean(float[] pixels, int width, Rectangle box)
    {
        double sum = 0;
        int count = 0;
        int At(int x, int y) => ((box.Top + y) * width) + box.Left + x;
        for (int x = 0; x < box.Width; x++)
        {
            sum += pixels[At(x, 0)] + pixels[At(x, box.Height - 1)];
            count += 2;
        }

        for (int y = 1; y < box.Height - 1; y++)
        {
            sum += pixels[At(0, y)] + pixels[At(box.Width - 1, y)];
            count += 2;
        }

        return (float)(sum / count);
    }

    // The box's ink scaled as large as fits the field's box, aspect ratio kept (in a square box: the longer side to it).
    private static float[] Resize(float[] ink, int width, int height, Rectangle box, ImageField field, out int fitWidth, out int fitHeight)
    {
        float scale = Math.Min((float)field.BoxWidth / box.Width, (float)field.BoxHeight / box.Height);
        int w = Math.Clamp((int)MathF.Round(box.Width * scale), 1, Math.Min(field.BoxWidth, field.Width));
        int h = Math.Clamp((int)MathF.Round(box.Height * scale), 1, Math.Min(field.BoxHeight, field.Height));
        (fitWidth, fitHeight) = (w, h);

        // Only the box is copied: the rest of a photo is paper, and its copy would cost a photo's size again.
        using var digit = new Image<L16>(box.Width, box.Height);
        digit.ProcessPixelRows(rows =>
        {
            for (int y = 0; y < box.Height; y++)
            {
                Span<L16> row = rows.GetRowSpan(y);
                for (int x = 0; x < box.Width; x++)
                {
                    row[x] = new L16((ushort)MathF.Round(ink[((box.Top + y) * width) + box.Left + x] * ushort.MaxValue));
                }
            }
        });

        // Bicubic widens its kernel when shrinking, so thin strokes are averaged, not skipped.
        digit.Mutate(c => c.Resize(w, h, KnownResamplers.Bicubic));
        var fitted = new float[w * h];
        digit.ProcessPixelRows(rows =>
        {
            for (int y = 0; y < h; y++)
            {
                Span<L16> row = rows.GetRowSpan(y);
                for (int x = 0; x < w; x++)
                {
                    fitted[(y * w) + x] = row[x].PackedValue / (float)ushort.MaxValue;
                }
            }
        });

        // Shrinking averages a pen stroke thinner than the scale step into a faint smear (a 2-pixel line on a 400-pixel
        // page comes out at a tenth of full ink); MNIST's strokes are full ink, so the strongest is stretched back to 1.
        float peak = fitted.Max();
        if (peak is > 0f and < 1f)
        {
            for (int i = 0; i < fitted.Length; i++)
            {
                fitted[i] /= peak;
            }
        }

        return fitted;
    }

    // The box around the ink, leaving out specks: a pixel of ink none of whose eight neighbours is ink (dust, a noise
    // spike) is no stroke, and one far from the digit would stretch the crop across the page.
    private static Rectangle BoundingBox(float[] ink, int width, int height)
    {
        bool IsInk(int x, int y) => x >= 0 && x < width && y >= 0 && y < height && ink[(y * width) + x] >= InkThreshold;
        bool HasInkNeighbour(int x, int y) =>
            IsInk(x - 1, y - 1) || IsInk(x, y - 1) || IsInk(x + 1, y - 1) || IsInk(x - 1, y) || IsInk(x + 1, y) || IsInk(x - 1, y + 1) || IsInk(x, y + 1) || IsInk(x + 1, y + 1);

        int left = width, top = height, right = -1, bottom = -1;
        for (int pass = 0; pass < 2 && right < 0; pass++)
        {
            for (int y = 0; y < height; y++)
            {
                for (int x = 0; x < width; x++)
                {
                    // Where all the ink is specks (a dot, or a digit of one pixel), the specks are what there is.
                    if (IsInk(x, y) && (pass == 1 || HasInkNeighbour(x, y)))
                    {
                        left = Math.Min(left, x);
                        right = Math.Max(right, x);
                        top = Math.Min(top, y);
                        bottom = Math.Max(bottom, y);
                    }
                }
            }
        }

        return new Rectangle(left, top, right - left + 1, bottom - top + 1);
    }

    /// <summary>
    /// The mean width of the strokes (pixels above half ink) of a row-major image: a stroke of width w and length L covers
    /// w·L pixels and has an outline about 2·L long, so w ≈ 2 · area / outline (the outline counted in pixel edges).
    /// </summary>
    public static double StrokeWidth(ReadOnlySpan<float> pixels, int width, int height)
    {
        int area = 0, outline = 0;
        for (int y = 0; y < height; y++)
        {
            for (int x = 0; x < width; x++)
            {
                if (!(pixels[(y * width) + x] > 0.5f))
                {
                    continue;
                }

                area++;
                outline += (x == 0 || !(pixels[(y * width) + x - 1] > 0.5f) ? 1 : 0) + (x == width - 1 || !(pixels[(y * width) + x + 1] > 0.5f) ? 1 : 0)
                    + (y == 0 || !(pixels[((y - 1) * width) + x] > 0.5f) ? 1 : 0) + (y == height - 1 || !(pixels[((y + 1) * width) + x] > 0.5f) ? 1 : 0);
            }
        }

        return outline == 0 ? 0 : 2.0 * area / outline;
    }

    // Grey dilation by a plus-shaped 3 × 3 element: each pixel takes the strongest ink of itself and its four neighbours.
    private static float[] Thicken(float[] pixels, int width, int height)
    {
        var thick = new float[pixels.Length];
        for (int y = 0; y < height; y++)
        {
            for (int x = 0; x < width; x++)
            {
                int i = (y * width) + x;
                float left = x > 0 ? pixels[i - 1] : 0f, right = x < width - 1 ? pixels[i + 1] : 0f;
                float up = y > 0 ? pixels[i - width] : 0f, down = y < height - 1 ? pixels[i + width] : 0f;
                thick[i] = Math.Max(Math.Max(pixels[i], Math.Max(left, right)), Math.Max(up, down));
            }
        }

        return thick;
    }

    // Shift so the centre of mass sits at the field's centre ((14, 14) in 28 × 28, as MNIST's creators did), or the box's
    // centre does; what the shift carries past the field's edge is cut off, as it was from the training images. Keeping it
    // inside instead places a box as large as the field by its box, not its mass: a 7 or a 9 in a field 20 high, whose
    // training digits were pushed down by their high mass and lost their bottoms, then sat too high and read as 2s and 4s.
    private static float[] Place(float[] fitted, int width, int height, ImageField field)
    {
        (double cx, double cy) = field.ByCentreOfMass ? CentreOfMass(fitted, width, height) : (width / 2.0, height / 2.0);
        int left = (int)Math.Round((field.Width / 2.0) - cx);
        int top = (int)Math.Round((field.Height / 2.0) - cy);
        var placed = new float[field.Width * field.Height];
        int x0 = Math.Max(0, -left), x1 = Math.Min(width, field.Width - left);
        for (int y = Math.Max(0, -top); y < Math.Min(height, field.Height - top) && x0 < x1; y++)
        {
            fitted.AsSpan((y * width) + x0, x1 - x0).CopyTo(placed.AsSpan(((top + y) * field.Width) + left + x0));
        }

        return placed;
    }
}
