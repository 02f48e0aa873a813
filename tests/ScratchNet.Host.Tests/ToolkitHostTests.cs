using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;
using ScratchNet.Data.Augmentation;
using ScratchNet.Data.Options;
using ScratchNet.Host.Commands;
using ScratchNet.Host.Progress;
using ScratchNet.Host.Runs;
using ScratchNet.Host.Reports;
using ScratchNet.Training;
using ScratchNet.Training.Callbacks;
using ScratchNet.Training.Checkpoints;
using ScratchNet.Training.Optimizers;
using ScratchNet.Training.Options;

namespace ScratchNet.Host.Tests;

public class ToolkitHostTests
{
    [Test]
    public void Recipe_LayersOverAppSettings_AndTheCommandLineStillWins()
    {
        using IHost host = ScratchNetHost.CreateBuilder(["train", "--recipe", "fast", "--Training:Epochs=3"]).Build();
        var configuration = host.Services.GetRequiredService<IConfiguration>();
        Assert.That(configuration["Optimizer:Name"], Is.EqualTo("adam"));
        Assert.That(configuration["Training:Epochs"], Is.EqualTo("3"));
        Assert.That(host.Services.GetRequiredService<IOptimizer>().Name, Is.EqualTo("adam"));
    }

    [Test]
    public void TheMlpAugmentedRecipe_TurnsAugmentationOn_OnTheOfficialSplit_AndThePreviewIsRegistered()
    {
        using IHost host = ScratchNetHost.CreateBuilder(["train", "--recipe", "mlp-augmented"]).Build();
        Assert.That(host.Services.GetRequiredService<IOptions<AugmentationOptions>>().Value.Enabled, Is.True);
        Assert.That(host.Services.GetRequiredService<IOptions<DataOptions>>().Value.Split, Is.EqualTo("official"));
        Assert.That(host.Services.GetRequiredService<IOptions<ModelOptions>>().Value.LayerSizes, Is.EqualTo("784,128,64,10"));
        Assert.That(host.Services.GetServices<ITrainingCallback>().OfType<AugmentationPreview>(), Is.Not.Empty);
    }

    [Test]
    public void Recipe_CanBeChosenByConfigurationKey()
    {
        using IHost host = ScratchNetHost.CreateBuilder(["--Recipe=fast"]).Build();
        Assert.That(host.Services.GetRequiredService<IConfiguration>()["Schedule:Name"], Is.EqualTo("cosine"));
    }

    [TestCase("FAST")]
    [TestCase("Fast")]
    [TestCase("CNN-Augmented")]
    public void RecipeNames_AreMatchedInAnyCase_AsEveryOtherName(string recipe)
    {
        using IHost host = ScratchNetHost.CreateBuilder(["train", "--recipe", recipe]).Build();
        Assert.That(host.Services.GetRequiredService<IConfiguration>()["Schedule:Name"], Is.EqualTo("cosine"));
    }

    [Test]
    public void UnknownRecipe_IsOneLineListingTheValidOnes_ExitCode2()
    {
        foreach (string recipe in (string[])["turbo", "../config/appsettings", "fast.json"])
        {
            var ex = Assert.Catch(() => ScratchNetHost.CreateBuilder(["--recipe", recipe]));
            Failure failure = Failure.From(ex!);
            Assert.That(failure.ExitCode, Is.EqualTo(ExitCodes.InvalidConfiguration));
            Assert.That(failure.Message, Does.Contain($"unknown recipe '{recipe}'; valid recipes: cnn, cnn-augmented, fast, mlp-augmented, reference"));
        }
    }

    [Test]
    public void Defaults_RegisterTheToolkitCallbacks_InAnOrderThatKeepsCheckpointsSafe()
    {
        using IHost host = ScratchNetHost.CreateBuilder(["train"]).Build();
        string[] names = [.. host.Services.GetServices<ITrainingCallback>().Select(c => c.GetType().Name)];
        Assert.That(names, Is.SupersetOf(new[] { "NonFiniteLossGuard", "EarlyStopping", "CheckpointCallback", "ProgressBar" }));
        Assert.That(Array.IndexOf(names, "NonFiniteLossGuard"), Is.LessThan(Array.IndexOf(names, "CheckpointCallback")));
        Assert.That(Array.IndexOf(names, "EarlyStopping"), Is.LessThan(Array.IndexOf(names, "CheckpointCallback")));
    }

    [Test]
    public void Catalog_AcceptsResumeWithOrWithoutAFile()
    {
        Assert.That(CommandCatalog.Check(CommandLine.Parse(["train", "--resume"])).Name, Is.EqualTo("train"));
        Assert.That(CommandLine.Parse(["train", "--resume", "a.ckpt"]).Option("resume"), Is.EqualTo("a.ckpt"));
        Assert.Throws<UsageException>(() => CommandCatalog.Check(CommandLine.Parse(["train", "--recipe"])));
    }

    [Test]
    public void Resume_WithNoInterruptedRun_SaysSo()
    {
        string dir = Directory.CreateTempSubdirectory("scratchnet-host-").FullName;
        try
        {
            using IHost host = ScratchNetHost.CreateBuilder(["train", "--resume", $"--Run:Directory={dir}"]).Build();
            var ex = Assert.Throws<CheckpointException>(() => host.Services.GetRequiredService<RunFolder>());
            Assert.That(ex!.Message, Does.Contain("there is no interrupted run to resume in"));
            Assert.That(Failure.From(ex).ExitCode, Is.EqualTo(ExitCodes.InvalidConfiguration));
            Assert.That(Failure.From(ex).Message, Does.StartWith("Nothing to resume: ").And.Not.Contain("unusable"), "no checkpoint is at fault");
        }
        finally
        {
            Directory.Delete(dir, recursive: true);
        }
    }

    [Test]
    public void Resume_TakesTheCheckpointsSettings_AndRefusesKeysGivenOtherwise_NamingEachWithBothValues()
    {
        string dir = Directory.CreateTempSubdirectory("scratchnet-host-").FullName;
        try
        {
            string file = Path.Combine(dir, "ckpt-e0002-b000000.ckpt");
            Checkpoint written;
            using (IHost before = ScratchNetHost.CreateBuilder(["train", "--Training:Epochs=20", "--Optimizer:LearningRate=0.01"]).Build())
            {
                written = new Checkpoint { ShuffleState = [1, 2, 3, 4] };
                foreach ((string key, string value) in before.Services.GetRequiredService<ConfigurationFingerprint>().Settings())
                {
                    written.Settings[key] = value;
                }
            }

            CheckpointFile.Save(file, written);

            // Not repeated: the run continues under the checkpoint's epochs and learning rate, not the defaults.
            using (IHost resumed = ScratchNetHost.CreateBuilder(["train", "--resume", file, $"--Run:Directory={dir}"]).Build())
            {
                Assert.That(ResumePoint.Load(resumed.Services.GetRequiredService<RunFolder>(), resumed.Services.GetRequiredService<ConfigurationFingerprint>()), Is.Not.Null);
                Assert.That(resumed.Services.GetRequiredService<ConfigurationFingerprint>().Settings(), Is.EqualTo(written.Settings));
            }

            // Given otherwise on the command line: refused, naming each key.
            using IHost host = ScratchNetHost.CreateBuilder(["train", "--resume", file, $"--Run:Directory={dir}", "--Training:Epochs=30", "--Optimizer:LearningRate=0.003", "--Training:Threads=2"]).Build();
            var ex = Assert.Throws<CheckpointException>(() => ResumePoint.Load(host.Services.GetRequiredService<RunFolder>(), host.Services.GetRequiredService<ConfigurationFingerprint>()));

            Assert.That(ex!.Message, Does.Contain("was written under other settings — Optimizer:LearningRate: 0.01 in the checkpoint, 0.003 now; Training:Epochs: 20 in the checkpoint, 30 now."));
            Assert.That(ex.Message, Does.Not.Contain("Threads:"), "Training:Threads cannot change results, so it never blocks a resume");
        }
        finally
        {
            Directory.Delete(dir, recursive: true);
        }
    }

    [Test]
    public void Resume_AcceptsADifferentThreadCount()
    {
        string dir = Directory.CreateTempSubdirectory("scratchnet-host-").FullName;
        try
        {
            string file = Path.Combine(dir, "ckpt-e0002-b000000.ckpt");
            var written = new Checkpoint { ShuffleState = [1, 2, 3, 4] };
            using (IHost before = ScratchNetHost.CreateBuilder(["train", "--Training:Threads=1"]).Build())
            {
                foreach ((string key, string value) in before.Services.GetRequiredService<ConfigurationFingerprint>().Settings())
                {
                    written.Settings[key] = value;
                }
            }

            CheckpointFile.Save(file, written);
            using IHost host = ScratchNetHost.CreateBuilder(["train", "--resume", file, $"--Run:Directory={dir}", "--Training:Threads=2"]).Build();

            Assert.That(ResumePoint.Load(host.Services.GetRequiredService<RunFolder>(), host.Services.GetRequiredService<ConfigurationFingerprint>()), Is.Not.Null);
        }
        finally
        {
            Directory.Delete(dir, recursive: true);
        }
    }

    [Test]
    public void Failure_MapsDivergenceAndInterruption_ToTheirExitCodes()
    {
        Assert.That(Failure.From(new TrainingDivergedException(3, 17, float.NaN, 0.5f)).ExitCode, Is.EqualTo(ExitCodes.Diverged));
        Failure interrupted = Failure.From(new TrainingInterruptedException(2, 40, "/x/ckpt-e0002-b000040.ckpt", CancellationToken.None));
        Assert.That(interrupted.ExitCode, Is.EqualTo(ExitCodes.Interrupted));
        Assert.That(interrupted.Message, Is.EqualTo("Interrupted at epoch 2, batch 40; saved /x/ckpt-e0002-b000040.ckpt. Resume with: train --resume /x/ckpt-e0002-b000040.ckpt"));
        Assert.That(Failure.From(new CheckpointException("bad", damaged: true)).ExitCode, Is.EqualTo(ExitCodes.InvalidData));
    }
}
