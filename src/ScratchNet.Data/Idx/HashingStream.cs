using System.Security.Cryptography;

namespace ScratchNet.Data.Idx;

/// <summary>
/// Feeds every byte read from a stream to a hash on its way to the reader, so a file's SHA-256 is taken from the
/// same read that parses it: checking a 47 MB file this way costs the hashing, not a second pass over the disk.
/// </summary>
internal sealed class HashingStream(Stream inner, IncrementalHash hash) : ForwardReadStream
{
    public override int Read(Span<byte> buffer)
    {
        int read = inner.Read(buffer);
        hash.AppendData(buffer[..read]);
        return read;
    }

    /// <summary>
    /// Reads and hashes whatever the parser left unread (a gzip stream may stop before its container's end), so the
    /// digest covers the whole file whichever way it was parsed.
    /// </summary>
    public void HashRest()
    {
        Span<byte> buffer = stackalloc byte[4096];
        while (Read(buffer) > 0)
        {
        }
    }
}
