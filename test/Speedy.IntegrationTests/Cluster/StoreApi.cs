using System.Globalization;
using System.Net;
using System.Net.Http.Headers;
using System.Text.Json;

namespace Speedy.IntegrationTests.Cluster;

/// <summary>The store's own HTTP APIs, spoken directly: a chunk server's needles and volumes, an image server's fragments.</summary>
public static class StoreApi
{
    private static readonly HttpClient s_client = new(new SocketsHttpHandler { UseProxy = false, ConnectTimeout = TimeSpan.FromSeconds(5) })
    {
        Timeout = TimeSpan.FromSeconds(30),
    };

    /// <summary>How many needles the chunk server's volumes hold (<c>GET /volumes</c>, the sum of <c>needles</c>).</summary>
    public static async Task<long> NeedleCountAsync(ClusterNode chunkServer, CancellationToken cancellationToken)
    {
        using var document = JsonDocument.Parse(await s_client.GetStringAsync(new Uri(chunkServer.BaseAddress, "volumes"), cancellationToken));
        long needles = 0;
        foreach (var volume in document.RootElement.EnumerateArray())
        {
            needles += volume.GetProperty("needles").GetInt64();
        }

        return needles;
    }

    /// <summary><c>GET /health</c> of one chunk server.</summary>
    public static async Task<ChunkServerHealth> HealthAsync(ClusterNode chunkServer, CancellationToken cancellationToken) =>
        ChunkServerHealth.Parse(await s_client.GetStringAsync(new Uri(chunkServer.BaseAddress, "health"), cancellationToken));

    /// <summary>
    /// Polls <c>GET /health</c> of <paramref name="chunkServer"/> until <paramref name="condition"/> holds, within
    /// <see cref="SpeedyCluster.SettleTimeout"/>; otherwise fails with the last answer.
    /// </summary>
    public static async Task<ChunkServerHealth> WaitForHealthAsync(
        ClusterNode chunkServer, string description, Func<ChunkServerHealth, bool> condition, CancellationToken cancellationToken)
    {
        var deadline = DateTime.UtcNow + SpeedyCluster.SettleTimeout;
        while (true)
        {
            var health = await HealthAsync(chunkServer, cancellationToken);
            if (condition(health))
            {
                return health;
            }

            if (DateTime.UtcNow > deadline)
            {
                throw new TimeoutException($"{chunkServer} did not report {description} within {SpeedyCluster.SettleTimeout}; its last health: {health.Json}");
            }

            await Task.Delay(TimeSpan.FromMilliseconds(200), cancellationToken);
        }
    }

    /// <summary>The sum of <see cref="NeedleCountAsync"/> over the running chunk servers among <paramref name="chunkServers"/>.</summary>
    public static async Task<long> NeedleCountAsync(IEnumerable<ClusterNode> chunkServers, CancellationToken cancellationToken)
    {
        long needles = 0;
        foreach (var chunkServer in chunkServers.Where(c => c.IsRunning))
        {
            needles += await NeedleCountAsync(chunkServer, cancellationToken);
        }

        return needles;
    }

    /// <summary><c>GET /needles/{fid}</c> of one chunk server: the status and body.</summary>
    public static Task<(HttpStatusCode Status, byte[] Body)> GetNeedleAsync(ClusterNode chunkServer, string fileId, CancellationToken cancellationToken) =>
        GetAsync(new Uri(chunkServer.BaseAddress, $"needles/{fileId}"), cancellationToken);

    /// <summary><c>GET /v1/fragments/{fid}</c> of one image server: the status and body.</summary>
    public static Task<(HttpStatusCode Status, byte[] Body)> GetFragmentAsync(ClusterNode imageServer, string fileId, CancellationToken cancellationToken) =>
        GetAsync(new Uri(imageServer.BaseAddress, $"v1/fragments/{fileId}"), cancellationToken);

    /// <summary><c>PUT /v1/fragments?index=0&amp;offset=0</c> to one image server; the file id it answers (201), or a failure with its body.</summary>
    public static async Task<string> PutFragmentAsync(ClusterNode imageServer, byte[] fragment, CancellationToken cancellationToken)
    {
        using var content = new ByteArrayContent(fragment);
        content.Headers.ContentType = new MediaTypeHeaderValue("application/octet-stream");
        using var response = await s_client.PutAsync(new Uri(imageServer.BaseAddress, "v1/fragments?index=0&offset=0"), content, cancellationToken);
        var body = await response.Content.ReadAsStringAsync(cancellationToken);
        Assert.True(response.StatusCode == HttpStatusCode.Created, $"PUT /v1/fragments on {imageServer} answered {(int)response.StatusCode}: {body}");
        using var document = JsonDocument.Parse(body);
        return document.RootElement.GetProperty("fid").GetString() ?? throw new InvalidDataException($"No fid in {body}");
    }

    /// <summary>The group of a file id (<c>{group}.{volume},…</c>).</summary>
    public static uint GroupOf(string fileId) => uint.Parse(fileId.AsSpan(0, fileId.IndexOf('.', StringComparison.Ordinal)), CultureInfo.InvariantCulture);

    private static async Task<(HttpStatusCode Status, byte[] Body)> GetAsync(Uri url, CancellationToken cancellationToken)
    {
        using var response = await s_client.GetAsync(url, cancellationToken);
        return (response.StatusCode, await response.Content.ReadAsByteArrayAsync(cancellationToken));
    }
}
