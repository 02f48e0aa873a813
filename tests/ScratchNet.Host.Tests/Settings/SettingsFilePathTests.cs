using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Hosting;
using ScratchNet.Host.Commands;
using ScratchNet.Host.Settings;
using ScratchNet.TestSupport;

namespace ScratchNet.Host.Tests.Settings;

/// <summary>
/// The settings file read is the copy beside the program; config.json, messages and --help name it by its full path, and a
/// differing config/appsettings.json in the working folder (never read) is pointed out.
/// </summary>
public sealed class SettingsFilePathTests
{
    private TempDirectory _dir = null!;

    [SetUp]
    public void SetUp() => _dir = new TempDirectory();

    [TearDown]
    public void TearDown() => _dir.Dispose();

    [Test]
    public void TheShippedSettingsAreDescribedByTheFullPathOfTheFileRead()
    {
        HostApplicationBuilder builder = ScratchNetHost.CreateBuilder(["train"]);

        string? source = ConfigurationSources.SourceOf((IConfigurationRoot)builder.Configuration, "Training:Epochs");

        Assert.That(source, Is.EqualTo(ScratchNetHost.AppSettingsPath));
        Assert.That(Path.IsPathRooted(source), Is.True, "a relative config/appsettings.json reads as the clone's or the working folder's file");
        Assert.That(File.Exists(source), Is.True);
    }

    [Test]
    public void TheHelpNamesTheSettingsFileRead()
    {
        Assert.That(CommandCatalog.HelpText(), Does.Contain(ScratchNetHost.AppSettingsPath));
    }

    [Test]
    public void AWorkingFoldersSettingsFileThatDiffersIsFound()
    {
        Directory.CreateDirectory(_dir.Combine("config"));
        File.WriteAllText(_dir.Combine("config/appsettings.json"), "{ \"Training\": { \"Epochs\": 1 } }");

        Assert.That(UnreadSettingsFile.Find(_dir.Path, ScratchNetHost.AppSettingsPath), Is.EqualTo(Path.GetFullPath(_dir.Combine("config/appsettings.json"))));
    }

    [Test]
    public void AWorkingFoldersCopyThatIsTheSameOrNoneAtAllIsNotMentioned()
    {
        Assert.That(UnreadSettingsFile.Find(_dir.Path, ScratchNetHost.AppSettingsPath), Is.Null, "no file");

        // A clone's own folder, run with dotnet run after a build: its file is what the build copied.
        Directory.CreateDirectory(_dir.Combine("config"));
        File.Copy(ScratchNetHost.AppSettingsPath, _dir.Combine("config/appsettings.json"));
        Assert.That(UnreadSettingsFile.Find(_dir.Path, ScratchNetHost.AppSettingsPath), Is.Null, "the same file");
        Assert.That(UnreadSettingsFile.Find(AppContext.BaseDirectory, ScratchNetHost.AppSettingsPath), Is.Null, "the file read itself");
    }

    [Test]
    public void AnAppsettingsFileRightInTheWorkingFolderIsFound_AsTheDotNetConventionsOthersAre()
    {
        File.WriteAllText(_dir.Combine("appsettings.json"), "{ \"Training\": { \"Epochs\": 1 } }");
        File.WriteAllText(_dir.Combine("appsettings.Development.json"), "{}");
        File.WriteAllText(_dir.Combine("my.json"), "{}");

        Assert.That(UnreadSettingsFile.FindConventional(_dir.Path, ScratchNetHost.AppSettingsPath),
            Is.EqualTo(new[] { Path.GetFullPath(_dir.Combine("appsettings.Development.json")), Path.GetFullPath(_dir.Combine("appsettings.json")) }));
    }

    [Test]
    public void AWorkingFoldersAppsettingsThatIsACopyOfTheOneReadIsNotMentioned()
    {
        File.Copy(ScratchNetHost.AppSettingsPath, _dir.Combine("appsettings.json"));

        Assert.That(UnreadSettingsFile.FindConventional(_dir.Path, ScratchNetHost.AppSettingsPath), Is.Empty);
    }
}
