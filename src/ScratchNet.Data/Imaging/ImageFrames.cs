using SixLabors.ImageSharp.Formats;
using SixLabors.ImageSharp.Formats.Gif;
using SixLabors.ImageSharp.Formats.Tiff;

namespace ScratchNet.Data.Imaging;

/// <summary>
/// How many frames an animated GIF or pages a multi-page TIFF holds, counted from the file's structure without decoding
/// any. Decoding them all to count them gave every frame a full canvas: a 7 KB GIF of 300 one-pixel frames on a
/// 1024 × 1024 screen took 1.2 GB, and the bound on pixels holds for one frame only.
/// </summary>
internal static class ImageFrames
{
    /// <summary>
    /// The frames <paramref name="bytes"/> hold (at least 1), found by the same walk over the file's blocks or directories
    /// that <see cref="ImageCompleteness"/> makes; it allocates nothing per frame. Formats with one frame give 1.
    /// </summary>
    public static int Count(ReadOnlySpan<byte> bytes, IImageFormat format)
    {
        int frames = 1;
        _ = format switch
        {
            GifFormat => ImageCompleteness.Gif(bytes, out frames),
            TiffFormat => ImageCompleteness.Tiff(bytes, out frames),
            _ => null,
        };
        return Math.Max(frames, 1);
    }
}
