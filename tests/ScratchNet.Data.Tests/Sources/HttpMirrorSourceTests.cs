using System.Net;
using ScratchNet.Data.Sources;

namespace ScratchNet.Data.Tests.Sources;

public sealed class HttpMirrorSourceTests
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(10);

    private static readonly DataFile File = new("labels-idx1-ubyte", new string('0', 64));

    [Test]
    public void ADeadProxyIsNamedWithTheVariableThatSetItNotTakenForTheMirror()
    {
        // Read once before the variable is set, so the clients of other tests in this process stay direct.
        _ = HttpClient.DefaultProxy;
        var proxy = new WebProxy("http://127.0.0.1:1");
        using var client = new HttpClient(new SocketsHttpHandler { Proxy = proxy, UseProxy = true });
        var source = new HttpMirrorSource("http://mirror.example/mnist/", client, Timeout, proxy);
        using var dir = new TempDirectory();
        string? before = Environment.GetEnvironmentVariable("http_proxy");
        try
        {
            Environment.SetEnvironmentVariable("http_proxy", "127.0.0.1:1");
            var named = Assert.ThrowsAsync<DataSourceException>(() => source.FetchAsync(File, dir.Combine("out"), CancellationToken.None));
            Assert.That(named!.Message, Does.StartWith("cannot reach mirror.example through the proxy 127.0.0.1:1 (set by http_proxy): ")
                .And.EndWith("; check that the proxy runs, or unset http_proxy to connect directly"));
            Assert.That(named.SourceUnavailable, Is.True);

            // A proxy no variable names (a system setting) is still named as the proxy.
            Environment.SetEnvironmentVariable("http_proxy", null);
            var unnamed = Assert.ThrowsAsync<DataSourceException>(() => source.FetchAsync(File, dir.Combine("out"), CancellationToken.None));
            Assert.That(unnamed!.Message, Does.StartWith("cannot reach mirror.example through the proxy 127.0.0.1:1: ")
                .And.EndWith("; check that the proxy runs, or the system's proxy setting"));
        }
        finally
        {
            Environment.SetEnvironmentVariable("http_proxy", before);
        }
    }

    [Test]
    public void WithoutAProxyTheMirrorItselfIsNamed()
    {
        using var client = new HttpClient(new SocketsHttpHandler { UseProxy = false });
        var source = new HttpMirrorSource("http://127.0.0.1:1/mnist/", client, Timeout, new WebProxy());
        using var dir = new TempDirectory();

        var ex = Assert.ThrowsAsync<DataSourceException>(() => source.FetchAsync(File, dir.Combine("out"), CancellationToken.None));

        Assert.That(ex!.Message, Does.StartWith("cannot reach 127.0.0.1: ").And.Not.Contain("proxy"));
    }
}
