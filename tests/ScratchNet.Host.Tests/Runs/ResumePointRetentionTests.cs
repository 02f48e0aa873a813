using ScratchNet.Files;
using ScratchNet.Host.Runs;
using ScratchNet.TestSupport;
using ScratchNet.Training.Checkpoints;

namespace ScratchNet.Host.Tests.Runs;

public sealed class ResumePointRetentionTests
{
    private TempDirectory _dir = null!;
    private string _id = null!;
    private string _run = null!;
    private string _checkpoints = null!;
    private readonly List<string> _rescues = [];
    private DateTime _clock = new(2026, 11, 27, 0, 0, 0, DateTimeKind.Utc);

    [SetUp]
    public void SetUp()
    {
        _dir = new TempDirectory();
        _id = RunFolder.NewId(DateTime.UtcNow);
        _run = Path.Combine(RealPath.Of(_dir.Path), "runs", _id);
        _checkpoints = Path.Combine(_run, "checkpoints");
        Directory.CreateDirectory(_checkpoints);
    }

    [TearDown]
    public void TearDown()
    {
        foreach (string rescue in _rescues)
        {
            RescueOwner.Delete(rescue);
        }

        _dir.Dispose();
    }

    [Test]
    public void PointsOfABranchLeftGoOnceKeepLastNewerPointsAreInPlace_OneAtATime()
    {
        // Resumed from e3: e4 and e5 of the branch it left were set aside, then this session writes e4 and e5.
        string setAsideE4 = Point("superseded-ckpt-e0004-b000000.ckpt");
        string setAsideE5 = Point("superseded-ckpt-e0005-b000000.ckpt");
        string resumed = Point("ckpt-e0003-b000000.ckpt");
        File.SetLastWriteTimeUtc(resumed, _clock.AddDays(-1));
        Record(new RunSession { ResumedFrom = resumed });

        Assert.That(Prune(keepLast: 2), Is.Empty, "no point written since: the two set aside are the newest two");

        Point("ckpt-e0004-b000000.ckpt");
        Assert.That(Prune(keepLast: 2), Is.EqualTo(new[] { setAsideE4 }), "the set-aside e5 and this branch's e4 are the newest two");

        Point("ckpt-e0005-b000000.ckpt");
        Assert.That(Prune(keepLast: 2), Is.EqualTo(new[] { setAsideE5 }));
        Assert.That(File.Exists(resumed), Is.True, "the ordinary points are the checkpoint folder's own to prune");
    }

    [Test]
    public void ThePointTheLastSessionGoesOnFromStays_WhatItLeft_OrWhileItTrainsWhatItResumedFrom()
    {
        string resumed = Point("superseded-ckpt-e0005-b000000.ckpt");
        Record(new RunSession { ResumedFrom = resumed });
        Point("ckpt-e0006-b000000.ckpt");
        Point("ckpt-e0007-b000000.ckpt");

        Assert.That(Prune(keepLast: 1), Is.Empty, "a session training (or killed) names only what it resumed from");

        Record(new RunSession { ResumedFrom = resumed, ResumePoint = Path.Combine(_checkpoints, "ckpt-e0007-b000000.ckpt") });
        Assert.That(Prune(keepLast: 1), Is.EqualTo(new[] { resumed }), "once it recorded what it left, that is where the run goes on");
    }

    [Test]
    public void RescuesTheRunRecordsGoOnceReplaced_ThoseOfAnotherRunOfTheSameNameStay()
    {
        string first = Rescue(5, 0);
        string second = Rescue(9, 17);
        string theirs = Rescue(12, 0);
        Record(new RunSession { ResumePoint = first }, new RunSession { ResumedFrom = first, ResumePoint = second }, new RunSession { ResumedFrom = second });

        Point("ckpt-e0010-b000000.ckpt");
        Assert.That(Prune(keepLast: 1), Is.EqualTo(new[] { first }), "the second is what the session training now resumed from");

        Record(new RunSession { ResumedFrom = second, ResumePoint = Path.Combine(_checkpoints, "ckpt-e0010-b000000.ckpt") });
        Assert.That(Prune(keepLast: 1), Is.EqualTo(new[] { second }));
        Assert.That(File.Exists(theirs), Is.True, "a rescue no session of this run recorded is a copy's, or another runs folder's run of this name");
    }

    [Test]
    public void ARescueKeptForThisFolderGoesOnceReplaced_EvenWhenNoRunJsonNamesIt_TheOriginalsOfTheSameNameStay()
    {
        // This folder is a copy (cp -a keeps the name) of one whose rescue its run.json names, as the original's did when
        // it was copied; the original kept another since. This folder's own session was killed right after it wrote its
        // rescue, before it recorded it.
        string original = Path.Combine(RealPath.Of(_dir.Path), "elsewhere", _id);
        Directory.CreateDirectory(original);
        string copiedWith = Rescue(4, 0);
        RescueOwner.Write(copiedWith, FileIdentity.Of(original), original);
        string unrecorded = Rescue(5, 0);
        RescueOwner.Write(unrecorded, FileIdentity.Of(_run), _run);
        string originals = Rescue(6, 0);
        RescueOwner.Write(originals, FileIdentity.Of(original), original);
        Record(new RunSession { ResumePoint = copiedWith }, new RunSession { ResumedFrom = copiedWith });

        Point("ckpt-e0007-b000000.ckpt");
        Point("ckpt-e0008-b000000.ckpt");
        Record(new RunSession { ResumePoint = copiedWith }, new RunSession { ResumedFrom = copiedWith, ResumePoint = Path.Combine(_checkpoints, "ckpt-e0008-b000000.ckpt") });

        Assert.That(Prune(keepLast: 2), Is.EqualTo(new[] { unrecorded }));
        Assert.That(File.Exists(RescueOwner.PathOf(unrecorded)), Is.False, "its sidecar goes with it");
        Assert.That((File.Exists(copiedWith), File.Exists(originals)), Is.EqualTo((true, true)), "the original's are the original's to prune, whatever this run.json names");
    }

    [Test]
    public void NothingGoesWithoutANewerPointInPlace()
    {
        string rescue = Rescue(5, 0);
        string setAside = Point("superseded-ckpt-e0007-b000000.ckpt");
        Record(new RunSession { ResumePoint = rescue }, new RunSession { ResumedFrom = Path.Combine(_checkpoints, "ckpt-e0004-b000000.ckpt") });

        (IReadOnlyList<string> removed, _, bool runFinished) = ResumePointRetention.Prune(_run, _checkpoints, 1);
        Assert.That(removed, Is.EqualTo(new[] { rescue }), "the point set aside later replaces the rescue");
        Assert.That(runFinished, Is.False, "replaced, not dropped at the end");
        Assert.That(File.Exists(setAside), Is.True, "nothing newer than the newest point");
    }

    [Test]
    public void ARunWithCheckpointsOffKeepsNoRescueOnceItFinished()
    {
        string rescue = Rescue(5, 0);
        new RunStatus { Id = _id, State = RunStatus.Interrupted, Sessions = [new RunSession { ResumePoint = rescue }, new RunSession { ResumedFrom = rescue }] }.Write(_run);
        Assert.That(ResumePointRetention.Prune(_run, null, 3).Removed, Is.Empty, "while it trains, the rescue is where it goes on from");

        new RunStatus { Id = _id, State = RunStatus.Finished, Sessions = [new RunSession { ResumePoint = rescue }, new RunSession { ResumedFrom = rescue, State = RunStatus.Finished }] }.Write(_run);
        (IReadOnlyList<string> removed, _, bool runFinished) = ResumePointRetention.Prune(_run, null, 3);
        Assert.That(removed, Is.EqualTo(new[] { rescue }));
        Assert.That(runFinished, Is.True, "no newer point replaced it: the line must say the run finished");
    }

    // Written a second after the one before, so the order of writing is clear whatever the file system's clock resolution.
    private string Point(string name) => Stamped(Path.Combine(_checkpoints, name));

    private string Rescue(int epoch, int batch)
    {
        string path = Path.Combine(Path.GetTempPath(), RescuePoint.FileName(_id, epoch, batch));
        _rescues.Add(path);
        return Stamped(path);
    }

    private string Stamped(string path)
    {
        File.WriteAllText(path, "a checkpoint");
        _clock = _clock.AddSeconds(1);
        File.SetLastWriteTimeUtc(path, _clock);
        return path;
    }

    private void Record(params RunSession[] sessions) => new RunStatus { Id = _id, Checkpoints = "checkpoints", Sessions = [.. sessions] }.Write(_run);

    private IReadOnlyList<string> Prune(int keepLast) => ResumePointRetention.Prune(_run, _checkpoints, keepLast).Removed;
}
