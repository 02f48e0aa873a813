using System.Diagnostics;
using ScratchNet.Data.Sources;
using ScratchNet.Data.Tests.Support;
using ScratchNet.Host.Tests.Support;

namespace ScratchNet.Host.Tests;

/// <summary>
/// A really full filesystem: the cache sits on a 24 MB tmpfs that has room for the small MNIST files and a hand-placed
/// train-images .gz, but not for the 47 MB file unpacked from it. Needs Linux and root (to mount), and real MNIST;
/// run it by name: dotnet test tests/ScratchNet.Host.Tests -c Release --filter Name~Disk_full.
/// </summary>
[Explicit("mounts a tmpfs: Linux and root only")]
public sealed class DiskFullTmpfsTests
{
    [Test]
    public async Task Disk_full_during_a_cache_save_is_one_clear_error_and_the_files_already_there_stay_intact()
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

    private static void Shell(string command, params string[] args)
    {
        using var process = Process.Start(command, args);
        process.WaitForExit();
        Assert.That(process.ExitCode, Is.EqualTo(0), $"{command} {string.Join(' ', args)} failed");
    }
}
