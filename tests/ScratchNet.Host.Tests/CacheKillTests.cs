using System.Diagnostics;
using System.Security.Cryptography;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using ScratchNet.Core.Random;
using ScratchNet.Data;
using ScratchNet.Data.Options;
using ScratchNet.Data.Sources;
using ScratchNet.Host.Tests.Support;

namespace ScratchNet.Host.Tests;

/// <summary>
/// kill -9 at random moments while the host fills a dataset cache (from hand-placed .gz copies of real MNIST, so no
/// network is involved): after every kill each file under its final name verifies, and afterwards the cache loads.
/// </summary>
[Category("Integration")]
public sealed class CacheKillTests
{
    private const int Kills = 20;

    [Test]
    public async Task TheCacheAlwaysLoadsAfterKill9AtRandomMomentsDuringItsWrites()
    {
        IReadOnlyDictionary<string, string> real = await RealMnist.EnsureAsync();
        using var dir = new TempDirectory();
        string folder = Path.Combine(dir.Path, "cache", "mnist");
        Directory.CreateDirectory(folder);
        foreach (DataFile file in MnistFiles.All)
        {
            File.WriteAllBytes(Path.Combine(folder, file.Name + ".gz"), IdxFiles.Gzip(File.ReadAllBytes(real[file.Name])));
        }

        // The host loads the data, then stops at once: layer sizes that do not fit the data are exit code 2.
        string[] args = ["--Data:CacheDirectory=" + Path.Combine(dir.Path, "cache"), "--Data:UseNpm=false", "--Data:Mirrors:0=", "--Model:LayerSizes=5,10", $"--Run:Directory={dir.Combine("runs")}"];
        var clock = Stopwatch.StartNew();
        HostResult full = HostProcess.Run(args, dir.Path);
        TimeSpan fullRun = clock.Elapsed;
        Assert.That(full.ExitCode, Is.EqualTo(2), full.ToString());
        Assert.That(full.Output, Does.Contain("Loaded mnist"));

        var rng = new Xoshiro256(2024);
        int midWrite = 0;
        for (int kill = 0; kill < Kills; kill++)
        {
            // Each round removes some verified files so the child has writing to do when it dies.
            foreach (DataFile file in MnistFiles.All.Where(_ => rng.NextInt(2) == 0).DefaultIfEmpty(MnistFiles.TrainImages))
            {
                File.Delete(Path.Combine(folder, file.Name));
            }

            // By name, not by count: each start deletes the temporaries that earlier kills left (their processes are gone).
            HashSet<string> partialsBefore = Partials(folder);
            using (var child = Process.Start(HostProcess.StartInfo(args, dir.Path))!)
            {
                _ = child.StandardOutput.ReadToEndAsync();
                _ = child.StandardError.ReadToEndAsync();
                if (kill % 2 == 0)
                {
                    // Any moment of the run: start-up, hashing, writing, renaming or parsing.
                    Thread.Sleep(TimeSpan.FromMilliseconds(rng.NextDouble() * fullRun.TotalMilliseconds));
                }
                else
                {
                    // A moment while a file is being written (or just after): wait for a partial file, then a little more.
                    var waited = Stopwatch.StartNew();
                    while (!Partials(folder).Except(partialsBefore).Any() && !child.HasExited && waited.Elapsed < fullRun * 2)
                    {
                        Thread.Sleep(2);
                    }

                    Thread.Sleep(rng.NextInt(200));
                }

                child.Kill(); // SIGKILL on Unix: no finally blocks, no flushes.
                child.WaitForExit();
            }

            if (Partials(folder).Except(partialsBefore).Any())
            {
                midWrite++;
            }

            foreach (DataFile file in MnistFiles.All)
            {
                string path = Path.Combine(folder, file.Name);
                if (File.Exists(path))
                {
                    Assert.That(Sha256(path), Is.EqualTo(file.Sha256), $"after kill {kill + 1}, {file.Name} is under its final name but does not verify");
                }
            }
        }

        TestContext.Out.WriteLine($"{Kills} kills within {fullRun.TotalSeconds:F2} s runs; {midWrite} landed while a file was being written; {Directory.GetFiles(folder, "*.tmp").Length} partial files left behind");
        Assert.That(midWrite, Is.GreaterThan(0), "no kill landed during a write, so the loop tested nothing");

        // One undisturbed run completes the cache; then it must load from the verified files alone.
        HostResult completed = HostProcess.Run(args, dir.Path);
        Assert.That(completed.ExitCode, Is.EqualTo(2), completed.ToString());
        foreach (string gz in Directory.GetFiles(folder, "*.gz"))
        {
            File.Delete(gz);
        }

        var options = new DataOptions { CacheDirectory = Path.Combine(dir.Path, "cache"), Mirrors = [], UseNpm = false };
        var cache = new DatasetCache(folder, [], NullLogger<DatasetCache>.Instance);
        Dataset dataset = await new IdxDatasetProvider(Options.Create(options), cache, NullLogger<IdxDatasetProvider>.Instance).LoadAsync();
        Assert.That(dataset.Train.Count + dataset.Validation.Count, Is.EqualTo(70_000));
    }

    private static string Sha256(string path)
    {
        using FileStream stream = File.OpenRead(path);
        return Convert.ToHexStringLower(SHA256.HashData(stream));
    }

    private static HashSet<string> Partials(string folder) => [.. Directory.GetFiles(folder, "*.tmp")];
}
