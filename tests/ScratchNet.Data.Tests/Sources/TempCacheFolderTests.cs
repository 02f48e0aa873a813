using Microsoft.Extensions.Logging.Abstractions;
using ScratchNet.Data.Sources;
using ScratchNet.Files;

namespace ScratchNet.Data.Tests.Sources;

/// <summary>
/// Without a home the cache falls back to <c>scratchnet-cache-UID</c> in the temp folder, which every user can write: it
/// is made the user's alone (0700), and one found there that another user made first, that others may write, or that is
/// a link is refused in one line saying what to do, before anything is read from it or fetched into it. The tests run as
/// root, so "another user" is the owner the check is asked to expect.
/// </summary>
[Platform(Exclude = "Win")]
[System.Runtime.Versioning.UnsupportedOSPlatform("windows")]
public sealed class TempCacheFolderTests
{
    private const UnixFileMode OwnerOnly = UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute;
    private const string Origin = "the default when no home folder is known: the temp folder";

    private TempDirectory _dir = null!;

    [SetUp]
    public void SetUp() => _dir = new TempDirectory();

    [TearDown]
    public void TearDown() => _dir.Dispose();

    private string Root => _dir.Combine("scratchnet-cache-1");

    [Test]
    public void ANewOneIsMadeForItsOwnerAlone()
    {
        CacheLocation.EnsurePrivate(Root, Origin);

        Assert.That(File.GetUnixFileMode(Root), Is.EqualTo(OwnerOnly));
    }

    [Test]
    public void OneOfTheUsersThatOthersMayReadIsMadeTheirsAlone()
    {
        Directory.CreateDirectory(Root);
        File.SetUnixFileMode(Root, OwnerOnly | UnixFileMode.GroupRead | UnixFileMode.GroupExecute | UnixFileMode.OtherRead | UnixFileMode.OtherExecute);

        CacheLocation.EnsurePrivate(Root, Origin);

        Assert.That(File.GetUnixFileMode(Root), Is.EqualTo(OwnerOnly));
    }

    [TestCase(UnixFileMode.OtherWrite, "0757")]
    [TestCase(UnixFileMode.GroupWrite, "0775")]
    public void OneOthersMayWriteIsRefusedSayingHowToMakeItAgain(UnixFileMode writable, string mode)
    {
        Directory.CreateDirectory(Root);
        File.SetUnixFileMode(Root, OwnerOnly | UnixFileMode.GroupRead | UnixFileMode.GroupExecute | UnixFileMode.OtherRead | UnixFileMode.OtherExecute | writable);

        Assert.That(() => CacheLocation.EnsurePrivate(Root, Origin), Throws.TypeOf<DatasetUnavailableException>().With.Message.EqualTo(
            $"The cache folder {Root} ({Origin}) can be written by other users (mode {mode}), who could change what the cache reads; "
            + $"remove it (rm -r {Root}: the next start makes it again, yours alone) or set Data:CacheDirectory (or XDG_CACHE_HOME, or HOME) to a folder of your own."));
    }

    [Test]
    public void OneAnotherUserMadeFirstIsRefused_EvenPrivate()
    {
        Directory.CreateDirectory(Root);
        File.SetUnixFileMode(Root, OwnerOnly);
        uint owner = FileOwnership.Of(Root)!.Owner;

        Assert.That(() => CacheLocation.EnsurePrivate(Root, Origin, user: owner + 1), Throws.TypeOf<DatasetUnavailableException>().With.Message.EqualTo(
            $"The cache folder {Root} ({Origin}) belongs to another user (uid {owner}, you are {owner + 1}), who made it first and could change what the cache reads; "
            + "set Data:CacheDirectory (or XDG_CACHE_HOME, or HOME) to a folder of your own, or ask its owner to remove it."));
    }

    [Test]
    public void ALinkInItsPlaceIsRefused_WhereverItLeads()
    {
        string target = _dir.Combine("elsewhere");
        Directory.CreateDirectory(target);
        File.SetUnixFileMode(target, OwnerOnly);
        File.CreateSymbolicLink(Root, target);

        Assert.That(() => CacheLocation.EnsurePrivate(Root, Origin), Throws.TypeOf<DatasetUnavailableException>().With.Message.StartsWith(
            $"The cache folder {Root} ({Origin}) is a symbolic link, which in the temp folder anyone could have made to lead anywhere; remove it (rm {Root})"));
    }

    [Test]
    public void TheCacheChecksItsPrivateRootBeforeReadingOrFetching()
    {
        Directory.CreateDirectory(Root);
        File.SetUnixFileMode(Root, OwnerOnly | UnixFileMode.OtherWrite | UnixFileMode.OtherExecute);
        var manifest = new DatasetManifest("Tiny", [new DataFile("images-idx3-ubyte", new string('0', 64))], "try `npm pack tiny`");
        var cache = new DatasetCache(Path.Combine(Root, "tiny"), [], NullLogger<DatasetCache>.Instance, Origin, privateRoot: Root);

        Assert.That(() => cache.EnsureAsync(manifest), Throws.TypeOf<DatasetUnavailableException>().With.Message.Contains("can be written by other users (mode 0703)"));
        Assert.That(Directory.Exists(Path.Combine(Root, "tiny")), Is.False, "nothing made inside it");
    }
}
