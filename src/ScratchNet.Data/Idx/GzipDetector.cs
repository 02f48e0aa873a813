using System.IO.Compression;

namespace ScratchNet.Data.Idx;

/// <summary>Recognises gzip by its magic bytes rather than by a file name, which mirrors and hand-placed copies do not keep reliably.</summary>
public static class GzipDetector
{
    public static bool IsGzip(ReadOnlySpan<byte> firstBytes) => firstBytes.Length >= 2 && firstBytes[0] == 0x1F && firstBytes[1] == 0x8B;

    /// <summary>
    /// Returns a forward-only stream of the uncompressed content: <paramref name="stream"/> itself
    /// (with its first bytes replayed) when it is raw, a decompressing view of it when it is gzip.
    /// </summary>
    /// <param name="isGzip">Whether the content was compressed.</param>
    public static Stream OpenContent(Stream stream, out bool isGzip)
    {
        ArgumentNullException.ThrowIfNull(stream);
        var magic = new byte[2];
        int read = stream.ReadAtLeast(magic, magic.Length, throwOnEndOfStream: false);
        var replayed = new PrefixedStream(magic[..read], stream);
        isGzip = IsGzip(magic.AsSpan(0, read));
        return isGzip ? new GZipStream(replayed, CompressionMode.Decompress) : replayed;
    }

    /// <summary>The asynchronous form of <see cref="OpenContent"/>, for network streams.</summary>
    public static async Task<Stream> OpenContentAsync(Stream stream, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(stream);
        var magic = new byte[2];
        int read = await stream.ReadAtLeastAsync(magic, magic.Length, throwOnEndOfStream: false, cancellationToken).ConfigureAwait(false);
        var replayed = new PrefixedStream(magic[..read], stream);
        return IsGzip(magic.AsSpan(0, read)) ? new GZipStream(replayed, CompressionMode.Decompress) : replayed;
    }
}
