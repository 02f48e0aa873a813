using System.Net;

namespace ScratchNet.Data.Sources;

/// <summary>Downloads <c>{baseUrl}{file}.gz</c> from one mirror and writes it decompressed.</summary>
public sealed class HttpMirrorSource : IDataSource
{
    private readonly HttpClient _client;
    private readonly TimeSpan _timeout;
    private readonly IWebProxy? _proxy;

    /// <param name="baseUrl">The mirror's folder URL; a missing trailing slash is added.</param>
    /// <param name="client">A client shared by the mirrors; its own Timeout is not relied on.</param>
    /// <param name="timeout">Limit for one whole file, headers and body together.</param>
    /// <param name="proxy">The proxy <paramref name="client"/> goes through, for messages; by default the one a default client uses (HTTPS_PROXY, HTTP_PROXY, …).</param>
    public HttpMirrorSource(string baseUrl, HttpClient client, TimeSpan timeout, IWebProxy? proxy = null)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(baseUrl);
        ArgumentNullException.ThrowIfNull(client);
        ArgumentOutOfRangeException.ThrowIfLessThanOrEqual(timeout, TimeSpan.Zero);
        BaseUrl = new Uri(baseUrl.EndsWith('/') ? baseUrl : baseUrl + "/", UriKind.Absolute);
        _client = client;
        _timeout = timeout;
        _proxy = proxy ?? HttpClient.DefaultProxy;
    }

    public Uri BaseUrl { get; }

    public string Name => BaseUrl.ToString();

    public async Task FetchAsync(DataFile file, string destinationPath, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(file);
        var url = new Uri(BaseUrl, file.Name + ".gz");

        // HttpClient.Timeout stops at the headers when streaming; a linked token bounds the body as well.
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(_timeout);
        try
        {
            using HttpResponseMessage response = await _client.GetAsync(url, HttpCompletionOption.ResponseHeadersRead, timeout.Token).ConfigureAwait(false);
            if (!response.IsSuccessStatusCode)
            {
                throw new DataSourceException($"{url} answered HTTP {(int)response.StatusCode} {response.ReasonPhrase}");
            }

            await using Stream body = await response.Content.ReadAsStreamAsync(timeout.Token).ConfigureAwait(false);
            await FileWriter.WriteUncompressedAsync(body, destinationPath, timeout.Token).ConfigureAwait(false);
        }
        catch (OperationCanceledException ex) when (!cancellationToken.IsCancellationRequested)
        {
            throw new DataSourceException($"{url} did not complete within {_timeout.TotalSeconds:0.#} s (Data:DownloadTimeoutSeconds)", sourceUnavailable: true, ex);
        }
        catch (HttpRequestException ex) when (ex.StatusCode is null && ex.HttpRequestError is HttpRequestError.NameResolutionError or HttpRequestError.ConnectionError or HttpRequestError.SecureConnectionError or HttpRequestError.ProxyTunnelError)
        {
            // Through a proxy, a name or connection that failed is the proxy's (the client resolves and connects to nothing
            // else), and a refused tunnel is the proxy's answer; a TLS failure is the mirror's end of the tunnel.
            string? throughProxy = ex.HttpRequestError is HttpRequestError.SecureConnectionError ? null : ProxySetting.Failure(url, _proxy, ex.Message);
            string why = throughProxy is null ? ": " + ex.Message : " " + throughProxy;
            throw new DataSourceException($"cannot reach {url.Host}{why}", sourceUnavailable: true, ex);
        }
        catch (HttpRequestException ex)
        {
            throw new DataSourceException($"download of {url} failed: {ex.Message}", sourceUnavailable: false, ex);
        }
        catch (IOException ex)
        {
            throw new DataSourceException($"download of {url} broke off: {ex.Message}", sourceUnavailable: false, ex);
        }
    }
}
