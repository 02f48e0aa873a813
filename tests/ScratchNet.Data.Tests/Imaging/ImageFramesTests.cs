using System.Buffers.Binary;
using ScratchNet.Data.Imaging;
using SixLabors.ImageSharp.Formats.Gif;
using SixLabors.ImageSharp.Formats.Png;
using SixLabors.ImageSharp.Formats.Tiff;

namespace ScratchNet.Data.Tests.Imaging;

// Counting an animation's frames for the "blank in its first frame (of N)" message decoded every frame at full canvas
// size: a 7 KB GIF of 300 one-pixel frames on a 1024 × 1024 screen took 1.2 GB in the dashboard's training process.
public sealed class ImageFramesTests
{
    /// <summary>A GIF89a of <paramref name="frames"/> frames, each one white pixel on a white screen of the size given.</summary>
    internal static byte[] BlankGif(int width, int height, int frames)
    {
        using var gif = new MemoryStream();
        gif.Write("GIF89a"u8);
        Span<byte> size = stackalloc byte[4];
        BinaryPrimitives.WriteUInt16LittleEndian(size, (ushort)width);
        BinaryPrimitives.WriteUInt16LittleEndian(size[2..], (ushort)height);
        gif.Write(size);
        gif.Write([0x80, 0, 0, 255, 255, 255, 255, 255, 255]);
        for (int i = 0; i < frames; i++)
        {
            // A graphic control extension, an image descriptor of 1 × 1 at (i mod width, 0), and its LZW data: clear, 0, end.
            gif.Write([0x21, 0xF9, 0x04, 0x01, 0, 0, 0, 0]);
            gif.Write([0x2C, (byte)(i % width), (byte)(i % width >> 8), 0, 0, 1, 0, 1, 0, 0]);
            gif.Write([2, 2, 0x44, 0x01, 0]);
        }

        gif.WriteByte(0x3B);
        return gif.ToArray();
    }

    /// <summary>A baseline TIFF of <paramref name="pages"/> white 8 × 8 grey pages, all pointing at one strip.</summary>
    internal static byte[] BlankTiff(int pages)
    {
        const int strip = 8, side = 8, firstDirectory = strip + (side * side), directorySize = 2 + (9 * 12) + 4;
        var tiff = new byte[firstDirectory + (pages * directorySize)];
        "II*\0"u8.CopyTo(tiff);
        BinaryPrimitives.WriteUInt32LittleEndian(tiff.AsSpan(4), firstDirectory);
        tiff.AsSpan(strip, side * side).Fill(255);
        (ushort Tag, ushort Type, uint Value)[] entries =
        [
            (256, 3, side), (257, 3, side), (258, 3, 8), (259, 3, 1), (262, 3, 1), (273, 4, strip), (277, 3, 1), (278, 3, side), (279, 4, side * side),
        ];
        for (int page = 0; page < pages; page++)
        {
            Span<byte> directory = tiff.AsSpan(firstDirectory + (page * directorySize), directorySize);
            BinaryPrimitives.WriteUInt16LittleEndian(directory, (ushort)entries.Length);
            for (int e = 0; e < entries.Length; e++)
            {
                Span<byte> entry = directory.Slice(2 + (e * 12), 12);
                BinaryPrimitives.WriteUInt16LittleEndian(entry, entries[e].Tag);
                BinaryPrimitives.WriteUInt16LittleEndian(entry[2..], entries[e].Type);
                BinaryPrimitives.WriteUInt32LittleEndian(entry[4..], 1);
                if (entries[e].Type == 3)
                {
                    BinaryPrimitives.WriteUInt16LittleEndian(entry[8..], (ushort)entries[e].Value);
                }
                else
                {
                    BinaryPrimitives.WriteUInt32LittleEndian(entry[8..], entries[e].Value);
                }
            }

            uint next = page + 1 < pages ? (uint)(firstDirectory + ((page + 1) * directorySize)) : 0;
            BinaryPrimitives.WriteUInt32LittleEndian(directory[^4..], next);
        }

        return tiff;
    }

    [TestCase(1)]
    [TestCase(2)]
    [TestCase(3000)]
    public void Count_OfAGif_IsItsImageDescriptors_WithoutAllocatingPerFrame(int frames)
    {
        byte[] gif = BlankGif(4096, 4096, frames);

        long before = GC.GetAllocatedBytesForCurrentThread();
        int counted = ImageFrames.Count(gif, GifFormat.Instance);
        long allocated = GC.GetAllocatedBytesForCurrentThread() - before;

        Assert.That(counted, Is.EqualTo(frames));
        Assert.That(allocated, Is.LessThan(1024), "a walk over the blocks, not a decode of 4096 × 4096 frames");
    }

    [TestCase(1)]
    [TestCase(5)]
    [TestCase(300)]
    public void Count_OfATiff_IsItsPages(int pages) =>
        Assert.That(ImageFrames.Count(BlankTiff(pages), TiffFormat.Instance), Is.EqualTo(pages));

    [Test]
    public void Count_OfAFormatWithOneFrame_IsOne() =>
        Assert.That(ImageFrames.Count([0x89, 0x50, 0x4E, 0x47], PngFormat.Instance), Is.EqualTo(1));

    [Test]
    public void ABlankAnimationOfManyFrames_IsAnsweredHavingDecodedOnlyItsFirst()
    {
        // 400 one-pixel frames on a 256 × 256 screen: decoding them all held 400 canvases of 256 KB, over 100 MB.
        byte[] few = BlankGif(256, 256, 2), many = BlankGif(256, 256, 400);

        (string fewMessage, long fewBytes) = Refusal(few);
        (string manyMessage, long manyBytes) = Refusal(many);

        Assert.That(fewMessage, Does.Contain("looks blank in its first frame (of 2)"));
        Assert.That(manyMessage, Does.Contain("looks blank in its first frame (of 400)"));
        Assert.That(manyBytes - fewBytes, Is.LessThan(16L << 20), "398 more frames must not cost a canvas each (256 KB × 398 = 100 MB)");
    }

    [Test]
    public void ABlankMultiPageTiff_SaysHowManyPagesItHas()
    {
        (string message, _) = Refusal(BlankTiff(50));

        Assert.That(message, Does.Contain("looks blank in its first frame (of 50)"));
    }

    private static (string Message, long Allocated) Refusal(byte[] image)
    {
        long before = GC.GetAllocatedBytesForCurrentThread();
        var e = Assert.Throws<InputImageException>(() => MnistImagePreprocessor.Load(new MemoryStream(image, writable: false), "upload"));
        return (e!.Message, GC.GetAllocatedBytesForCurrentThread() - before);
    }
}
