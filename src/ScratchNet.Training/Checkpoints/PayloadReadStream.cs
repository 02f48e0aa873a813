namespace ScratchNet.Training.Checkpoints;

/// <summary>
/// The payload of a checkpoint as a stream of its own: <paramref name="length"/> bytes of <paramref name="file"/> from
/// where it stands. <see cref="Stream.Length"/> is the payload's, so "bytes left" (what every count is checked against
/// before anything is allocated) never includes the checksum behind it, and no read runs past the payload.
/// </summary>
internal sealed class PayloadReadStream(Stream file, long length) : Stream
{
    private readonly long _start = file.Position;

    public override bool CanRead => true;

    public override bool CanSeek => false;

    public override bool CanWrite => false;

    public override long Length => length;

    public override long Position
    {
        get => file.Position - _start;
        set => throw new NotSupportedException();
    }

    public override int Read(byte[] buffer, int offset, int count) => Read(buffer.AsSpan(offset, count));

    public override int Read(Span<byte> buffer)
    {
        long left = length - Position;
        return left <= 0 ? 0 : file.Read(buffer[..(int)Math.Min(buffer.Length, left)]);
    }

    public override void Flush()
    {
    }

    public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

    public override void SetLength(long value) => throw new NotSupportedException();

    public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();
}
