using System.Net;
using System.Net.Http.Headers;
using Microsoft.Extensions.Logging.Abstractions;
using ScratchNet.Dashboard.Live;
using ScratchNet.Dashboard.Options;
using ScratchNet.Dashboard.Server;
using ScratchNet.Dashboard.Tests.Support;
using SixLabors.ImageSharp;
using SixLabors.ImageSharp.PixelFormats;

namespace ScratchNet.Dashboard.Tests.Explorer;

/// <summary>
/// A server that prepares one large upload after another gives the memory back each time: the decoder's native blocks,
/// freed, stayed in glibc's heap, and four 4000 × 4000 photos left serve (or train --dashboard) ~190 MB larger for good.
/// </summary>
public sealed class LargeUploadMemoryTests
{
    [Test]
    public async Task FourLargePhotosInARow_LeaveTheProcessNoLargerThanTheFirstDid()
    {
        using var temp = new TempDirectory();
        Directory.CreateDirectory(temp.Combine("runs"));
        await using var server = new DashboardServer(
            Microsoft.Extensions.Options.Options.Create(new DashboardOptions { Enabled = true, Port = 0 }),
            new LiveFeed(), new DashboardSources(temp.Combine("runs"), TestModels.SaveStrokeModel(temp.Combine("given.snm"))), NullLoggerFactory.Instance, NullLogger<DashboardServer>.Instance);
        await server.StartAsync(CancellationToken.None);
        using var client = new HttpClient { BaseAddress = server.Url };

        // White paper with one dark bar: a PNG of a few kilobytes that decodes to 4000 × 4000 pixels.
        using var photo = new Image<L8>(4000, 4000, new L8(235));
        photo.ProcessPixelRows(rows =>
        {
            for (int y = 1200; y < 2800; y++)
            {
                rows.GetRowSpan(y)[1900..2100].Fill(new L8(20));
            }
        });
        using var png = new MemoryStream();
        await photo.SaveAsPngAsync(png);

        var sizes = new List<long>();
        for (int upload = 0; upload < 4; upload++)
        {
            using var content = new ByteArrayContent(png.ToArray());
            content.Headers.ContentType = new MediaTypeHeaderValue("image/png");
            using HttpResponseMessage answer = await client.PostAsync("/api/model/explore", content);
            Assert.That(answer.StatusCode, Is.EqualTo(HttpStatusCode.OK), await answer.Content.ReadAsStringAsync());
            sizes.Add(Environment.WorkingSet);
        }

        await server.StopAsync(CancellationToken.None);
        Assert.That(sizes[^1] - sizes[0], Is.LessThan(64L << 20), $"resident bytes after each upload: {string.Join(", ", sizes)}");
    }
}
