using System.Diagnostics;
using ScratchNet.Core.Random;
using ScratchNet.Host.Runs;
using ScratchNet.Host.Tests.Support;
using ScratchNet.Training.Checkpoints;

namespace ScratchNet.Host.Tests;

/// <summary>
/// kill -9 at random moments while the host trains and writes a checkpoint every epoch (half the kills the moment a
/// temporary checkpoint file appears): after every kill each *.ckpt file in the folder loads, no temporary file counts
/// as a resume point, and the next round resumes from the newest; at the end an undisturbed --resume continues and checkpoints again.
/// </summary>
[Category("Integration")]
public sealed class CheckpointKillTests
{
    private const int Kills = 20;

    // Far more than the rounds get through, so every kill lands mid-run (the settings cannot change on resume).
    private const int Epochs = 100_000;

    [Test]
    public void EveryCheckpointLoadsAndResumeWorksAfterKill9AtRandomMomentsDuringCheckpointWrites()
    {
        using var dir = new TempDirectory();
        string folder = dir.Combine("ckpt");
        string[] args =
        [
            "train", .. SyntheticIdx.Write(dir.Combine("idx")), $"--Training:Epochs={Epochs}", "--Checkpoints:EveryEpochs=1",
            "--Checkpoints:KeepLast=2", $"--Checkpoints:Directory={folder}", $"--Run:Directory={dir.Combine("runs")}",
        ];
        // A Checkpoints:Directory outside the run folder gets a subfolder per run; once a checkpoint exists, every round
        // resumes that run, so one subfolder holds them all.
        var checkpoints = new RunCheckpoints(folder);
        var rng = new Xoshiro256(2026);
        int midWrite = 0;
        int resumed = 0;
        var clock = Stopwatch.StartNew();
        for (int kill = 0; kill < Kills; kill++)
        {
            bool resume = checkpoints.Latest() is not null;
            resumed += resume ? 1 : 0;
            string[] round = resume ? [.. args, "--resume"] : args;
            // By name, not by count: each save deletes the temporaries earlier kills left (their processes are gone).
            HashSet<string> temporariesBefore = Temporaries(folder);
            using (var child = Process.Start(HostProcess.StartInfo(round, dir.Path))!)
            {
                _ = child.StandardOutput.ReadToEndAsync();
                _ = child.StandardError.ReadToEndAsync();
                var waited = Stopwatch.StartNew();
                if (kill % 2 == 0)
                {
                    // Any moment of the run once it has claimed its folder (so a slow start on a busy machine does not
                    // make every kill land before training): loading, training, checkpointing, renaming or pruning.
                    while (!Claimed(dir.Combine("runs"), child.Id) && !child.HasExited && waited.Elapsed < TimeSpan.FromSeconds(20))
                    {
                        Thread.Sleep(5);
                    }

                    Thread.Sleep(TimeSpan.FromMilliseconds(rng.NextDouble() * 1200));
                }
                else
                {
                    // The moment a checkpoint is being written: wait for a temporary file, then (maybe) a little more.
                    while (!Temporaries(folder).Except(temporariesBefore).Any() && !child.HasExited && waited.Elapsed < TimeSpan.FromSeconds(20))
                    {
                        Thread.Yield();
                    }

                    Thread.Sleep(rng.NextInt(3));
                }

                Assert.That(child.HasExited, Is.False, $"the host exited by itself (code {(child.HasExited ? child.ExitCode : 0)}) before kill {kill + 1}");
                child.Kill(); // SIGKILL on Unix: no finally blocks, no flushes.
                child.WaitForExit();
            }

            if (Temporaries(folder).Except(temporariesBefore).Any())
            {
                midWrite++;
            }

            string[] files = Directory.Exists(folder) ? Directory.GetFiles(folder, "*.ckpt", SearchOption.AllDirectories) : [];
            foreach (string file in files)
            {
                Assert.DoesNotThrow(() => CheckpointFile.Load(file), $"after kill {kill + 1}, {Path.GetFileName(file)} does not load");
            }

            Assert.That(checkpoints.ResumePoints().Select(Path.GetFileName), Has.All.Match(@"^ckpt-e\d{4}-b\d{6}\.ckpt$"), $"after kill {kill + 1}, a temporary file passes for a resume point");
        }

        TestContext.Out.WriteLine($"{Kills} kills in {clock.Elapsed.TotalSeconds:F1} s; {resumed} rounds resumed; {midWrite} left a temporary checkpoint behind (killed mid-write); newest {Path.GetFileName(checkpoints.Latest())}; {Temporaries(folder).Count} temporary files in the folder");
        Assert.That(midWrite, Is.GreaterThan(0), "no kill landed during a checkpoint write, so the loop tested nothing");
        Assert.That(resumed, Is.GreaterThan(Kills / 2), "most rounds must continue an interrupted run");

        // An undisturbed resume continues from the newest checkpoint and writes the next one, and that save
        // deletes the temporaries the killed writers left in its run's folder. (A run killed before its first
        // checkpoint is never resumed here, so a probe or checkpoint temporary in its own subfolder stays, as in any
        // lost run's folder.)
        string newest = checkpoints.Latest()!;
        string resumedRun = Path.GetDirectoryName(newest)!;
        HashSet<string> abandoned = Temporaries(resumedRun);
        using (var child = Process.Start(HostProcess.StartInfo([.. args, "--resume"], dir.Path))!)
        {
            Task<string> stdout = child.StandardOutput.ReadToEndAsync();
            Task<string> stderr = child.StandardError.ReadToEndAsync();
            var waited = Stopwatch.StartNew();
            while (string.CompareOrdinal(checkpoints.Latest(), newest) <= 0 && !child.HasExited && waited.Elapsed < TimeSpan.FromSeconds(60))
            {
                Thread.Sleep(10);
            }

            // One save more: the save that renamed `next` into place deletes the abandoned temporaries just after.
            string? next = checkpoints.Latest();
            while (string.CompareOrdinal(checkpoints.Latest(), next) <= 0 && !child.HasExited && waited.Elapsed < TimeSpan.FromSeconds(60))
            {
                Thread.Sleep(10);
            }

            bool running = !child.HasExited;
            child.Kill();
            child.WaitForExit();
            string output = stdout.Result + stderr.Result;
            Assert.That(running, Is.True, output);
            Assert.That(output, Does.Contain($"Resuming {newest}"));
            Assert.That(string.CompareOrdinal(checkpoints.Latest(), newest), Is.GreaterThan(0), $"no checkpoint after {Path.GetFileName(newest)} within a minute of resuming: {output}");
        }

        Assert.That(Temporaries(resumedRun).Intersect(abandoned), Is.Empty, "temporaries of killed writers left after the next save");
    }

    /// <summary>
    /// kill -9 while a resume from an earlier point sets the later ones aside and then prunes them as its own points replace
    /// them (half the kills at random moments, half the moment a checkpoint temporary appears): after each, every *.ckpt
    /// loads, and the run's folder still names a resume point that loads.
    /// </summary>
    [Test]
    public void EveryKillWhilePointsOfABranchLeftArePrunedLeavesTheRunAPointThatLoads()
    {
        const int rounds = 10;
        using var dir = new TempDirectory();
        string runs = dir.Combine("runs");
        string[] args = ["train", .. SyntheticIdx.Write(dir.Combine("idx")), $"--Training:Epochs={Epochs}", "--Checkpoints:EveryEpochs=1", "--Checkpoints:KeepLast=2", $"--Run:Directory={runs}"];
        string folder = KilledOnceItHasPoints(args, runs);
        var points = new CheckpointDirectory(Path.Combine(folder, "checkpoints"), 2);
        var rng = new Xoshiro256(2027);
        int pruned = 0;
        for (int round = 0; round < rounds; round++)
        {
            // From its oldest point: the later one is set aside, and goes once two of this session's replace it.
            string oldest = points.ResumePoints().Last();
            var output = new System.Collections.Concurrent.ConcurrentQueue<string>();
            using (var child = Process.Start(HostProcess.StartInfo([.. args, "--resume", oldest], dir.Path))!)
            {
                child.OutputDataReceived += (_, e) => output.Enqueue(e.Data ?? string.Empty);
                child.ErrorDataReceived += (_, e) => output.Enqueue(e.Data ?? string.Empty);
                child.BeginOutputReadLine();
                child.BeginErrorReadLine();
                var waited = Stopwatch.StartNew();
                while (!Claimed(runs, child.Id) && !child.HasExited && waited.Elapsed < TimeSpan.FromSeconds(20))
                {
                    Thread.Sleep(2);
                }

                if (round % 2 == 0)
                {
                    Thread.Sleep(TimeSpan.FromMilliseconds(rng.NextDouble() * 1500));
                }
                else
                {
                    // Just after a point set aside was removed, while the next resume points are written.
                    while (!output.Any(l => l.Contains(RemovedLine, StringComparison.Ordinal)) && !child.HasExited && waited.Elapsed < TimeSpan.FromSeconds(20))
                    {
                        Thread.Yield();
                    }

                    Thread.Sleep(rng.NextInt(3));
                }

                Assert.That(child.HasExited, Is.False, $"the host exited by itself (code {(child.HasExited ? child.ExitCode : 0)}) before kill {round + 1}: {string.Join('\n', output)}");
                child.Kill();
                child.WaitForExit();
            }

            pruned += output.Any(l => l.Contains(RemovedLine, StringComparison.Ordinal)) ? 1 : 0;
            foreach (string file in Directory.GetFiles(points.Path, "*.ckpt"))
            {
                Assert.DoesNotThrow(() => CheckpointFile.Load(file), $"after kill {round + 1}, {Path.GetFileName(file)} does not load");
            }

            string? next = RunFolderSelection.RunAt(folder, "checkpoints")?.ResumeCheckpoint;
            Assert.That(next, Is.Not.Null, $"after kill {round + 1}, the run has no resume point");
            Assert.DoesNotThrow(() => CheckpointFile.Load(next!), $"after kill {round + 1}, the run's resume point {next} does not load");
        }

        TestContext.Out.WriteLine($"{rounds} kills; {pruned} landed after a point set aside was removed");
        Assert.That(pruned, Is.GreaterThan(rounds / 4), "too few kills came after a point set aside was removed, so they tested little");
    }

    private const string RemovedLine = "Removed resume points that";

    // A first run, killed once it has written two resume points: its folder.
    private static string KilledOnceItHasPoints(string[] args, string runs)
    {
        using var child = Process.Start(HostProcess.StartInfo(args, Path.GetDirectoryName(runs)!))!;
        _ = child.StandardOutput.ReadToEndAsync();
        _ = child.StandardError.ReadToEndAsync();
        var waited = Stopwatch.StartNew();
        string? folder = null;
        while (waited.Elapsed < TimeSpan.FromSeconds(60) && !child.HasExited
            && (folder = Directory.Exists(runs) ? Directory.GetDirectories(runs).FirstOrDefault() : null) is var f
            && (f is null || new CheckpointDirectory(Path.Combine(f, "checkpoints"), 2).ResumePoints().Count() < 2))
        {
            Thread.Sleep(5);
        }

        child.Kill();
        child.WaitForExit();
        Assert.That(folder, Is.Not.Null, "the first run never made its folder");
        return folder!;
    }

    /// <summary>True once process <paramref name="pid"/> has claimed a run folder (its session is in a run.json).</summary>
    private static bool Claimed(string runs, int pid) =>
        Directory.Exists(runs) && Directory.GetDirectories(runs).Any(f => RunStatus.TryRead(f)?.Sessions.LastOrDefault()?.ProcessId == pid);

    private static HashSet<string> Temporaries(string folder) => Directory.Exists(folder) ? [.. Directory.GetFiles(folder, "*.tmp", SearchOption.AllDirectories)] : [];

    /// <summary>The checkpoints of the run that has them, under a Checkpoints:Directory shared by per-run subfolders.</summary>
    private sealed class RunCheckpoints(string folder)
    {
        private CheckpointDirectory? Directory => System.IO.Directory.Exists(folder)
            ? System.IO.Directory.GetDirectories(folder).Select(d => new CheckpointDirectory(d, 2)).FirstOrDefault(d => d.Latest() is not null)
            : null;

        public string? Latest() => Directory?.Latest();

        public IEnumerable<string> ResumePoints() => Directory?.ResumePoints() ?? [];
    }
}
