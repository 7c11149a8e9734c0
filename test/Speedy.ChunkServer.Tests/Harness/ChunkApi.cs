using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using Speedy.Volume;

namespace Speedy.ChunkServer.Tests.Harness;

/// <summary>The chunk server's HTTP API as a test calls it: each call checks the status it expects.</summary>
public static class ChunkApi
{
    public static async Task<NeedleWritten> PostAsync(HttpClient client, byte[] data, CancellationToken cancellationToken)
    {
        using var content = new ByteArrayContent(data);
        using var response = await client.PostAsync("/needles", content, cancellationToken);
        await ExpectAsync(response, HttpStatusCode.Created, cancellationToken);
        var written = await response.Content.ReadFromJsonAsync(ChunkJsonContext.Default.NeedleWritten, cancellationToken);
        Assert.NotNull(written);
        Assert.Equal(data.Length, written.Size);
        Assert.Equal($"/needles/{written.Fid}", response.Headers.Location?.OriginalString);
        return written;
    }

    public static async Task<FileId> PostFileIdAsync(HttpClient client, byte[] data, CancellationToken cancellationToken) =>
        FileId.Parse((await PostAsync(client, data, cancellationToken)).Fid);

    public static async Task PutAsync(HttpClient client, FileId fileId, byte[] data, CancellationToken cancellationToken)
    {
        using var content = new ByteArrayContent(data);
        using var response = await client.PutAsync($"/needles/{fileId}", content, cancellationToken);
        await ExpectAsync(response, HttpStatusCode.Created, cancellationToken);
        var written = await response.Content.ReadFromJsonAsync(ChunkJsonContext.Default.NeedleWritten, cancellationToken);
        Assert.Equal(new NeedleWritten(fileId.ToString(), data.Length), written);
    }

    public static async Task<byte[]> GetAsync(HttpClient client, FileId fileId, CancellationToken cancellationToken)
    {
        using var response = await client.GetAsync($"/needles/{fileId}", cancellationToken);
        await ExpectAsync(response, HttpStatusCode.OK, cancellationToken);
        Assert.Equal("application/octet-stream", response.Content.Headers.ContentType?.MediaType);
        return await response.Content.ReadAsByteArrayAsync(cancellationToken);
    }

    public static async Task<HttpStatusCode> StatusOfGetAsync(HttpClient client, string fid, CancellationToken cancellationToken)
    {
        using var response = await client.GetAsync($"/needles/{fid}", cancellationToken);
        return response.StatusCode;
    }

    public static async Task<HttpStatusCode> DeleteAsync(HttpClient client, FileId fileId, CancellationToken cancellationToken)
    {
        using var response = await client.DeleteAsync($"/needles/{fileId}", cancellationToken);
        return response.StatusCode;
    }

    public static async Task<List<VolumeStatus>> VolumesAsync(HttpClient client, CancellationToken cancellationToken)
    {
        using var response = await client.GetAsync("/volumes", cancellationToken);
        await ExpectAsync(response, HttpStatusCode.OK, cancellationToken);
        var volumes = await response.Content.ReadFromJsonAsync(ChunkJsonContext.Default.ListVolumeStatus, cancellationToken);
        Assert.NotNull(volumes);
        return volumes;
    }

    public static async Task<VolumeStatus> VolumeAsync(HttpClient client, VolumeId id, CancellationToken cancellationToken)
    {
        var volumes = await VolumesAsync(client, cancellationToken);
        return Assert.Single(volumes, v => v.Id == id.Value);
    }

    public static async Task<CompactionStatus> CompactAsync(HttpClient client, VolumeId id, CancellationToken cancellationToken)
    {
        using var response = await client.PostAsync($"/volumes/{id}/compact", null, cancellationToken);
        await ExpectAsync(response, HttpStatusCode.OK, cancellationToken);
        var status = await response.Content.ReadFromJsonAsync(ChunkJsonContext.Default.CompactionStatus, cancellationToken);
        Assert.NotNull(status);
        return status;
    }

    public static async Task<VolumeStatus> SealAsync(HttpClient client, VolumeId id, CancellationToken cancellationToken)
    {
        using var response = await client.PostAsync($"/volumes/{id}/seal", null, cancellationToken);
        await ExpectAsync(response, HttpStatusCode.OK, cancellationToken);
        var status = await response.Content.ReadFromJsonAsync(ChunkJsonContext.Default.VolumeStatus, cancellationToken);
        Assert.NotNull(status);
        return status;
    }

    public static async Task<HealthStatus> HealthAsync(HttpClient client, CancellationToken cancellationToken)
    {
        using var response = await client.GetAsync("/health", cancellationToken);
        await ExpectAsync(response, HttpStatusCode.OK, cancellationToken);
        var health = await response.Content.ReadFromJsonAsync(ChunkJsonContext.Default.HealthStatus, cancellationToken);
        Assert.NotNull(health);
        return health;
    }

    /// <summary>The <c>error</c> of an error answer, checking that the body is the chunk server's JSON error.</summary>
    public static async Task<string> ErrorAsync(HttpResponseMessage response, CancellationToken cancellationToken)
    {
        Assert.Equal("application/json", response.Content.Headers.ContentType?.MediaType);
        var error = await response.Content.ReadFromJsonAsync(ChunkJsonContext.Default.ChunkError, cancellationToken);
        Assert.NotNull(error);
        Assert.False(string.IsNullOrWhiteSpace(error.Error));
        return error.Error;
    }

    public static async Task ExpectAsync(HttpResponseMessage response, HttpStatusCode expected, CancellationToken cancellationToken)
    {
        if (response.StatusCode != expected)
        {
            var body = await response.Content.ReadAsStringAsync(cancellationToken);
            Assert.Fail($"{response.RequestMessage?.Method} {response.RequestMessage?.RequestUri} answered {(int)response.StatusCode}, not {(int)expected}: {body}");
        }
    }

    /// <summary>A body that announces no length, so the client sends it chunked.</summary>
    public static HttpContent Chunked(byte[] data)
    {
        var content = new StreamContent(new NonSeekableStream(data));
        content.Headers.ContentType = new MediaTypeHeaderValue("application/octet-stream");
        return content;
    }
}
