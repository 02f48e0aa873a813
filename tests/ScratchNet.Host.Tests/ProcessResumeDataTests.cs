using System.Security.Cryptography;
using ScratchNet.Host.Reports;
using ScratchNet.Host.Runs;
using ScratchNet.Host.Tests.Support;
using ScratchNet.Models;
using ScratchNet.Training.Checkpoints;

namespace ScratchNet.Host.Tests;

/// <summary>
/// A checkpoint knows the data it trained on: a resume on changed IDX files is refused in one line before the run
/// folder is touched, the same files resume as the run left alone would have gone on, and a checkpoint from before
/// checkpoints recorded their data still resumes, saying once that its data cannot be checked.
/// </summary>
[Category("Integration")]
public sealed class ProcessResumeDataTests
{
    private static readonly string[] Compared = ["epoch", "train_loss", "val_loss", "val_acc"];

    private TempDirectory _dir = null!;
    private string _idx = null!;
    private string[] _data = null!;

    [SetUp]
    public void SetUp()
    {
        _dir = new TempDirectory();
        _idx = _dir.Combine("idx");
        _data = SyntheticIdx.Write(_idx, trainRows: 200, testRows: 50);
    }

    [TearDown]
    public void TearDown() => _dir.Dispose();

    [Test]
    public void ACheckpointRecordsTheDataHashItsModelFileRecords()
    {
        (string checkpoint, string folder) = TrainTwoEpochs();

        string recorded = CheckpointFile.Load(checkpoint).DatasetSha256;
        Assert.That(recorded, Does.Match("^[0-9a-f]{64}$"));
        Assert.That(recorded, Is.EqualTo(ModelFile.Load(Path.Combine(folder, ModelSaver.FileName)).Manifest!.DatasetSha256));
    }

    // One label of the test file (its header is 8 bytes), one pixel of the training images (a 16-byte header).
    [TestCase("t10k-labels-idx1-ubyte", 8 + 3)]
    [TestCase("train-images-idx3-ubyte", 16 + 70)]
    public void AResumeOnChangedDataIsRefusedInOneLineNamingTheFolderAndChangesNothing(string file, int offset)
    {
        (string checkpoint, string folder) = TrainTwoEpochs();
        string[] history = Losses(folder);
        string recorded = CheckpointFile.Load(checkpoint).DatasetSha256;
        Dictionary<string, string> before = Snapshot(folder);
        string path = Path.Combine(_idx, file);
        byte[] original = File.ReadAllBytes(path);
        byte[] changed = (byte[])original.Clone();
        changed[offset] = (byte)((changed[offset] + 1) % 10);
        File.WriteAllBytes(path, changed);

        HostResult refused = HostProcess.Run(Resume(checkpoint), _dir.Path);

        Assert.That(refused.ExitCode, Is.EqualTo(2), refused.ToString());
        HostAssert.NoStackTrace(refused);
        string[] errors = [.. refused.Lines.Where(l => l.Contains("Checkpoint unusable", StringComparison.Ordinal))];
        Assert.That(errors, Has.Length.EqualTo(1), refused.ToString());
        Assert.That(refused.Lines[^1], Is.EqualTo(errors[0]));
        Assert.That(errors[0], Does.Contain($"the data in {_idx} is not the data {checkpoint} trained on")
            .And.Match($"SHA-256 [0-9a-f]{{12}} now, {recorded[..12]} in the checkpoint")
            .And.Contain("resuming would not continue the run exactly")
            .And.Contain("train afresh without --resume"));
        Assert.That(Snapshot(folder), Is.EqualTo(before), "the checkpoints, config.json, run.json and the history are as the run left them");

        // With the files put back, the same checkpoint resumes, and epoch 2 comes out as it did the first time.
        File.WriteAllBytes(path, original);
        HostResult resumed = HostProcess.Run(Resume(checkpoint), _dir.Path);
        Assert.That(resumed.ExitCode, Is.EqualTo(0), resumed.ToString());
        Assert.That(resumed.Output, Does.Contain($"Resuming {checkpoint}").And.Not.Contain("cannot be checked"));
        Assert.That(Losses(folder), Is.EqualTo(history));
    }

    [Test]
    public void AnOldCheckpointWithoutTheDataHashStillResumesAndSaysOnceThatItsDataCannotBeChecked()
    {
        (string checkpoint, string folder) = TrainTwoEpochs();
        string[] history = Losses(folder);
        WriteAsVersion3(checkpoint);
        Assert.That(CheckpointFile.Load(checkpoint).DatasetSha256, Is.Empty, "read as a version 3 file");

        HostResult resumed = HostProcess.Run(Resume(checkpoint), _dir.Path);

        Assert.That(resumed.ExitCode, Is.EqualTo(0), resumed.ToString());
        Assert.That(resumed.Lines.Count(l => l.Contains("cannot be checked", StringComparison.Ordinal)), Is.EqualTo(1), resumed.ToString());
        Assert.That(resumed.Output, Does.Contain($"{checkpoint} was written before checkpoints recorded their data: whether the data in {_idx} is the data it trained on cannot be checked"));
        Assert.That(Losses(folder), Is.EqualTo(history), "resumed as before");
    }

    // README's quick try trains on a sample (Data:TrainImages) and evaluates with --model alone: evaluate takes the sample
    // size from the model, so the data it hashes is the data the model hashed, and edited test labels are noticed.
    [Test]
    public void EvaluateWarnsWhenTheFilesChangedSinceAModelTrainedOnASampleWithoutBeingToldTheSampleSize()
    {
        HostResult trained = HostProcess.Run(["train", .. _data, "--Progress:Enabled=false", "--Training:Epochs=1", "--Data:TrainImages=60", "--Checkpoints:Directory="], _dir.Path);
        Assert.That(trained.ExitCode, Is.EqualTo(0), trained.ToString());
        string model = Path.Combine(Directory.GetDirectories(Path.Combine(_dir.Path, "runs")).Single(), ModelSaver.FileName);
        string[] evaluate = ["evaluate", "--model", model, "--Progress:Enabled=false"];

        HostResult same = HostProcess.Run(evaluate, _dir.Path);
        Assert.That(same.ExitCode, Is.EqualTo(0), same.ToString());
        Assert.That(same.Output, Does.Not.Contain("the files changed since"), "the same files: no warning");

        string labels = Path.Combine(_idx, "t10k-labels-idx1-ubyte");
        byte[] changed = File.ReadAllBytes(labels);
        for (int i = 8; i < changed.Length; i++)
        {
            // Every test label moves on by one: whichever rows the random hold-out holds, it changed.
            changed[i] = (byte)((changed[i] + 1) % 10);
        }

        File.WriteAllBytes(labels, changed);

        HostResult edited = HostProcess.Run(evaluate, _dir.Path);
        Assert.That(edited.ExitCode, Is.EqualTo(0), edited.ToString());
        Assert.That(edited.Stderr, Does.Contain($"The data in {_idx} is not the data {model} was trained on"));

        // Another sample size hashes other data: no comparison is possible, and it says so rather than nothing.
        HostResult otherSample = HostProcess.Run([.. evaluate, "--Data:TrainImages=90"], _dir.Path);
        Assert.That(otherSample.ExitCode, Is.EqualTo(0), otherSample.ToString());
        Assert.That(otherSample.Stderr, Does.Contain($"Whether the data files changed since {model} was trained cannot be checked with Data:TrainImages 90 (the model's run had 60"));
    }

    private string[] Resume(string checkpoint) => ["train", "--Progress:Enabled=false", "--resume", checkpoint];

    /// <summary>A finished two-epoch run and its first resume point, which continues at epoch 2.</summary>
    private (string Checkpoint, string Folder) TrainTwoEpochs()
    {
        HostResult trained = HostProcess.Run(["train", .. _data, "--Progress:Enabled=false", "--Training:Epochs=2", "--Checkpoints:EveryEpochs=1"], _dir.Path);
        Assert.That(trained.ExitCode, Is.EqualTo(0), trained.ToString());
        string folder = Directory.GetDirectories(Path.Combine(_dir.Path, "runs")).Single();
        string checkpoint = new CheckpointDirectory(Path.Combine(folder, "checkpoints"), 3).ResumePoints().Single(p => CheckpointFile.Load(p).Epoch == 2);
        return (checkpoint, folder);
    }

    /// <summary>
    /// Rewrites a checkpoint as format version 3 wrote it: the same payload without the data's hash (a length byte and 64
    /// hex digits right after the settings), with its length and checksum to match.
    /// </summary>
    private static void WriteAsVersion3(string checkpoint)
    {
        byte[] file = File.ReadAllBytes(checkpoint);
        Assert.That(BitConverter.ToInt32(file, 8), Is.EqualTo(4));
        byte[] payload = file[20..^32];
        byte[] hash = [64, .. System.Text.Encoding.ASCII.GetBytes(CheckpointFile.Load(checkpoint).DatasetSha256)];
        int at = payload.AsSpan().IndexOf(hash);
        Assert.That(at, Is.Positive);
        byte[] old = [.. payload[..at], .. payload[(at + hash.Length)..]];
        using var stream = new MemoryStream();
        using (var w = new BinaryWriter(stream))
        {
            w.Write(file[..8]);
            w.Write(3);
            w.Write((long)old.Length);
            w.Write(old);
            w.Write(SHA256.HashData(old));
        }

        File.WriteAllBytes(checkpoint, stream.ToArray());
    }

    /// <summary>The loss and accuracy columns of the run's history.csv (timing columns differ between sessions).</summary>
    private static string[] Losses(string folder)
    {
        string[][] rows = [.. File.ReadAllLines(Path.Combine(folder, HistoryWriter.CsvFile)).Select(line => line.Split(','))];
        int[] columns = [.. Compared.Select(name => Array.IndexOf(rows[0], name))];
        return [.. rows.Select(row => string.Join(",", columns.Select(c => row[c])))];
    }

    private static Dictionary<string, string> Snapshot(string folder) =>
        Directory.GetFiles(folder, "*", SearchOption.AllDirectories).Where(f => Path.GetFileName(f) != RunFolder.LockFileName)
            .ToDictionary(f => Path.GetRelativePath(folder, f), f => Convert.ToHexString(SHA256.HashData(File.ReadAllBytes(f))));
}
