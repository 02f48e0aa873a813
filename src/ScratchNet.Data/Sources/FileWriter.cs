using ScratchNet.Data.Idx;

namespace ScratchNet.Data.Sources;

/// <summary>Writes a stream's uncompressed content to a file, for sources whose input may or may not be gzip.</summary>
internal static class FileWriter
{
    public static async Task WriteUncompressedAsync(Stream input, string destinationPath, CancellationToken cancellationToken)
    {
        await using Stream content = await GzipDetector.OpenContentAsync(input, cancellationToken).ConfigureAwait(false);
        await using var output = new FileStream(destinationPath, FileMode.Create, FileAccess.Write, FileShare.None, bufferSize: 1 << 16, useAsync: true);
        await content.CopyToAsync(output, 1 << 16, cancellationToken).ConfigureAwait(false);
    }
}
