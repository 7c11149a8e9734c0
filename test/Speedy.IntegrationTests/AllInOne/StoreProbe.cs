using System.Globalization;
using System.Net;
using System.Text.Json;

namespace Speedy.IntegrationTests.AllInOne;

/// <summary>Looks behind a registry at its store, over the internal roles' own HTTP APIs: the master's topology, the meta server's fragment maps, the chunk servers' needles.</summary>
public static class StoreProbe
{
    /// <summary>One group of <c>GET /v1/topology</c>: id, whether it takes writes, and its members' URLs and health.</summary>
    public sealed record Group(uint Id, bool Writable, IReadOnlyList<(string Url, bool Healthy)> Members);

    /// <summary>One fragment of a file as the meta server records it.</summary>
    public sealed record Fragment(int Index, long Offset, int Length, string FileId)
    {
        /// <summary>The group in the file id (<c>{group}.{volume},{needle}{cookie}</c>).</summary>
        public uint Group => uint.Parse(FileId.AsSpan(0, FileId.IndexOf('.', StringComparison.Ordinal)), CultureInfo.InvariantCulture);
    }

    public static async Task<IReadOnlyList<Group>> TopologyAsync(Uri master, CancellationToken cancellationToken)
    {
        using var http = new HttpClient();
        using var document = JsonDocument.Parse(await http.GetByteArrayAsync(new Uri(master, "v1/topology"), cancellationToken));
        var groups = new List<Group>();
        foreach (var group in document.RootElement.GetProperty("groups").EnumerateArray())
        {
            var members = new List<(string, bool)>();
            foreach (var member in group.GetProperty("members").EnumerateArray())
            {
                members.Add((member.GetProperty("url").GetString()!, member.GetProperty("healthy").GetBoolean()));
            }

            groups.Add(new Group(group.GetProperty("id").GetUInt32(), group.GetProperty("writable").GetBoolean(), members));
        }

        return groups;
    }

    /// <summary>The fragments of a blob the registry stored through the <c>speedy</c> driver (<c>/blobs/sha256/ab/abcd…/data</c>).</summary>
    public static async Task<IReadOnlyList<Fragment>> BlobFragmentsAsync(Uri metaServer, string digest, CancellationToken cancellationToken)
    {
        var hex = digest["sha256:".Length..];
        var path = $"/blobs/sha256/{hex[..2]}/{hex}/data";
        using var http = new HttpClient();
        using var response = await http.GetAsync(new Uri(metaServer, $"v1/meta?path={Uri.EscapeDataString(path)}"), cancellationToken);
        var body = await response.Content.ReadAsStringAsync(cancellationToken);
        Assert.True(response.StatusCode == HttpStatusCode.OK, $"GET {path} from the meta server answered {(int)response.StatusCode}: {body}");
        Assert.True(
            response.Content.Headers.ContentType?.MediaType == "application/json",
            $"{path} is stored inline in the meta server, not in fragments on the chunk servers.");
        using var document = JsonDocument.Parse(body);
        var fragments = new List<Fragment>();
        foreach (var fragment in document.RootElement.GetProperty("fragments").EnumerateArray())
        {
            fragments.Add(new Fragment(
                fragment.GetProperty("index").GetInt32(),
                fragment.GetProperty("offset").GetInt64(),
                fragment.GetProperty("length").GetInt32(),
                fragment.GetProperty("fileId").GetString()!));
        }

        return fragments;
    }

    /// <summary><c>GET {chunkServer}/needles/{fid}</c>: the bytes that one chunk server holds (its CRC checked by the server).</summary>
    public static async Task<byte[]> NeedleAsync(string chunkServer, string fileId, CancellationToken cancellationToken)
    {
        using var http = new HttpClient();
        var url = new Uri(new Uri(chunkServer.EndsWith('/') ? chunkServer : chunkServer + "/"), $"needles/{fileId}");
        using var response = await http.GetAsync(url, cancellationToken);
        var body = await response.Content.ReadAsByteArrayAsync(cancellationToken);
        Assert.True(response.StatusCode == HttpStatusCode.OK, $"GET {url} answered {(int)response.StatusCode}.");
        return body;
    }
}
