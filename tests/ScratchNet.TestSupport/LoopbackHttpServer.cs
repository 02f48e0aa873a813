using System.Net;
using System.Net.Sockets;

namespace ScratchNet.TestSupport;

/// <summary>
/// A tiny HTTP server on 127.0.0.1 only, serving fixed responses by path. It counts requests, and stops on
/// dispose or after a minute at the latest so a failed test cannot leave it running.
/// </summary>
public sealed class LoopbackHttpServer : IDisposable
{
    private readonly HttpListener _listener = new();
    private readonly Dictionary<string, Func<HttpListenerResponse, Task>> _routes = new(StringComparer.Ordinal);
    private readonly CancellationTokenSource _lifetime = new(TimeSpan.FromMinutes(1));
    private readonly Task _loop;
    private int _requests;

    public LoopbackHttpServer()
    {
        int port = FreePort();
        BaseUrl = $"http://127.0.0.1:{port}/";
        _listener.Prefixes.Add(BaseUrl);
        _listener.Start();
        _lifetime.Token.Register(() => _listener.Close());
        _loop = Task.Run(ServeAsync);
    }

    public string BaseUrl { get; }

    public int Requests => Volatile.Read(ref _requests);

    public void Serve(string path, byte[] body) => _routes[path] = async response =>
    {
        response.ContentLength64 = body.Length;
        await response.OutputStream.WriteAsync(body);
        response.Close();
    };

    /// <summary>Announces the full length but sends only <paramref name="sent"/> bytes, then drops the connection.</summary>
    public void ServeAborted(string path, byte[] body, int sent) => _routes[path] = async response =>
    {
        response.ContentLength64 = body.Length;
        await response.OutputStream.WriteAsync(body.AsMemory(0, sent));
        await response.OutputStream.FlushAsync();
        response.Abort();
    };

    public void Dispose()
    {
        _lifetime.Cancel();
        try
        {
            _loop.Wait(TimeSpan.FromSeconds(5));
        }
        catch (AggregateException)
        {
        }

        _lifetime.Dispose();
    }

    private static int FreePort()
    {
        using var probe = new TcpListener(IPAddress.Loopback, 0);
        probe.Start();
        return ((IPEndPoint)probe.LocalEndpoint).Port;
    }

    private async Task ServeAsync()
    {
        while (!_lifetime.IsCancellationRequested)
        {
            HttpListenerContext context;
            try
            {
                context = await _listener.GetContextAsync();
            }
            catch (Exception ex) when (ex is HttpListenerException or ObjectDisposedException or InvalidOperationException)
            {
                return;
            }

            Interlocked.Increment(ref _requests);
            string path = context.Request.Url!.AbsolutePath;
            try
            {
                if (_routes.TryGetValue(path, out Func<HttpListenerResponse, Task>? respond))
                {
                    await respond(context.Response);
                }
                else
                {
                    context.Response.StatusCode = 404;
                    context.Response.Close();
                }
            }
            catch (Exception ex) when (ex is HttpListenerException or IOException or ObjectDisposedException)
            {
                // The client went away; the next request is served as usual.
            }
        }
    }
}
