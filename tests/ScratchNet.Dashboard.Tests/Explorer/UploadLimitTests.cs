using System.Collections.Concurrent;
using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using ScratchNet.Dashboard.Live;
using ScratchNet.Dashboard.Options;
using ScratchNet.Dashboard.Server;
using ScratchNet.Dashboard.Tests.Support;

namespace ScratchNet.Dashboard.Tests.Explorer;

/// <summary>The explorer's upload limit on the real server (Kestrel enforces the same limit, which the in-memory server does not).</summary>
public sealed class UploadLimitTests
{
    private TempDirectory _temp = null!;
    private DashboardServer _server = null!;
    private readonly RecordingLoggerProvider _logs = new();
    private ILoggerFactory _factory = null!;

    [SetUp]
    public async Task SetUp()
    {
        _temp = new TempDirectory();
        string runs = _temp.Combine("runs");
        Directory.CreateDirectory(runs);
        _factory = LoggerFactory.Create(b => b.AddProvider(_logs).SetMinimumLevel(LogLevel.Trace));
        _server = new DashboardServer(
            Microsoft.Extensions.Options.Options.Create(new DashboardOptions { Enabled = true, Port = 0 }),
            new LiveFeed(), new DashboardSources(runs, TestModels.SaveStrokeModel(_temp.Combine("given.snm"))), _factory, NullLogger<DashboardServer>.Instance);
        await _server.StartAsync(CancellationToken.None);
    }

    [TearDown]
    public async Task TearDown()
    {
        await _server.StopAsync(CancellationToken.None);
        await _server.DisposeAsync();
        _factory.Dispose();
        _temp.Dispose();
    }

    [Test]
    public async Task AnUploadDeclaredOverTheLimit_GetsTheJsonError_AndLogsNoStackTrace()
    {
        // As curl sends it: the headers with the Content-Length, then the body only if the server does not answer first
        // (HttpClient would keep writing into the connection the server closes after answering).
        using var socket = new System.Net.Sockets.TcpClient();
        await socket.ConnectAsync(_server.Url!.Host, _server.Url.Port);
        System.Net.Sockets.NetworkStream stream = socket.GetStream();
        string head = $"POST /api/model/explore HTTP/1.1\r\nHost: {_server.Url.Authority}\r\nContent-Type: image/png\r\nContent-Length: {(17 << 20) + 1}\r\nConnection: close\r\n\r\n";
        await stream.WriteAsync(System.Text.Encoding.ASCII.GetBytes(head));
        string answer = await new StreamReader(stream).ReadToEndAsync();

        Assert.That(answer, Does.StartWith("HTTP/1.1 413"));
        Assert.That(answer, Does.Contain("{\"error\":\"The image is larger than 16777216 bytes"));
        AssertNothingLoggedAboveDebug();
    }

    [Test]
    public async Task AChunkedUploadOverTheLimit_GetsTheJsonError_AndLogsNoStackTrace()
    {
        var content = new StreamContent(new MemoryStream(new byte[(17 << 20) + 1]));
        content.Headers.ContentType = new MediaTypeHeaderValue("image/png");
        using var client = new HttpClient { BaseAddress = _server.Url };
        using var request = new HttpRequestMessage(HttpMethod.Post, "api/model/explore") { Content = content };
        request.Headers.TransferEncodingChunked = true;

        HttpResponseMessage response = await client.SendAsync(request);
        JsonElement answer = await response.Content.ReadFromJsonAsync<JsonElement>();

        Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.RequestEntityTooLarge));
        Assert.That(answer.GetProperty("error").GetString(), Does.Contain("larger than 16777216 bytes"));
        AssertNothingLoggedAboveDebug();
    }

    // Kestrel notes a refused body at Debug level, which serve does not show; a warning, an error or an exception would be.
    private void AssertNothingLoggedAboveDebug()
    {
        LogEntry[] shown = [.. _logs.Messages.Where(m => m.Level >= LogLevel.Warning || (m.HasException && m.Level >= LogLevel.Information))];
        Assert.That(shown, Is.Empty, string.Join("\n", shown.Select(m => m.ToString())));
    }

    private sealed record LogEntry(LogLevel Level, string Text, bool HasException)
    {
        public override string ToString() => $"{Level}: {Text}";
    }

    private sealed class RecordingLoggerProvider : ILoggerProvider
    {
        public ConcurrentQueue<LogEntry> Entries { get; } = new();

        public IEnumerable<LogEntry> Messages => Entries;

        public ILogger CreateLogger(string categoryName) => new Recorder(this);

        public void Dispose()
        {
        }

        private sealed class Recorder(RecordingLoggerProvider owner) : ILogger
        {
            public IDisposable? BeginScope<TState>(TState state) where TState : notnull => null;

            public bool IsEnabled(LogLevel logLevel) => true;

            public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter) =>
                owner.Entries.Enqueue(new LogEntry(logLevel, formatter(state, exception), exception is not null));
        }
    }
}
