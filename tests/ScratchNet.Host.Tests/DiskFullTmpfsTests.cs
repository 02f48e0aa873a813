using System.Diagnostics;
using ScratchNet.Data.Sources;
using ScratchNet.Host.Tests.Support;

namespace ScratchNet.Host.Tests;

/// <summary>
/// Really full filesystems. The cache sits on a 24 MB tmpfs that has room for the small MNIST files and a hand-placed
/// train-images .gz, but not for the 47 MB file unpacked from it (needs real MNIST); and a run folder on a 4 MB tmpfs
/// fills up during training. Needs Linux and root (to mount); run them by name: dotnet test tests/ScratchNet.Host.Tests -c Release --filter Name~Disk_full.
/// </summary>
[Explicit("mounts a tmpfs: Linux and root only")]
public sealed class DiskFullTmpfsTests
{
    [Test]
    public async Task DiskFullDuringACacheSaveIsOneClearErrorAndTheFilesAlreadyThereStayIntact()
    {
        IReadOnlyDictionary<string, string> real = await RealMnist.EnsureAsync();
        using var dir = new TempDirectory();
        string mount = dir.Combine("tmpfs");
        Directory.CreateDirectory(mount);
        Shell("mount", "-t", "tmpfs", "-o", "size=24m", "tmpfs", mount);
        try
        {
            string folder = Path.Combine(mount, "mnist");
            Directory.CreateDirectory(folder);
            var before = new Dictionary<string, byte[]>();
            foreach (DataFile file in new[] { MnistFiles.TrainLabels, MnistFiles.TestImages, MnistFiles.TestLabels })
            {
                before[file.Name] = File.ReadAllBytes(real[file.Name]);
                File.WriteAllBytes(Path.Combine(folder, file.Name), before[file.Name]);
            }

            string gz = Path.Combine(folder, MnistFiles.TrainImages.Name + ".gz");
            byte[] gzBytes = IdxFiles.Gzip(File.ReadAllBytes(real[MnistFiles.TrainImages.Name]));
            File.WriteAllBytes(gz, gzBytes);

            HostResult result = HostProcess.Run(["--Data:CacheDirectory=" + mount, "--Data:UseNpm=false", "--Data:Mirrors:0=", $"--Run:Directory={dir.Combine("runs")}"], dir.Path);

            TestContext.Out.WriteLine(result.ToString());
            Assert.That(result.ExitCode, Is.EqualTo(ExitCodes.DataUnavailable), result.ToString());
            Assert.That(result.Output, Does.Contain("No space left on device"));
            Assert.That(result.Lines.Count(l => l.Contains("Could not obtain", StringComparison.Ordinal)), Is.EqualTo(1));
            Assert.That(result.Lines, Has.None.Match(@"^at \S+"));
            foreach ((string name, byte[] bytes) in before)
            {
                Assert.That(File.ReadAllBytes(Path.Combine(folder, name)), Is.EqualTo(bytes), name);
            }

            Assert.That(File.ReadAllBytes(gz), Is.EqualTo(gzBytes));
            Assert.That(File.Exists(Path.Combine(folder, MnistFiles.TrainImages.Name)), Is.False);
            Assert.That(Directory.GetFiles(folder, "*.tmp"), Is.Empty, "the half-written file is removed, freeing the space");
        }
        finally
        {
            Shell("umount", mount);
        }
    }

    [Test]
    public void DiskFullDuringTrainingStopsWithOneLineExit8AndTheLastResumePointLoads()
    {
        using var dir = new TempDirectory();
        string mount = dir.Combine("tmpfs");
        Directory.CreateDirectory(mount);
        Shell("mount", "-t", "tmpfs", "-o", "size=4m", "tmpfs", mount);
        try
        {
            // 64-1500-10: a checkpoint is ~0.4 MB, so a few resume points, best.ckpt and the reports fill 4 MB within epochs.
            string[] data = SyntheticIdx.Write(dir.Combine("idx"), hidden: 1500, trainRows: 200, testRows: 50);
            HostResult result = HostProcess.Run(
                ["train", .. data, "--Training:Epochs=1000", "--Checkpoints:KeepLast=20", "--Progress:Enabled=false", $"--Run:Directory={mount}"],
                dir.Path,
                TimeSpan.FromSeconds(120));

            TestContext.Out.WriteLine(result.ToString());
            Assert.That(result.ExitCode, Is.EqualTo(ExitCodes.OutputFailed), result.ToString());
            string[] errors = [.. result.Lines.Where(l => l.Contains("Could not write", StringComparison.Ordinal))];
            Assert.That(errors, Has.Length.EqualTo(1));
            Assert.That(errors[0], Does.Contain("No space left on device. The network as it stood (epoch "));
            Assert.That(result.Lines, Has.None.Match(@"^at \S+"));

            // The epoch the full disk refused is kept in the temp folder (here the test's own, off the tmpfs), and continues the run in its folder.
            string rescued = System.Text.RegularExpressions.Regex.Match(errors[0], @"kept as a resume point \((\S+\.ckpt)\): free space, then train --resume \S+ continues from it in this run's folder").Groups[1].Value;
            Assert.That(Path.GetDirectoryName(rescued), Is.EqualTo(dir.Path), errors[0]);
            Assert.That(ScratchNet.Training.Checkpoints.CheckpointFile.Load(rescued).Epoch, Is.GreaterThan(1));
            Assert.That(Directory.GetFiles(mount, "*.tmp", SearchOption.AllDirectories), Is.Empty, "the half-written checkpoint is removed, freeing its space");
        }
        finally
        {
            Shell("umount", mount);
        }
    }

    [Test]
    public void ARowTheFullDiskRefuses_IsUndone_AndTheHistoryFileStaysWhole()
    {
        using var dir = new TempDirectory();
        string mount = dir.Combine("tmpfs");
        Directory.CreateDirectory(mount);
        Shell("mount", "-t", "tmpfs", "-o", "size=64k", "tmpfs", mount);
        try
        {
            // A history.json of one row, the rest of the file system filled: a row of 16 KB fits in part, then ENOSPC.
            string history = Path.Combine(mount, "history.json");
            byte[] before = "[\n  {\n    \"epoch\": 1\n  }\n]"u8.ToArray();
            File.WriteAllBytes(history, before);
            using (FileStream filler = File.Create(Path.Combine(mount, "filler")))
            {
                try
                {
                    filler.Write(new byte[128 * 1024]);
                    filler.Flush();
                }
                catch (IOException)
                {
                    // Full, as meant.
                }
            }

            byte[] row = System.Text.Encoding.UTF8.GetBytes($",\n  {{\n    \"epoch\": 2, \"pad\": \"{new string('x', 16 * 1024)}\"\n  }}\n]");
            Assert.That(() => ScratchNet.Files.AppendedFile.Append(history, before.Length, "\n]"u8, row),
                Throws.InstanceOf<ScratchNet.Files.FileWriteException>().With.Message.Contains("No space left on device"));
            Assert.That(File.ReadAllBytes(history), Is.EqualTo(before), "the part that fitted is taken back and the closing bracket put back");
        }
        finally
        {
            Shell("umount", mount);
        }
    }

    private static void Shell(string command, params string[] args)
    {
        using var process = Process.Start(command, args);
        process.WaitForExit();
        Assert.That(process.ExitCode, Is.EqualTo(0), $"{command} {string.Join(' ', args)} failed");
    }
}
