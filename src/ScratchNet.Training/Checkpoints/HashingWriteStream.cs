using System.Security.Cryptography;

namespace ScratchNet.Training.Checkpoints;

/// <summary>
/// Where <see cref="CheckpointFile"/> writes a payload: every byte goes on to <paramref name="destination"/> and into
/// <paramref name="hash"/> as it passes, and is counted, so the payload is checksummed without ever being held whole.
/// With <see cref="Stream.Null"/> and no hash it only counts: the length pass before the header is written.
/// </summary>
internal sealed class HashingWriteStream(Stream destination, IncrementalHash? hash) : Stream
{
    /// <summary>Bytes written so far.</summary>
    public long Written { get; private set; }

    public override bool CanRead => false;

    public override bool CanSeek => false;

    public override bool CanWrite => true;

    public override long Length => throw new NotSupportedException();

    public override long Position
    {
        get => throw new NotSupportedException();
        set => throw new NotSupportedException();
    }

    public override void Write(byte[] buffer, int offset, int count) => Write(buffer.AsSpan(offset, count));

    public override void Write(ReadOnlySpan<byte> buffer)
    {
        hash?.AppendData(buffer);
        destination.Write(buffer);
        Written += buffer.Length;
    }

    public override void WriteByte(byte value) => Write([value]);

    public override void Flush() => destination.Flush();

    public override int Read(byte[] buffer, int offset, int count) => throw new NotSupportedException();

    public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

    public override void SetLength(long value) => throw new NotSupportedException();
}
