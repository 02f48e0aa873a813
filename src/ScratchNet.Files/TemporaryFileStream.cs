namespace ScratchNet.Files;

/// <summary>
/// The temporary file as <see cref="AtomicFile.Write"/> hands it to a writer. A failure of the file itself (disk full,
/// an I/O error) becomes a <see cref="FileWriteException"/> where it happens, so only the file system's failures read
/// as "could not write"; anything else a writer throws (a bug, a value it cannot encode) comes out as itself and is
/// never mistaken for a full disk.
/// </summary>
internal sealed class TemporaryFileStream(FileStream file, string path) : Stream
{
    public override bool CanRead => false;

    public override bool CanSeek => file.CanSeek;

    public override bool CanWrite => true;

    public override long Length => Attributed(() => file.Length);

    public override long Position
    {
        get => Attributed(() => file.Position);
        set => Attributed(() => file.Position = value);
    }

    public override void Write(byte[] buffer, int offset, int count) => Write(buffer.AsSpan(offset, count));

    public override void Write(ReadOnlySpan<byte> buffer)
    {
        try
        {
            file.Write(buffer);
        }
        catch (Exception e) when (IsFileFailure(e))
        {
            throw Failure(e);
        }
        catch (ArgumentOutOfRangeException e)
        {
            throw TooLarge(e);
        }
    }

    public override void WriteByte(byte value) => Write([value]);

    public override void Flush() => Flush(flushToDisk: false);

    /// <summary>Flushes the buffer, and with <paramref name="flushToDisk"/> the page cache too.</summary>
    public void Flush(bool flushToDisk) => Flushing(() => file.Flush(flushToDisk));

    public override long Seek(long offset, SeekOrigin origin) => Attributed(() => file.Seek(offset, origin));

    public override void SetLength(long value) => Attributed(() =>
    {
        file.SetLength(value);
        return 0;
    });

    public override int Read(byte[] buffer, int offset, int count) => throw new NotSupportedException();

    protected override void Dispose(bool disposing)
    {
        if (disposing)
        {
            // Disposing flushes what is still buffered: the last chance for a full disk to show.
            Flushing(file.Dispose);
        }

        base.Dispose(disposing);
    }

    private T Attributed<T>(Func<T> operation)
    {
        try
        {
            return operation();
        }
        catch (Exception e) when (IsFileFailure(e))
        {
            throw Failure(e);
        }
    }

    private void Flushing(Action flush)
    {
        try
        {
            flush();
        }
        catch (Exception e) when (IsFileFailure(e))
        {
            throw Failure(e);
        }
        catch (ArgumentOutOfRangeException e)
        {
            throw TooLarge(e);
        }
    }

    private static bool IsFileFailure(Exception e) => e is IOException or UnauthorizedAccessException && e is not FileWriteException;

    private FileWriteException Failure(Exception e) => new(path, FileSystemError.Reason(e), e);

    // Writing bytes the OS refuses with EFBIG comes back from FileStream as an ArgumentOutOfRangeException ("Specified
    // file length was too large for the file system"): a limit of the process or the file system, not a bad argument,
    // since the bytes being written are always valid.
    private FileWriteException TooLarge(ArgumentOutOfRangeException e) =>
        new(path, "the file would be larger than this process may write (a file-size limit such as ulimit -f, or the file system's own)", e,
            remedy: "raise the file-size limit (ulimit -f) or write to another file system");
}
