using System.Globalization;
using System.Runtime.InteropServices;
using System.Security.Cryptography;
using System.Text;
using ScratchNet.Files;
using ScratchNet.Training.Results;

namespace ScratchNet.Training.Checkpoints;

/// <summary>
/// The checkpoint file format, little-endian:
/// <code>
/// "SNCKPT\r\n"  magic (8 bytes; the CR LF catches text-mode corruption)
/// int32         format version (4; versions 1 to 3 are still read: version 1 lacks the correct count and the
///               history's train accuracy and learning rate, versions 1 and 2 the settings, versions 1 to 3 the data's hash)
/// int64         payload length
/// payload       BinaryWriter fields: hash, settings (count + key/value strings; version 3), the data's SHA-256
///               (a string, empty when unknown; version 4), epoch, batch, loss sum,
///               correct count, shuffle state, history,
///               then tensors, scalars and generator states, each as count + (name, values)
/// 32 bytes      SHA-256 of the payload
/// </code>
/// Both ways stream: the payload is never held whole in memory, so a checkpoint may pass 2 GiB (up to
/// <see cref="MaxFileBytes"/>), and tensors go to and from the stream in slices of at most <see cref="ChunkBytes"/>,
/// so a tensor over 2 GiB is never one span. Streaming changed no byte of the layout: files are the ones earlier
/// builds wrote and read.
/// </summary>
public static class CheckpointFile
{
    public const int Version = 4;

    private const int FirstVersion = 1;

    /// <summary>Magic, version and payload length: the bytes before the payload.</summary>
    private const int HeaderLength = 8 + 4 + 8;

    private const int ChecksumLength = 32;

    /// <summary>The most bytes handed to a stream in one call, and the read buffer's size.</summary>
    internal const int ChunkBytes = 1 << 20;

    private static readonly byte[] Magic = "SNCKPT\r\n"u8.ToArray();

    public static void Write(Stream stream, Checkpoint checkpoint) => Write(stream, checkpoint, ChunkBytes);

    /// <param name="chunkBytes">The slice size for tensors (tests lower it to cross slice boundaries with small tensors).</param>
    internal static void Write(Stream stream, Checkpoint checkpoint, int chunkBytes)
    {
        ArgumentNullException.ThrowIfNull(stream);
        ArgumentNullException.ThrowIfNull(checkpoint);
        ArgumentOutOfRangeException.ThrowIfLessThan(chunkBytes, sizeof(float));
        long length = PayloadLength(checkpoint);
        using var writer = new BinaryWriter(stream, Encoding.UTF8, leaveOpen: true);
        writer.Write(Magic);
        writer.Write(Version);
        writer.Write(length);

        using var hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        using var payload = new HashingWriteStream(stream, hash);
        using (var w = new BinaryWriter(payload, Encoding.UTF8, leaveOpen: true))
        {
            WritePayload(w, checkpoint, chunkBytes);
        }

        if (payload.Written != length)
        {
            throw new InvalidOperationException($"the checkpoint's payload came out {payload.Written} bytes long, but its header says {length}");
        }

        writer.Write(hash.GetHashAndReset());
    }

    /// <summary>
    /// The payload's length, which the header holds before the payload: a pass that writes the payload to nowhere and
    /// counts (a tensor costs one addition, nothing is copied). Chosen over writing a placeholder and seeking back
    /// because it needs no seekable stream, never puts a provisional header on disk, and tells <see cref="Save"/> the
    /// file's size before its first byte.
    /// </summary>
    private static long PayloadLength(Checkpoint checkpoint)
    {
        using var counter = new HashingWriteStream(Stream.Null, hash: null);
        using (var w = new BinaryWriter(counter, Encoding.UTF8, leaveOpen: true))
        {
            WritePayload(w, checkpoint, ChunkBytes);
        }

        return counter.Written;
    }

    /// <exception cref="CheckpointException">The stream is not a checkpoint, has another version, is truncated or fails its checksum.</exception>
    public static Checkpoint Read(Stream stream, string name) => Read(stream, name, ChunkBytes);

    /// <summary>
    /// Two passes over <paramref name="stream"/> (so it must seek): the first streams the payload through SHA-256 and
    /// compares the stored checksum, the second parses it. No byte is parsed before the whole payload has matched.
    /// </summary>
    /// <param name="chunkBytes">The read buffer and tensor slice size (tests lower it).</param>
    internal static Checkpoint Read(Stream stream, string name, int chunkBytes)
    {
        ArgumentNullException.ThrowIfNull(stream);
        ArgumentOutOfRangeException.ThrowIfLessThan(chunkBytes, sizeof(float));
        if (!stream.CanSeek)
        {
            throw new ArgumentException("a checkpoint is read twice (checksum, then contents), so its stream must seek", nameof(stream));
        }

        using var reader = new BinaryReader(stream, Encoding.UTF8, leaveOpen: true);
        try
        {
            (int version, long length) = ReadHeader(reader, name);
            long start = stream.Position;
            byte[] buffer = new byte[(int)Math.Min(chunkBytes, length)];
            if (!ChecksumMatches(stream, length, buffer))
            {
                throw CheckpointException.About(name, "is damaged: its SHA-256 checksum does not match; use another checkpoint of the directory", damaged: true);
            }

            // A payload that fit in the buffer is parsed from the very bytes checked (one read, as small checkpoints
            // always were). A larger one is read again: files are replaced by rename, never rewritten in place, so the
            // second pass reads the bytes the first checked; and every count is checked against the bytes left, so
            // even a file changed in between could only fail to parse, never allocate beyond its size.
            Stream source = length == buffer.Length ? new MemoryStream(buffer, writable: false) : Rewound(stream, start, length);
            using var payload = new BinaryReader(source, Encoding.UTF8);
            try
            {
                return ReadPayload(payload, version, chunkBytes);
            }
            catch (Exception e) when (e is IOException or FormatException or InvalidDataException)
            {
                // The checksum matched, so the payload was written this way on purpose or by another build: still a bad file.
                throw CheckpointException.About(name, $"is damaged: its contents do not parse ({e.Message}); use another checkpoint of the directory", damaged: true);
            }
        }
        catch (EndOfStreamException)
        {
            throw CheckpointException.About(name, "is truncated", damaged: true);
        }
    }

    // The first pass: SHA-256 of the next `length` bytes, read through `buffer`, against the 32 stored after them.
    private static bool ChecksumMatches(Stream stream, long length, byte[] buffer)
    {
        using var hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        for (long left = length; left > 0;)
        {
            int n = (int)Math.Min(left, buffer.Length);
            stream.ReadExactly(buffer, 0, n);
            hash.AppendData(buffer, 0, n);
            left -= n;
        }

        Span<byte> actual = stackalloc byte[ChecksumLength];
        hash.GetHashAndReset(actual);
        Span<byte> stored = stackalloc byte[ChecksumLength];
        stream.ReadExactly(stored);
        return actual.SequenceEqual(stored);
    }

    private static PayloadReadStream Rewound(Stream stream, long start, long length)
    {
        stream.Position = start;
        return new PayloadReadStream(stream, length);
    }

    /// <summary>
    /// The settings a checkpoint was written under, read from the start of its payload alone: what a resume needs before
    /// it builds its configuration, without reading (and checking) the weights and optimizer state behind them, tens of
    /// megabytes for a wide network. Empty for versions 1 and 2. <see cref="Load"/> checks the whole file afterwards.
    /// </summary>
    /// <exception cref="CheckpointException">The file is missing, not a checkpoint, or its start does not parse.</exception>
    public static IReadOnlyDictionary<string, string> LoadSettings(string path)
    {
        using FileStream stream = Open(path);
        using var reader = new BinaryReader(stream, Encoding.UTF8, leaveOpen: true);
        try
        {
            (int version, long length) = ReadHeader(reader, path);
            using var payload = new BinaryReader(new PayloadReadStream(stream, length), Encoding.UTF8);
            payload.ReadString(); // the configuration hash
            var settings = new SortedDictionary<string, string>(StringComparer.Ordinal);
            for (int i = version >= 3 ? Count(payload, 1 + 1) : 0; i > 0; i--)
            {
                settings[payload.ReadString()] = payload.ReadString();
            }

            return settings;
        }
        catch (Exception e) when (e is EndOfStreamException or IOException or FormatException or InvalidDataException)
        {
            throw CheckpointException.About(path, $"is truncated or damaged ({e.Message})", damaged: true);
        }
    }

    // Magic, format version and payload length, each checked.
    private static (int Version, long Length) ReadHeader(BinaryReader reader, string name)
    {
        if (!reader.ReadBytes(Magic.Length).AsSpan().SequenceEqual(Magic))
        {
            throw CheckpointException.About(name, "is not a ScratchNet checkpoint (its first bytes are not SNCKPT)", damaged: true);
        }

        int version = reader.ReadInt32();
        if (version is < FirstVersion or > Version)
        {
            throw CheckpointException.About(name, $"has checkpoint format version {version}; this build reads versions {FirstVersion} to {Version}", damaged: true);
        }

        long length = reader.ReadInt64();
        long follows = reader.BaseStream.Length - reader.BaseStream.Position;
        if (length < 0 || length > follows - ChecksumLength)
        {
            throw CheckpointException.About(name, $"is truncated or damaged (payload length {length}, {follows} bytes after the header)", damaged: true);
        }

        return (version, length);
    }

    /// <summary>The largest checkpoint file read: weights and optimizer state of a network far beyond what fits in memory anyway.</summary>
    public const long MaxFileBytes = 16L << 30;

    /// <summary>Writes atomically (see <see cref="AtomicFile"/>), streaming the payload to the file.</summary>
    /// <exception cref="CheckpointException">The file would be larger than <see cref="MaxFileBytes"/>, which no resume reads; nothing is written.</exception>
    /// <exception cref="FileWriteException">The file system failed the write (disk full, no permission); the previous file is untouched.</exception>
    /// <param name="path">The file to write.</param>
    /// <param name="checkpoint">What to write.</param>
    /// <param name="createFolder">False fails when the file's folder is gone rather than making it again (see <see cref="AtomicFile.Write"/>).</param>
    public static void Save(string path, Checkpoint checkpoint, bool createFolder = true) => Save(path, checkpoint, MaxFileBytes, createFolder);

    internal static void Save(string path, Checkpoint checkpoint, long maxFileBytes, bool createFolder = true)
    {
        ArgumentNullException.ThrowIfNull(checkpoint);
        long bytes = HeaderLength + PayloadLength(checkpoint) + ChecksumLength;
        if (bytes > maxFileBytes)
        {
            throw CheckpointException.About(path, string.Create(
                CultureInfo.InvariantCulture,
                $"would be {bytes:N0} bytes, more than the {maxFileBytes:N0} a resume reads, so it is not written; train this network without checkpoints (--Checkpoints:Directory=)"));
        }

        AtomicFile.Write(path, s => Write(s, checkpoint), createFolder: createFolder);
    }

    public static Checkpoint Load(string path)
    {
        using FileStream stream = Open(path);
        return Read(stream, path);
    }

    private static FileStream Open(string path)
    {
        if (!File.Exists(path) && !Directory.Exists(path))
        {
            throw CheckpointException.About(Path.GetFullPath(path), "does not exist; give the path of a .ckpt file, or --resume alone for the most recent interrupted run", noun: "the checkpoint");
        }

        try
        {
            // A device or a pipe would never end, or block; only a regular file is read.
            return InputFile.OpenRead(path, MaxFileBytes, "the checkpoint");
        }
        catch (InputFileException e)
        {
            // After "Checkpoint unusable: ", as every other reason: InputFile's sentence starts with a capital.
            throw new CheckpointException($"{char.ToLowerInvariant(e.Message[0])}{e.Message[1..]}; give the path of a .ckpt file");
        }
    }

    private static void WritePayload(BinaryWriter w, Checkpoint c, int chunkBytes)
    {
        w.Write(c.ConfigurationHash);
        w.Write(c.Settings.Count);
        foreach ((string key, string value) in c.Settings)
        {
            w.Write(key);
            w.Write(value);
        }

        w.Write(c.DatasetSha256);
        w.Write(c.Epoch);
        w.Write(c.Batch);
        w.Write(c.LossSum);
        w.Write(c.CorrectSum);
        WriteWords(w, c.ShuffleState);
        w.Write(c.History.Count);
        foreach (EpochMetrics m in c.History)
        {
            w.Write(m.Epoch);
            w.Write(m.TrainLoss);
            w.Write(m.ValidationLoss);
            w.Write(m.ValidationAccuracy);
            w.Write(m.TrainSeconds);
            w.Write(m.EvaluationSeconds);
            w.Write(m.TrainAccuracy);
            w.Write(m.LearningRate);
        }

        w.Write(c.Tensors.Count);
        foreach ((string key, float[] values) in c.Tensors.OrderBy(kv => kv.Key, StringComparer.Ordinal))
        {
            w.Write(key);
            w.Write(values.Length);
            for (int at = 0, slice = chunkBytes / sizeof(float); at < values.Length; at += slice)
            {
                w.Write(MemoryMarshal.AsBytes(values.AsSpan(at, Math.Min(slice, values.Length - at))));
            }
        }

        w.Write(c.Scalars.Count);
        foreach ((string key, double value) in c.Scalars.OrderBy(kv => kv.Key, StringComparer.Ordinal))
        {
            w.Write(key);
            w.Write(value);
        }

        w.Write(c.Words.Count);
        foreach ((string key, ulong[] words) in c.Words.OrderBy(kv => kv.Key, StringComparer.Ordinal))
        {
            w.Write(key);
            WriteWords(w, words);
        }
    }

    private static Checkpoint ReadPayload(BinaryReader r, int version, int chunkBytes)
    {
        var c = new Checkpoint { ConfigurationHash = r.ReadString() };
        int settings = version >= 3 ? Count(r, 1 + 1) : 0;
        for (int i = 0; i < settings; i++)
        {
            c.Settings[r.ReadString()] = r.ReadString();
        }

        c.DatasetSha256 = version >= 4 ? r.ReadString() : string.Empty;
        c.Epoch = r.ReadInt32();
        c.Batch = r.ReadInt32();
        c.LossSum = r.ReadDouble();
        c.CorrectSum = version >= 2 ? r.ReadInt64() : -1;
        c.ShuffleState = ReadWords(r);
        int doubles = version >= 2 ? 7 : 5;
        int history = Count(r, 4 + (8 * doubles));
        for (int i = 0; i < history; i++)
        {
            var m = new EpochMetrics(r.ReadInt32(), r.ReadDouble(), r.ReadDouble(), r.ReadDouble(), r.ReadDouble(), r.ReadDouble());
            c.History.Add(version >= 2 ? m with { TrainAccuracy = r.ReadDouble(), LearningRate = r.ReadDouble() } : m);
        }

        int tensors = Count(r, 1 + 4);
        for (int i = 0; i < tensors; i++)
        {
            string key = r.ReadString();
            var values = new float[Count(r, sizeof(float))];
            for (int at = 0, slice = chunkBytes / sizeof(float); at < values.Length; at += slice)
            {
                r.BaseStream.ReadExactly(MemoryMarshal.AsBytes(values.AsSpan(at, Math.Min(slice, values.Length - at))));
            }
            c.Tensors[key] = values;
        }

        int scalars = Count(r, 1 + 8);
        for (int i = 0; i < scalars; i++)
        {
            c.Scalars[r.ReadString()] = r.ReadDouble();
        }

        int words = Count(r, 1 + 4);
        for (int i = 0; i < words; i++)
        {
            c.Words[r.ReadString()] = ReadWords(r);
        }

        return c;
    }

    // Every count is checked against the bytes left before anything is allocated, so a forged count costs nothing.
    private static int Count(BinaryReader r, int bytesPerItem)
    {
        int count = r.ReadInt32();
        long left = r.BaseStream.Length - r.BaseStream.Position;
        if (count < 0 || (long)count * bytesPerItem > left)
        {
            throw new InvalidDataException($"a count of {count} with {left} bytes left");
        }

        return count;
    }

    private static void WriteWords(BinaryWriter w, ulong[] words)
    {
        w.Write(words.Length);
        foreach (ulong word in words)
        {
            w.Write(word);
        }
    }

    private static ulong[] ReadWords(BinaryReader r)
    {
        var words = new ulong[Count(r, sizeof(ulong))];
        for (int i = 0; i < words.Length; i++)
        {
            words[i] = r.ReadUInt64();
        }

        return words;
    }
}
