using System.Globalization;
using ScratchNet.Data.Idx;
using ScratchNet.Files;

namespace ScratchNet.Data.Sources;

/// <summary>Writes a stream's uncompressed content to a file, for sources whose input may or may not be gzip.</summary>
internal static class FileWriter
{
    /// <summary>
    /// No dataset file is larger (MNIST's and Fashion-MNIST's biggest is 47 MB): a source that delivers more, a gzip bomb
    /// or an endless response, is cut off here rather than allowed to fill the disk.
    /// </summary>
    public const long MaxFileBytes = 256L << 20;

    private const int BufferBytes = 1 << 16;

    /// <exception cref="DataSourceException">The content is larger than <see cref="MaxFileBytes"/>, or the input is not a regular file.</exception>
    public static async Task WriteUncompressedAsync(Stream input, string destinationPath, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(input);
        await using Stream content = await GzipDetector.OpenContentAsync(input, cancellationToken).ConfigureAwait(false);
        await using var output = new FileStream(destinationPath, FileMode.Create, FileAccess.Write, FileShare.None, BufferBytes, useAsync: true);
        byte[] buffer = new byte[BufferBytes];
        long total = 0;
        int read;
        while ((read = await content.ReadAsync(buffer, cancellationToken).ConfigureAwait(false)) > 0)
        {
            total += read;
            if (total > MaxFileBytes)
            {
                throw new DataSourceException(string.Create(CultureInfo.InvariantCulture, $"it delivered more than {MaxFileBytes:N0} bytes, more than any dataset file holds; the copy was discarded"));
            }

            await output.WriteAsync(buffer.AsMemory(0, read), cancellationToken).ConfigureAwait(false);
        }
    }

    /// <summary>Opens a local file a source copies from, refusing devices and pipes (which would never end, or block).</summary>
    public static FileStream OpenLocal(string path)
    {
        FileKind kind = FileKinds.Of(path);
        if (kind is not (FileKind.Regular or FileKind.Unknown))
        {
            throw new DataSourceException($"{ShownName.Of(path)} {FileKinds.NotA(kind, "a regular file")}");
        }

        return new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, BufferBytes, useAsync: true);
    }
}
