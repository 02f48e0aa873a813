using ScratchNet.Data.Imaging;
using SixLabors.ImageSharp;
using SixLabors.ImageSharp.Formats;
using SixLabors.ImageSharp.Formats.Bmp;
using SixLabors.ImageSharp.Formats.Gif;
using SixLabors.ImageSharp.Formats.Jpeg;
using SixLabors.ImageSharp.Formats.Pbm;
using SixLabors.ImageSharp.Formats.Png;
using SixLabors.ImageSharp.Formats.Tga;
using SixLabors.ImageSharp.Formats.Tiff;
using SixLabors.ImageSharp.Formats.Tiff.Constants;
using SixLabors.ImageSharp.PixelFormats;

namespace ScratchNet.Data.Tests.Imaging;

// A download or copy cut short was read as a picture by every decoder but PNG's, some confidently wrong.
public sealed class ImageCompletenessTests
{
    private static readonly Dictionary<string, IImageEncoder> Encoders = new()
    {
        ["png"] = new PngEncoder(),
        ["jpeg"] = new JpegEncoder { Quality = 75 },
        ["bmp"] = new BmpEncoder { BitsPerPixel = BmpBitsPerPixel.Pixel24 },
        ["bmp8"] = new BmpEncoder { BitsPerPixel = BmpBitsPerPixel.Pixel8 },
        ["gif"] = new GifEncoder(),
        ["tiff"] = new TiffEncoder(),
        ["tiff-lzw"] = new TiffEncoder { Compression = TiffCompression.Lzw },
        ["tga"] = new TgaEncoder(),
        ["tga-rle"] = new TgaEncoder { Compression = TgaCompression.RunLength },
        ["pgm"] = new PbmEncoder { ColorType = PbmColorType.Grayscale, Encoding = PbmEncoding.Binary },
        ["pgm-plain"] = new PbmEncoder { ColorType = PbmColorType.Grayscale, Encoding = PbmEncoding.Plain },
        ["ppm"] = new PbmEncoder { ColorType = PbmColorType.Rgb, Encoding = PbmEncoding.Binary },
        ["pbm-plain"] = new PbmEncoder { ColorType = PbmColorType.BlackAndWhite, Encoding = PbmEncoding.Plain },
    };

    private static IEnumerable<string> Formats => Encoders.Keys;

    // A digit on grey noise, so every format's data runs the whole file (a flat picture compresses to almost nothing).
    private static byte[] Encoded(string format)
    {
        using Image<Rgba32> image = DigitImages.Draw(120, 90, new Rgba32(235, 235, 235), new Rgba32(20, 20, 20), cx: 60, cy: 30, radius: 18);
        var rng = new Random(7);
        image.ProcessPixelRows(rows =>
        {
            for (int y = 0; y < rows.Height; y++)
            {
                foreach (ref Rgba32 p in rows.GetRowSpan(y))
                {
                    byte v = (byte)Math.Clamp(p.R + rng.Next(-12, 13), 0, 255);
                    p = new Rgba32(v, v, v);
                }
            }
        });
        using var stream = new MemoryStream();
        image.Save(stream, Encoders[format]);
        return stream.ToArray();
    }

    [TestCaseSource(nameof(Formats))]
    public void WholeFile_OfEveryFormat_IsRead(string format)
    {
        using var stream = new MemoryStream(Encoded(format));

        Assert.That(MnistImagePreprocessor.Load(stream, format).Max(), Is.GreaterThan(0.9f), "the walk through the file must not take a whole one for cut short");
    }

    [TestCaseSource(nameof(Formats))]
    public void FileCutShort_OfEveryFormat_IsRefusedInOneLine_NeverRead(string format)
    {
        byte[] whole = Encoded(format);
        foreach (int percent in new[] { 30, 60, 90, 99 })
        {
            using var stream = new MemoryStream(whole[..(whole.Length * percent / 100)]);

            var e = Assert.Throws<InputImageException>(() => MnistImagePreprocessor.Load(stream, $"digit.{format}"), $"{format} cut to {percent} %");
            Assert.That(e!.Message, Does.StartWith($"digit.{format} is cut short or damaged: ").And.Contain("copy or download it again").And.Not.Contain("\n"), $"{format} cut to {percent} %");
        }
    }

    [Test]
    public void PngCutShort_SaysWhereItEnds_NotThatItHasNoDataChunk()
    {
        // ImageSharp's own reason, "PNG Image does not contain a data chunk", misled: the file holds IDAT, cut short.
        byte[] whole = Encoded("png");
        using var stream = new MemoryStream(whole[..(whole.Length * 99 / 100)]);

        var e = Assert.Throws<InputImageException>(() => MnistImagePreprocessor.Load(stream, "digit.png"));
        Assert.That(e!.Message, Does.Contain("the PNG ends inside its IDAT chunk").And.Not.Contain("does not contain a data chunk"));
    }

    // A cut by one byte said "needs 1 more bytes"; a damaged chunk type was printed "????" beside a length that was the damage itself.
    [Test]
    public void PngCutByOneByte_NeedsOneMoreByte()
    {
        byte[] whole = Encoded("png");

        Assert.That(ImageCompleteness.CutShort(whole[..^1], PngFormat.Instance), Is.EqualTo("the PNG ends inside its IEND chunk, which needs 1 more byte"));
    }

    [Test]
    public void PngWithADamagedChunkType_IsADamagedHeader_NotAChunkCalledQuestionMarks()
    {
        byte[] damaged = Encoded("png");
        damaged.AsSpan(12, 4).Fill(0xFF);
        damaged.AsSpan(8, 4).Fill(0xFF);

        Assert.That(ImageCompleteness.CutShort(damaged, PngFormat.Instance), Is.EqualTo("the PNG has a damaged chunk header at byte 8 (its type is not four letters)"));
    }

    [Test]
    public void PngWithAChunkLengthBeyondPngsLimit_IsSaidToBeDamaged()
    {
        byte[] damaged = Encoded("png");
        damaged.AsSpan(8, 4).Fill(0xFF);

        Assert.That(ImageCompleteness.CutShort(damaged, PngFormat.Instance), Is.EqualTo("the PNG's IHDR chunk at byte 8 gives a length of 4,294,967,295 bytes, more than a PNG chunk may hold"));
    }

    [Test]
    public void JpegWithBytesAfterItsEnd_IsRead()
    {
        // Phones append data after the end-of-image marker; the image itself is whole.
        byte[] whole = Encoded("jpeg");
        using var stream = new MemoryStream([.. whole, .. "trailing data a camera wrote"u8.ToArray()]);

        Assert.That(MnistImagePreprocessor.Load(stream, "digit.jpg").Max(), Is.GreaterThan(0.9f));
    }

    [Test]
    public void DamagedPng_IsCalledDamaged_NotAnotherKindOfFile()
    {
        // A byte changed inside the image data fails its CRC: the file is a PNG, a damaged one.
        byte[] bytes = Encoded("png");
        int idat = bytes.AsSpan().IndexOf("IDAT"u8);
        bytes[idat + 20] ^= 0x55;
        using var stream = new MemoryStream(bytes);

        var e = Assert.Throws<InputImageException>(() => MnistImagePreprocessor.Load(stream, "digit.png"));
        Assert.That(e!.Message, Does.StartWith("digit.png is cut short or damaged: its PNG decoder stopped at: ").And.Not.Contain("not a readable image"));
    }
}
