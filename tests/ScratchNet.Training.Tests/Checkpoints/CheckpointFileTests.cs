using ScratchNet.Files;
using ScratchNet.Training.Checkpoints;
using ScratchNet.Training.Results;

namespace ScratchNet.Training.Tests.Checkpoints;

public class CheckpointFileTests
{
    private string _dir = null!;

    [SetUp]
    public void CreateDirectory() => _dir = Directory.CreateTempSubdirectory("scratchnet-ckpt-").FullName;

    [TearDown]
    public void DeleteDirectory() => Directory.Delete(_dir, recursive: true);

    private static Checkpoint Sample(int epoch = 3, int batch = 7)
    {
        var c = new Checkpoint { ConfigurationHash = "abc", Epoch = epoch, Batch = batch, LossSum = 12.5, CorrectSum = 99, ShuffleState = [1, 2, 3, ulong.MaxValue] };
        c.History.Add(new EpochMetrics(1, 0.5, 0.4, 0.9, 1.25, 0.1, TrainAccuracy: 0.8, LearningRate: 0.003));
        c.Tensors["param/dense0.weight"] = [1f, -2f, float.Epsilon, 3.5f];
        c.Scalars["optimizer.steps"] = 42;
        c.Words["rng/dropout0"] = [5, 6, 7, 8];
        return c;
    }

    /// <summary>A checkpoint file of <paramref name="version"/> around <paramref name="payload"/>, as that version was written.</summary>
    private static MemoryStream FileOf(int version, byte[] payload)
    {
        var file = new MemoryStream();
        using (var w = new BinaryWriter(file, System.Text.Encoding.UTF8, leaveOpen: true))
        {
            w.Write("SNCKPT\r\n"u8.ToArray());
            w.Write(version);
            w.Write((long)payload.Length);
            w.Write(payload);
            w.Write(System.Security.Cryptography.SHA256.HashData(payload));
        }

        file.Position = 0;
        return file;
    }

    [Test]
    public void WriteThenRead_GivesEveryFieldBack()
    {
        string path = Path.Combine(_dir, "a.ckpt");
        CheckpointFile.Save(path, Sample());
        Checkpoint c = CheckpointFile.Load(path);
        Assert.Multiple(() =>
        {
            Assert.That((c.ConfigurationHash, c.Epoch, c.Batch, c.LossSum, c.CorrectSum), Is.EqualTo(("abc", 3, 7, 12.5, 99L)));
            Assert.That(c.ShuffleState, Is.EqualTo(new ulong[] { 1, 2, 3, ulong.MaxValue }));
            Assert.That(c.History, Is.EqualTo(Sample().History));
            Assert.That(c.Tensors["param/dense0.weight"], Is.EqualTo(new[] { 1f, -2f, float.Epsilon, 3.5f }));
            Assert.That(c.Scalars["optimizer.steps"], Is.EqualTo(42));
            Assert.That(c.Words["rng/dropout0"], Is.EqualTo(new ulong[] { 5, 6, 7, 8 }));
        });
    }

    [Test]
    public void Read_TakesAVersion1File_WithTrainAccuracyAndRateUnknown()
    {
        // A version 1 payload, as the previous build wrote it: no correct count, six numbers per history row.
        using var payload = new MemoryStream();
        using (var w = new BinaryWriter(payload, System.Text.Encoding.UTF8, leaveOpen: true))
        {
            w.Write("abc");
            w.Write(2);
            w.Write(5);
            w.Write(1.5);
            w.Write(4);
            foreach (ulong word in new ulong[] { 1, 2, 3, 4 })
            {
                w.Write(word);
            }

            w.Write(1);
            w.Write(1);
            foreach (double value in new[] { 0.5, 0.4, 0.9, 1.25, 0.1 })
            {
                w.Write(value);
            }

            w.Write(0);
            w.Write(0);
            w.Write(0);
        }

        using MemoryStream file = FileOf(1, payload.ToArray());
        Checkpoint c = CheckpointFile.Read(file, "old.ckpt");
        Assert.That((c.Epoch, c.Batch, c.LossSum, c.CorrectSum), Is.EqualTo((2, 5, 1.5, -1L)));
        Assert.That(c.History, Is.EqualTo(new[] { new EpochMetrics(1, 0.5, 0.4, 0.9, 1.25, 0.1) }));
    }

    [Test]
    public void WriteThenRead_KeepsTheDataHash()
    {
        string path = Path.Combine(_dir, "a.ckpt");
        Checkpoint written = Sample();
        written.DatasetSha256 = new string('e', 63) + "7";
        CheckpointFile.Save(path, written);

        Checkpoint c = CheckpointFile.Load(path);

        Assert.That((c.DatasetSha256, c.Epoch, c.Batch), Is.EqualTo((written.DatasetSha256, 3, 7)));
    }

    [Test]
    public void Read_TakesAVersion3File_WithTheDataUnknown()
    {
        // Version 3 wrote the same payload without the data's hash, which comes right after the configuration hash
        // ("abc": 4 bytes) and the settings' count (4 bytes): here the one byte of an empty string.
        using var written = new MemoryStream();
        CheckpointFile.Write(written, Sample());
        byte[] file = written.ToArray();
        byte[] payload = file[20..^32];
        Assert.That(payload[8], Is.Zero, "an empty data hash");
        using MemoryStream file3 = FileOf(3, [.. payload[..8], .. payload[9..]]);
        Checkpoint c = CheckpointFile.Read(file3, "v3.ckpt");

        Assert.That((c.DatasetSha256, c.Epoch, c.Batch, c.LossSum, c.CorrectSum), Is.EqualTo((string.Empty, 3, 7, 12.5, 99L)));
        Assert.That(c.Tensors["param/dense0.weight"], Is.EqualTo(Sample().Tensors["param/dense0.weight"]));
    }

    [Test]
    public void Write_GivesTheBytesEarlierBuildsWrote()
    {
        // Streaming changed no byte of format 4: this is the SHA-256 of the file the build before it (one MemoryStream
        // for the whole payload) wrote for the same checkpoint.
        Checkpoint c = Sample();
        c.DatasetSha256 = new string('e', 63) + "7";
        c.Tensors["optimizer/m"] = [.. Enumerable.Range(0, 1000).Select(i => i * 0.5f)];
        c.Settings["Model:Layers:0"] = "dense 10";
        using var written = new MemoryStream();
        CheckpointFile.Write(written, c);

        Assert.That(written.Length, Is.EqualTo(4414));
        Assert.That(Convert.ToHexString(System.Security.Cryptography.SHA256.HashData(written.ToArray())), Is.EqualTo("F4EDDC61931B425065FCA2229FCE690EDFBAAD7C1EA7E2BE373DF53054CBBDCF"));
    }

    [Test]
    public void WriteThenRead_HandsTheStreamNoSliceLargerThanAChunk_AndGivesTheValuesBack()
    {
        // A tensor of 1.2 MB, past one 1 MiB chunk: written and read in slices, never as one span (a tensor over 2 GiB
        // would overflow one), and the payload is never buffered whole (one write of it all).
        Checkpoint c = Sample();
        float[] large = [.. Enumerable.Range(0, 300_001).Select(i => i * 0.25f)];
        c.Tensors["optimizer/m"] = large;
        using var stream = new SliceRecordingStream();
        CheckpointFile.Write(stream, c);
        long written = stream.Length;
        int largestWrite = stream.LargestCall;
        stream.Position = 0;
        stream.LargestCall = 0;

        Checkpoint read = CheckpointFile.Read(stream, "large.ckpt");

        Assert.That(written, Is.GreaterThan(CheckpointFile.ChunkBytes));
        Assert.That(largestWrite, Is.LessThanOrEqualTo(CheckpointFile.ChunkBytes));
        Assert.That(stream.LargestCall, Is.LessThanOrEqualTo(CheckpointFile.ChunkBytes), "the largest read");
        Assert.That(read.Tensors["optimizer/m"], Is.EqualTo(large));
    }

    [TestCase(4)]
    [TestCase(8)]
    [TestCase(12)]
    [TestCase(1 << 20)]
    public void WriteThenRead_InSmallChunks_GivesTheSameFileAndEveryValueBack(int chunkBytes)
    {
        // 7 floats (28 bytes) cross chunk boundaries for every size but the last; the last slice is a partial one.
        Checkpoint c = Sample();
        c.Tensors["optimizer/m"] = [0.5f, -1f, 2f, float.MaxValue, float.MinValue, 6f, 7f];
        c.Tensors["optimizer/empty"] = [];
        using var reference = new MemoryStream();
        CheckpointFile.Write(reference, c);
        using var chunked = new MemoryStream();
        CheckpointFile.Write(chunked, c, chunkBytes);
        chunked.Position = 0;

        Checkpoint read = CheckpointFile.Read(chunked, "chunked.ckpt", chunkBytes);

        Assert.That(chunked.ToArray(), Is.EqualTo(reference.ToArray()));
        Assert.That(read.Tensors.Keys, Is.EquivalentTo(c.Tensors.Keys));
        foreach ((string key, float[] values) in c.Tensors)
        {
            Assert.That(read.Tensors[key], Is.EqualTo(values), key);
        }
    }

    [Test]
    public void Read_FindsADamagedByteInTheMiddleOfALargePayload_BeforeParsingAnyOfIt()
    {
        // The checksum pass streams the payload in 64-byte chunks. A flip in the middle of the values would parse
        // (into a wrong weight); a count forged to int.MaxValue would fail the parse. Both must be caught by the
        // checksum, before a byte is parsed.
        Checkpoint c = Sample();
        c.Tensors["optimizer/m"] = [.. Enumerable.Range(0, 100_000).Select(i => (float)i)];
        using var written = new MemoryStream();
        CheckpointFile.Write(written, c);
        byte[] file = written.ToArray();
        int count = file.AsSpan().IndexOf("\u000boptimizer/m"u8) + 12;
        Assert.That(BitConverter.ToInt32(file, count), Is.EqualTo(100_000));

        byte[] flipped = [.. file];
        flipped[file.Length / 2] ^= 0x01;
        byte[] forged = [.. file];
        BitConverter.TryWriteBytes(forged.AsSpan(count), int.MaxValue);

        foreach (byte[] damaged in new[] { flipped, forged })
        {
            using var stream = new MemoryStream(damaged);
            var e = Assert.Throws<CheckpointException>(() => CheckpointFile.Read(stream, "damaged.ckpt", chunkBytes: 64));
            Assert.That(e!.Damaged, Is.True);
            Assert.That(e.Message, Does.Contain("checksum").And.Not.Contain("parse"));
        }
    }

    [Test]
    public void Save_RefusesACheckpointTooLargeToBeReadBack_AndWritesNothing()
    {
        string path = Path.Combine(_dir, "ckpt-e0002-b000000.ckpt");
        var e = Assert.Throws<CheckpointException>(() => CheckpointFile.Save(path, Sample(), maxFileBytes: 100));
        Assert.That(e!.Message, Does.Contain("more than the 100 a resume reads").And.Contain("--Checkpoints:Directory="));
        Assert.That(e.Damaged, Is.False);
        Assert.That(Directory.GetFiles(_dir), Is.Empty);
    }

    [Test]
    public void Read_TakesAVersion2File_WithNoSettingsAndTheDataUnknown()
    {
        // Version 2 wrote neither the settings' count (4 bytes after "abc") nor the data's hash (1 byte after that).
        using var written = new MemoryStream();
        CheckpointFile.Write(written, Sample());
        byte[] payload = written.ToArray()[20..^32];
        Assert.That(payload[4..9], Is.All.Zero, "no settings, an empty data hash");
        using MemoryStream file2 = FileOf(2, [.. payload[..4], .. payload[9..]]);

        Checkpoint c = CheckpointFile.Read(file2, "v2.ckpt", chunkBytes: 8);

        Assert.That((c.Settings.Count, c.DatasetSha256, c.Epoch, c.Batch, c.CorrectSum), Is.EqualTo((0, string.Empty, 3, 7, 99L)));
        Assert.That(c.History, Is.EqualTo(Sample().History));
        Assert.That(c.Tensors["param/dense0.weight"], Is.EqualTo(Sample().Tensors["param/dense0.weight"]));
    }

    [Test]
    public void Read_RejectsAFlippedByte_ByItsChecksum()
    {
        string path = Path.Combine(_dir, "a.ckpt");
        CheckpointFile.Save(path, Sample());
        byte[] bytes = File.ReadAllBytes(path);
        bytes[40] ^= 0x10;
        File.WriteAllBytes(path, bytes);
        var ex = Assert.Throws<CheckpointException>(() => CheckpointFile.Load(path));
        Assert.That(ex!.Damaged, Is.True);
        Assert.That(ex.Message, Does.Contain("checksum"));
    }

    [Test]
    public void Read_RejectsATruncatedFileAndAForeignFile()
    {
        string path = Path.Combine(_dir, "a.ckpt");
        CheckpointFile.Save(path, Sample());
        File.WriteAllBytes(path, File.ReadAllBytes(path)[..30]);
        Assert.That(Assert.Throws<CheckpointException>(() => CheckpointFile.Load(path))!.Damaged, Is.True);
        File.WriteAllText(path, "{ \"json\": true }");
        Assert.That(Assert.Throws<CheckpointException>(() => CheckpointFile.Load(path))!.Message, Does.Contain("not a ScratchNet checkpoint"));
    }

    [Test]
    public void LoadSettings_GivesTheSettingsLoadGives_AndRefusesAForeignFile()
    {
        string path = Path.Combine(_dir, "a.ckpt");
        Checkpoint written = Sample();
        written.Settings["Training:Epochs"] = "5";
        written.Settings["Model:Layers:0"] = "conv 4 3x3";
        CheckpointFile.Save(path, written);

        Assert.That(CheckpointFile.LoadSettings(path), Is.EqualTo(CheckpointFile.Load(path).Settings).And.Count.EqualTo(2));
        File.WriteAllText(path, "{ \"json\": true }");
        Assert.That(Assert.Throws<CheckpointException>(() => CheckpointFile.LoadSettings(path))!.Message, Does.Contain("not a ScratchNet checkpoint"));
        Assert.That(Assert.Throws<CheckpointException>(() => CheckpointFile.LoadSettings(Path.Combine(_dir, "nope.ckpt")))!.Message, Does.Contain("does not exist"));
    }

    [Test]
    public void Load_NamesTheMissingFile() =>
        Assert.That(Assert.Throws<CheckpointException>(() => CheckpointFile.Load(Path.Combine(_dir, "nope.ckpt")))!.Message, Does.Contain("nope.ckpt does not exist"));

    [Test]
    public void AtomicWrite_KeepsTheOldFileAndLeavesNoTemporary_WhenTheWriterFails()
    {
        string path = Path.Combine(_dir, "best.ckpt");
        CheckpointFile.Save(path, Sample(epoch: 2));
        // Not the file system's failure (what a payload too large for a MemoryStream gave): it comes out as itself,
        // never as a FileWriteException, whose message tells the user to free space.
        var e = Assert.Throws<IOException>(() => AtomicFile.Write(path, s =>
        {
            s.Write(new byte[100]);
            throw new IOException("Stream was too long.");
        }));
        Assert.That(e, Is.Not.InstanceOf<FileWriteException>());
        Assert.That(CheckpointFile.Load(path).Epoch, Is.EqualTo(2));
        Assert.That(Directory.GetFiles(_dir), Is.EqualTo(new[] { path }));
    }

    [Test]
    public void AtomicWrite_ReplacesTheFileWhole()
    {
        string path = Path.Combine(_dir, "best.ckpt");
        CheckpointFile.Save(path, Sample(epoch: 2));
        CheckpointFile.Save(path, Sample(epoch: 5));
        Assert.That(CheckpointFile.Load(path).Epoch, Is.EqualTo(5));
        Assert.That(Directory.GetFiles(_dir), Is.EqualTo(new[] { path }));
    }

    [Test]
    public void ResumePointsPastAnEarlierOneResumedAreSetAside_SoTheNewestIsThatBranchs()
    {
        var directory = new CheckpointDirectory(_dir, keepLast: 5);
        foreach ((int epoch, int batch) in new[] { (2, 0), (3, 0), (3, 500), (4, 0) })
        {
            directory.SaveResumePoint(Sample(epoch, batch));
        }

        IReadOnlyList<string> moved = directory.SetAsidePast(3, 0);

        Assert.That(moved.Select(Path.GetFileName), Is.EquivalentTo(new[] { "superseded-ckpt-e0003-b000500.ckpt", "superseded-ckpt-e0004-b000000.ckpt" }));
        Assert.That(directory.SupersededPoints(), Is.EquivalentTo(moved), "listed for KeepLast to prune");
        Assert.That(directory.Latest(), Is.EqualTo(Path.Combine(_dir, "ckpt-e0003-b000000.ckpt")));
        Assert.That(moved.All(File.Exists), Is.True, "set aside, not deleted");

        // Another branch from the same point later: its e0004 is set aside beside the first one's, not over it.
        directory.SaveResumePoint(Sample(4, 0));
        Assert.That(directory.SetAsidePast(3, 0).Select(Path.GetFileName), Is.EqualTo(new[] { "superseded-ckpt-e0004-b000000-2.ckpt" }));
        Assert.That(File.Exists(Path.Combine(_dir, "superseded-ckpt-e0004-b000000.ckpt")), Is.True);
    }

    [TestCase("/runs/ID/checkpoints/ckpt-e0004-b000120.ckpt", 4, 120)]
    [TestCase("scratchnet-20261126-205120-26573760-ckpt-e0017-b000040-2.ckpt", 17, 40)]
    [TestCase("ckpt-e12345-b000000.ckpt", 12345, 0)]
    public void AResumePointsNameTellsWhereInTrainingItContinues(string name, int epoch, int batch) =>
        Assert.That(CheckpointDirectory.PositionOf(name), Is.EqualTo((epoch, batch)));

    [TestCase("best.ckpt")]
    [TestCase("ckpt-e0004-b000120.ckpt.123.tmp")]
    [TestCase("my-copy.ckpt")]
    public void ANameThatDoesNotTellItsPlaceHasNone(string name) => Assert.That(CheckpointDirectory.PositionOf(name), Is.Null);

    [Test]
    public void Directory_KeepsTheLastK_AndFindsTheLatest()
    {
        var directory = new CheckpointDirectory(_dir, keepLast: 2);
        foreach ((int e, int b) in new[] { (2, 0), (3, 0), (3, 17), (4, 0) })
        {
            directory.SaveResumePoint(Sample(e, b));
        }

        directory.SaveBest(Sample(2, 0));
        Assert.That(directory.ResumePoints().Select(Path.GetFileName), Is.EqualTo(new[] { "ckpt-e0004-b000000.ckpt", "ckpt-e0003-b000017.ckpt" }));
        Assert.That(Path.GetFileName(directory.Latest()), Is.EqualTo("ckpt-e0004-b000000.ckpt"));
        Assert.That(File.Exists(directory.BestPath), Is.True, "best.ckpt is not a resume point and is never pruned");
    }

    [Test]
    public void Directory_DeletesTheTemporariesOfDeadWriters_AndKeepsThoseOfLiveOnes_WhenItSaves()
    {
        // A PID that has just exited: what a writer killed mid-save leaves behind.
        using var finished = System.Diagnostics.Process.Start("true")!;
        finished.WaitForExit();
        int deadPid = finished.Id;
        string dead = Path.Combine(_dir, $"ckpt-e0002-b000000.ckpt.{deadPid}.tmp");
        string deadBest = Path.Combine(_dir, $"best.ckpt.{deadPid}.tmp");
        string live = Path.Combine(_dir, $"ckpt-e0003-b000000.ckpt.{Environment.ProcessId}.tmp");
        string unrelated = Path.Combine(_dir, "notes.tmp");
        foreach (string file in new[] { dead, deadBest, live, unrelated })
        {
            File.WriteAllText(file, "partial");
        }

        new CheckpointDirectory(_dir, keepLast: 2).SaveResumePoint(Sample(4, 0));

        Assert.That(File.Exists(dead), Is.False, "a dead writer's resume-point temporary");
        Assert.That(File.Exists(deadBest), Is.False, "a dead writer's best.ckpt temporary");
        Assert.That(File.Exists(live), Is.True, "a live writer's temporary may be mid-save");
        Assert.That(File.Exists(unrelated), Is.True, "files that are not checkpoint temporaries");
        Assert.That(File.Exists(Path.Combine(_dir, "ckpt-e0004-b000000.ckpt")), Is.True);
    }

    [Test]
    public void Directory_HasNoLatest_WhenEmptyOrMissing() =>
        Assert.That(new CheckpointDirectory(Path.Combine(_dir, "none"), 3).Latest(), Is.Null);

    /// <summary>A memory stream that records the largest single read or write asked of it.</summary>
    // The reason follows "Checkpoint unusable: ", as every other checkpoint reason does, in lower case.
    [Test]
    public void ACheckpointThatIsNoRegularFile_IsRefusedInTheCheckpointsOwnWords()
    {
        var e = Assert.Throws<CheckpointException>(() => CheckpointFile.Load("/dev/zero"));

        Assert.That(e!.Message, Is.EqualTo("the checkpoint /dev/zero is a character device, not a regular file; give the path of a .ckpt file"));
    }

    private sealed class SliceRecordingStream : MemoryStream
    {
        public int LargestCall { get; set; }

        // A derived MemoryStream routes span calls through these array ones.
        public override void Write(byte[] buffer, int offset, int count)
        {
            LargestCall = Math.Max(LargestCall, count);
            base.Write(buffer, offset, count);
        }

        public override int Read(byte[] buffer, int offset, int count)
        {
            LargestCall = Math.Max(LargestCall, count);
            return base.Read(buffer, offset, count);
        }
    }
}
