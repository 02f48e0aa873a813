using System.Runtime.InteropServices;
using System.Text;

namespace ScratchNet.Host;

/// <summary>
/// Standard output written to its descriptor directly when it is a pipe or a socket, so that a reader that went away is a
/// failed write. The runtime ignores SIGPIPE, and its console stream then takes EPIPE for success: <c>predict … | true</c>
/// exited 0 with every reading lost, and <c>serve | true</c> served a URL no one read. Here EPIPE is an
/// <see cref="IOException"/> (HResult EPIPE, as .NET's own file streams report it), which <see cref="StandardOutput"/>
/// remembers as it does a full disk. A terminal, a file or a device keeps the console's own stream: none of them can
/// lose its reader, and a terminal's stream keeps track of the cursor.
/// </summary>
internal sealed class StandardOutputPipe : Stream
{
    private const int Descriptor = 1;
    private const int Eintr = 4;
    private const int Eagain = 11;
    private const short PollOut = 4;

    /// <summary>The errno of a write to a pipe whose reader has gone (Linux).</summary>
    public const int Epipe = 32;

    private StandardOutputPipe()
    {
    }

    /// <summary>A writer over standard output when it is a pipe or a socket on Linux; null elsewhere (keep the console's).</summary>
    public static TextWriter? Writer()
    {
        if (!OperatingSystem.IsLinux() || !IsPipeOrSocket())
        {
            return null;
        }

        // The console's encoding, which never writes a byte-order mark; one that would (set by hand) keeps the console's writer.
        Encoding encoding = Console.OutputEncoding;
        if (encoding.Preamble.Length > 0)
        {
            return null;
        }

        // Flushed at every write, as the console's writer is: a line must reach the reader when it is written, not later.
        return TextWriter.Synchronized(new StreamWriter(new StandardOutputPipe(), encoding, bufferSize: 4096) { AutoFlush = true });
    }

    /// <summary>Whether <paramref name="failure"/> is a write to a pipe whose reader has gone.</summary>
    public static bool IsBrokenPipe(Exception failure) => failure is IOException { HResult: Epipe } && OperatingSystem.IsLinux();

    private static bool IsPipeOrSocket()
    {
        try
        {
            // A pipe (named or not) or a socket, open for writing: with stdout closed (>&-) the runtime's own pipe can be
            // descriptor 1, whose read end is no output, and the console's stream says "closed" for it as before.
            return ScratchNet.Files.FileKinds.Of("/proc/self/fd/1") is ScratchNet.Files.FileKind.Pipe or ScratchNet.Files.FileKind.Socket
                && File.ReadLines("/proc/self/fdinfo/1").FirstOrDefault(l => l.StartsWith("flags:", StringComparison.Ordinal)) is { } flags
                && (Convert.ToInt32(flags["flags:".Length..].Trim(), 8) & 3) is 1 or 2;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or FormatException)
        {
            return false;
        }
    }

    public override bool CanRead => false;

    public override bool CanSeek => false;

    public override bool CanWrite => true;

    public override long Length => throw new NotSupportedException();

    public override long Position { get => throw new NotSupportedException(); set => throw new NotSupportedException(); }

    public override void Flush()
    {
        // Every write goes straight to the descriptor.
    }

    public override int Read(byte[] buffer, int offset, int count) => throw new NotSupportedException();

    public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

    public override void SetLength(long value) => throw new NotSupportedException();

    public override void Write(byte[] buffer, int offset, int count) => Write(buffer.AsSpan(offset, count));

    public override void Write(ReadOnlySpan<byte> buffer)
    {
        while (!buffer.IsEmpty)
        {
            nint written = WriteNative(Descriptor, ref MemoryMarshal.GetReference(buffer), (nuint)buffer.Length);
            if (written >= 0)
            {
                buffer = buffer[(int)written..];
                continue;
            }

            int errno = Marshal.GetLastPInvokeError();
            if (errno == Eagain)
            {
                // A descriptor a parent made non-blocking: wait until the pipe has room, as the console's stream does.
                var ready = new PollDescriptor { Descriptor = Descriptor, Events = PollOut };
                _ = Poll(ref ready, 1, -1);
            }
            else if (errno != Eintr)
            {
                throw new IOException(Marshal.GetPInvokeErrorMessage(errno), errno);
            }
        }
    }

    [StructLayout(LayoutKind.Sequential)]
    private struct PollDescriptor
    {
        public int Descriptor;
        public short Events;
        public short ReturnedEvents;
    }

    // DllImport, not LibraryImport: the source-generated form needs the project to allow unsafe code.
    [DllImport("libc", EntryPoint = "write", SetLastError = true)]
    private static extern nint WriteNative(int descriptor, ref byte buffer, nuint count);

    [DllImport("libc", EntryPoint = "poll", SetLastError = true)]
    private static extern int Poll(ref PollDescriptor descriptors, nuint count, int timeout);
}
