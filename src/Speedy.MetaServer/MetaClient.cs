using System.Globalization;
using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;

namespace Speedy.MetaServer;

/// <summary>
/// <see cref="IMetaStore"/> over the meta server's HTTP API (<see cref="MetaServerHost"/>), so the registry's
/// storage driver and the image servers use one interface whether the store is in their process (the all-in-one) or
/// behind one or more meta servers.
/// </summary>
/// <remarks>
/// <para>Arguments are checked here exactly as a store checks them, so a caller sees the same
/// <see cref="ArgumentException"/>s and <see cref="MetaPathConflictException"/>s in process and remote.</para>
/// <para>Failover: the client sends to one server and stays with it while it answers. A request that could not even
/// connect (refused, unreachable, no such host, connect timeout) never reached a server, so any operation moves on to
/// the next. A failure after the request was sent (a timeout, a reset, a 5xx answer) leaves its outcome unknown: reads,
/// puts and appends are replayed on the next server, as replaying them leaves the same state; a move or a delete is
/// not (see <see cref="MetaOperation.NonIdempotentWrite"/>) but fails with a
/// <see cref="MetaServerUnavailableException"/> whose <see cref="MetaServerUnavailableException.OutcomeUnknown"/>
/// is set, for the caller to find out by reading.</para>
/// </remarks>
public sealed partial class MetaClient : IMetaStore
{
    public ValueTask DisposeAsync()
    {
        _http.Dispose();
        return ValueTask.CompletedTask;
    }

    public async ValueTask PutAsync(string path, MetaEntry entry, CancellationToken cancellationToken)
    {
        MetaPath.ValidateFile(path, nameof(path));
        ArgumentNullException.ThrowIfNull(entry);
        using HttpContent content = entry.IsInline
            ? new ReadOnlyMemoryContent(entry.Content)
            : new ByteArrayContent(JsonSerializer.SerializeToUtf8Bytes(
                new FragmentListDocument(entry.Size, WireFragment.From(entry.Fragments)), MetaJsonContext.Default.FragmentListDocument));
        content.Headers.ContentType = new MediaTypeHeaderValue(entry.IsInline ? MetaProtocol.OctetStream : MetaProtocol.Json);
        using var response = await SendAsync(HttpMethod.Put, EntryUri(path), content, MetaOperation.IdempotentWrite, cancellationToken);
        await EnsureAsync(response, HttpStatusCode.NoContent, cancellationToken);
    }

    public async ValueTask<MetaEntry?> GetAsync(string path, CancellationToken cancellationToken)
    {
        MetaPath.Validate(path, nameof(path));
        using var response = await SendAsync(HttpMethod.Get, EntryUri(path), null, MetaOperation.Read, cancellationToken);
        if (response.StatusCode == HttpStatusCode.NotFound)
        {
            return null;
        }

        await EnsureAsync(response, HttpStatusCode.OK, cancellationToken);
        if (response.Content.Headers.ContentType?.MediaType == MetaProtocol.OctetStream)
        {
            return MetaEntry.FromStoredInline(await response.Content.ReadAsByteArrayAsync(cancellationToken));
        }

        var document = await ReadJsonAsync(response, MetaJsonContext.Default.FragmentListDocument, cancellationToken);
        return MetaEntry.FromStoredFragments(document.Size, WireFragment.ToFragments(document.Fragments));
    }

    public async ValueTask<MetaFileInfo?> StatAsync(string path, CancellationToken cancellationToken)
    {
        MetaPath.Validate(path, nameof(path));
        using var response = await SendAsync(HttpMethod.Head, EntryUri(path), null, MetaOperation.Read, cancellationToken);
        if (response.StatusCode == HttpStatusCode.NotFound)
        {
            return null;
        }

        await EnsureAsync(response, HttpStatusCode.OK, cancellationToken);
        var kind = Header(response, MetaProtocol.KindHeader);
        if (kind is not (MetaProtocol.FileKind or MetaProtocol.DirectoryKind)
            || !long.TryParse(Header(response, MetaProtocol.SizeHeader), NumberStyles.None, CultureInfo.InvariantCulture, out var size)
            || !long.TryParse(Header(response, MetaProtocol.ModifiedHeader), NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var modified))
        {
            throw new IOException($"the meta server's answer to a stat of \"{path}\" lacks valid {MetaProtocol.KindHeader}, {MetaProtocol.SizeHeader} and {MetaProtocol.ModifiedHeader} headers");
        }

        return new MetaFileInfo(size, StoredTime.To(modified), kind == MetaProtocol.DirectoryKind);
    }

    public async ValueTask<IReadOnlyList<string>> ListAsync(
        string directory, string? startAfter, int limit, CancellationToken cancellationToken)
    {
        MetaStoreArguments.ValidateList(directory, startAfter, limit);
        var uri = string.Create(
            CultureInfo.InvariantCulture,
            $"{MetaProtocol.ListRoute[1..]}?{MetaProtocol.PathParameter}={Uri.EscapeDataString(directory)}&{MetaProtocol.LimitParameter}={limit}");
        if (startAfter is not null)
        {
            uri += $"&{MetaProtocol.StartAfterParameter}={Uri.EscapeDataString(startAfter)}";
        }

        using var response = await SendAsync(HttpMethod.Get, uri, null, MetaOperation.Read, cancellationToken);
        await EnsureAsync(response, HttpStatusCode.OK, cancellationToken);
        return (await ReadJsonAsync(response, MetaJsonContext.Default.ListPage, cancellationToken)).Names;
    }

    public async ValueTask<bool> MoveAsync(string sourcePath, string destinationPath, CancellationToken cancellationToken)
    {
        MetaPath.ValidateFile(sourcePath, nameof(sourcePath));
        MetaPath.ValidateFile(destinationPath, nameof(destinationPath));
        using var content = JsonBody(new MoveRequest(sourcePath, destinationPath), MetaJsonContext.Default.MoveRequest);
        using var response = await SendAsync(HttpMethod.Post, MetaProtocol.MoveRoute[1..], content, MetaOperation.NonIdempotentWrite, cancellationToken);
        if (response.StatusCode == HttpStatusCode.NotFound)
        {
            return false;
        }

        await EnsureAsync(response, HttpStatusCode.NoContent, cancellationToken);
        return true;
    }

    public async ValueTask<bool> DeleteAsync(string path, CancellationToken cancellationToken)
    {
        MetaPath.Validate(path, nameof(path));
        using var response = await SendAsync(HttpMethod.Delete, EntryUri(path), null, MetaOperation.NonIdempotentWrite, cancellationToken);
        if (response.StatusCode == HttpStatusCode.NotFound)
        {
            return false;
        }

        await EnsureAsync(response, HttpStatusCode.NoContent, cancellationToken);
        return true;
    }

    public async ValueTask<long> AppendFragmentsAsync(
        string path, IReadOnlyList<MetaFragment> fragments, CancellationToken cancellationToken)
    {
        MetaStoreArguments.ValidateAppend(path, fragments);
        using var content = JsonBody(new AppendFragmentsRequest(WireFragment.From(fragments)), MetaJsonContext.Default.AppendFragmentsRequest);
        var uri = $"{MetaProtocol.FragmentsRoute[1..]}?{MetaProtocol.PathParameter}={Uri.EscapeDataString(path)}";
        using var response = await SendAsync(HttpMethod.Post, uri, content, MetaOperation.IdempotentWrite, cancellationToken);
        await EnsureAsync(response, HttpStatusCode.OK, cancellationToken);
        return (await ReadJsonAsync(response, MetaJsonContext.Default.AppendFragmentsResult, cancellationToken)).Size;
    }

    private static string EntryUri(string path) =>
        $"{MetaProtocol.EntryRoute[1..]}?{MetaProtocol.PathParameter}={Uri.EscapeDataString(path)}";

    private static ByteArrayContent JsonBody<T>(T value, System.Text.Json.Serialization.Metadata.JsonTypeInfo<T> typeInfo)
    {
        var content = new ByteArrayContent(JsonSerializer.SerializeToUtf8Bytes(value, typeInfo));
        content.Headers.ContentType = new MediaTypeHeaderValue(MetaProtocol.Json);
        return content;
    }

    private static async Task<T> ReadJsonAsync<T>(
        HttpResponseMessage response, System.Text.Json.Serialization.Metadata.JsonTypeInfo<T> typeInfo, CancellationToken cancellationToken)
        where T : class
    {
        try
        {
            return await response.Content.ReadFromJsonAsync(typeInfo, cancellationToken)
                ?? throw new IOException("the meta server answered null");
        }
        catch (JsonException ex)
        {
            throw new IOException("the meta server's answer is not the JSON expected: " + ex.Message, ex);
        }
    }

    private static string? Header(HttpResponseMessage response, string name) =>
        response.Headers.TryGetValues(name, out var values) ? values.FirstOrDefault() : null;
}
