using System.Buffers.Binary;
using Google.Protobuf;

namespace ScratchNet.Host.Reports.TensorBoard;

/// <summary>
/// One TensorBoard event file, <c>events.out.tfevents.{unix seconds}.{host}.{pid}</c>, in a folder TensorBoard
/// shows as one run: a first event with the file version, then summaries of scalars and PNG images, each a
/// <see cref="TfRecord"/> holding a serialised <see cref="Event"/>. Records are appended, and <see cref="Flush"/>
/// hands them to the OS, so TensorBoard can read the file while training goes on.
/// </summary>
public sealed class EventFile : IDisposable
{
    public const string FileVersion = "brain.Event:2";

    public const string FilePrefix = "events.out.tfevents.";

    /// <summary>
    /// The longest name a file of this process can have: 11 digits of seconds, a host name of 64 characters (the most a
    /// Linux host name holds; a learner's PC may well use them) or this machine's if longer, 10 of process id.
    /// </summary>
    public static int LongestName => FilePrefix.Length + 11 + 1 + Math.Max(64, Environment.MachineName.Length) + 1 + 10;

    private readonly FileStream _stream;
    private readonly TimeProvider _clock;

    /// <param name="directory">Created if missing.</param>
    /// <param name="clock">For the events' wall time; null is the system clock.</param>
    public EventFile(string directory, TimeProvider? clock = null)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(directory);
        _clock = clock ?? TimeProvider.System;
        Directory.CreateDirectory(directory);
        Path = System.IO.Path.Combine(directory, $"{FilePrefix}{_clock.GetUtcNow().ToUnixTimeSeconds()}.{Environment.MachineName}.{Environment.ProcessId}");
        _stream = new FileStream(Path, FileMode.CreateNew, FileAccess.Write, FileShare.Read);
        Write(new Event { WallTime = WallTime(), FileVersion = FileVersion });
        Flush();
    }

    public string Path { get; }

    /// <summary>A point of the scalar series <paramref name="tag"/> (TensorBoard stores it as float32).</summary>
    public void AddScalar(string tag, long step, double value)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(tag);
        AddValue(step, new Summary.Types.Value { Tag = tag, SimpleValue = (float)value });
    }

    /// <summary>An image of the series <paramref name="tag"/>; width, height and colour space are read from the PNG's header.</summary>
    public void AddImage(string tag, long step, byte[] png)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(tag);
        ArgumentNullException.ThrowIfNull(png);
        (int width, int height, int colorspace) = PngHeader(png);
        AddValue(step, new Summary.Types.Value
        {
            Tag = tag,
            Image = new Summary.Types.Image { Width = width, Height = height, Colorspace = colorspace, EncodedImageString = ByteString.CopyFrom(png) },
        });
    }

    public void Flush() => _stream.Flush();

    public void Dispose() => _stream.Dispose();

    private void AddValue(long step, Summary.Types.Value value)
    {
        var summary = new Summary();
        summary.Value.Add(value);
        Write(new Event { WallTime = WallTime(), Step = step, Summary = summary });
    }

    private void Write(Event e) => TfRecord.Write(_stream, e.ToByteArray());

    private double WallTime() => _clock.GetUtcNow().ToUnixTimeMilliseconds() / 1000.0;

    // The IHDR chunk follows the 8-byte signature: length, "IHDR", width, height (big-endian), bit depth, colour type.
    private static (int Width, int Height, int Colorspace) PngHeader(byte[] png)
    {
        ReadOnlySpan<byte> signature = [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A];
        if (png.Length < 26 || !png.AsSpan(0, 8).SequenceEqual(signature))
        {
            throw new ArgumentException("the image is not a PNG", nameof(png));
        }

        int colorspace = png[25] switch
        {
            0 => 1, // grayscale
            4 => 2, // grayscale + alpha
            6 => 4, // RGBA
            _ => 3, // RGB, or a palette the decoder expands to RGB
        };
        return (BinaryPrimitives.ReadInt32BigEndian(png.AsSpan(16)), BinaryPrimitives.ReadInt32BigEndian(png.AsSpan(20)), colorspace);
    }
}
