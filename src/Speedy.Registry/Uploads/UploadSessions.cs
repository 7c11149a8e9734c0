using System.Buffers;
using System.Text.Json;
using Speedy.Registry.Core;
using Speedy.Registry.Core.Hashing;
using Speedy.Registry.Storage;
using Speedy.Storage;

namespace Speedy.Registry.Uploads;

/// <summary>
/// Blob upload sessions kept entirely in storage, so any replica can continue a session another began.
/// Bytes are hashed as they stream in and the hash state is saved after every request, so no request ever
/// re-reads what earlier ones uploaded. A blob becomes visible only when its digest is verified, by an atomic
/// move into the blob store; a digest mismatch leaves nothing behind.
/// </summary>
internal sealed class UploadSessions
{
    private const int BufferSize = 1 << 20;

    private readonly RegistryStore _store;
    private readonly IStorageDriver _driver;
    private readonly TimeProvider _time;

    public UploadSessions(RegistryStore store, TimeProvider time)
    {
        _store = store;
        _driver = store.Driver;
        _time = time;
    }

    /// <summary>Creates a session and returns its id.</summary>
    public async ValueTask<string> StartAsync(string name, CancellationToken cancellationToken)
    {
        var id = Guid.NewGuid().ToString("N");
        using var hash = ResumableHash.Create(DigestAlgorithm.Sha256);
        await SaveStateAsync(name, id, new UploadState(_time.GetUtcNow(), 0, hash.ExportState()), cancellationToken);
        return id;
    }

    /// <summary>The number of bytes the session holds.</summary>
    public async ValueTask<long> GetSizeAsync(string name, string id, CancellationToken cancellationToken)
    {
        var state = await LoadStateAsync(name, id, cancellationToken);
        try
        {
            var info = await _driver.StatAsync(RegistryPaths.UploadData(name, id), cancellationToken);
            return Math.Max(info.Size, state.Offset);
        }
        catch (StoragePathNotFoundException)
        {
            return state.Offset;
        }
    }

    /// <summary>
    /// Appends a request body. With <paramref name="rangeStart"/> (from Content-Range) the chunk must start
    /// exactly where the session ends, else 416. Bytes received before a client disconnect are kept and
    /// hashed, so the client can ask for the status and resume.
    /// </summary>
    public async ValueTask<long> AppendAsync(string name, string id, Stream body, long? rangeStart, CancellationToken cancellationToken)
    {
        var state = await LoadStateAsync(name, id, cancellationToken);
        await using var writer = await _driver.WriterAsync(RegistryPaths.UploadData(name, id), append: true, cancellationToken);
        using var hash = await RestoreHashAsync(name, id, state, writer, cancellationToken);
        CheckRangeStart(rangeStart, writer.Size);
        try
        {
            await CopyAsync(body, writer, hash, cancellationToken);
        }
        finally
        {
            // The bytes must be durable before the state that counts them.
            await writer.DisposeAsync();
            await SaveStateAsync(name, id, state with { Offset = hash.BytesHashed, HashState = hash.ExportState() }, CancellationToken.None);
        }

        return hash.BytesHashed;
    }

    /// <summary>
    /// Appends the final body (if any), verifies <paramref name="expected"/>, and publishes the blob into the
    /// repository. On a digest mismatch the session and its bytes are deleted and nothing is published.
    /// </summary>
    public async ValueTask<long> CompleteAsync(string name, string id, Stream? body, long? rangeStart, Digest expected, CancellationToken cancellationToken)
    {
        var state = await LoadStateAsync(name, id, cancellationToken);
        var dataPath = RegistryPaths.UploadData(name, id);
        var writer = await _driver.WriterAsync(dataPath, append: true, cancellationToken);
        Digest actual;
        long size;
        await using (writer)
        {
            using var hash = await RestoreHashAsync(name, id, state, writer, cancellationToken);
            CheckRangeStart(rangeStart, writer.Size);
            if (body is not null)
            {
                try
                {
                    await CopyAsync(body, writer, hash, cancellationToken);
                }
                catch (RegistryException ex) when (ex.Code == OciErrorCode.BlobUploadInvalid)
                {
                    await writer.DisposeAsync();
                    await SaveStateAsync(name, id, state with { Offset = hash.BytesHashed, HashState = hash.ExportState() }, CancellationToken.None);
                    throw;
                }
            }

            size = writer.Size;
            actual = expected.Algorithm == hash.Algorithm
                ? hash.GetCurrentDigest()
                : await HashStoredAsync(dataPath, expected.Algorithm, cancellationToken);
            if (actual != expected)
            {
                await writer.CancelAsync(cancellationToken);
            }
            else
            {
                await writer.CommitAsync(cancellationToken);
            }
        }

        if (actual != expected)
        {
            await DeleteAsync(name, id, cancellationToken);
            throw DigestMismatch(expected, actual);
        }

        await _store.PublishBlobAsync(dataPath, expected, cancellationToken);
        await _store.LinkBlobAsync(name, expected, cancellationToken);
        await DeleteAsync(name, id, cancellationToken);
        return size;
    }

    /// <summary>A whole blob in one request (POST with <c>?digest=</c>): stream, verify, publish.</summary>
    public async ValueTask<long> UploadMonolithicAsync(string name, Stream body, Digest expected, CancellationToken cancellationToken)
    {
        var id = Guid.NewGuid().ToString("N");
        var dataPath = RegistryPaths.UploadData(name, id);
        long size;
        try
        {
            await using var writer = await _driver.WriterAsync(dataPath, append: false, cancellationToken);
            using var hash = ResumableHash.Create(expected.Algorithm);
            await CopyAsync(body, writer, hash, cancellationToken);
            size = writer.Size;
            var actual = hash.GetCurrentDigest();
            if (actual != expected)
            {
                await writer.CancelAsync(cancellationToken);
                throw DigestMismatch(expected, actual);
            }

            await writer.CommitAsync(cancellationToken);
            await _store.PublishBlobAsync(dataPath, expected, cancellationToken);
            await _store.LinkBlobAsync(name, expected, cancellationToken);
        }
        finally
        {
            await DeleteQuietlyAsync(RegistryPaths.Upload(name, id));
        }

        return size;
    }

    /// <summary>Deletes a session; false when it does not exist.</summary>
    public async ValueTask<bool> DeleteAsync(string name, string id, CancellationToken cancellationToken)
    {
        try
        {
            await _driver.DeleteAsync(RegistryPaths.Upload(name, id), cancellationToken);
            return true;
        }
        catch (StoragePathNotFoundException)
        {
            return false;
        }
    }

    private static void CheckRangeStart(long? rangeStart, long size)
    {
        if (rangeStart is { } start && start != size)
        {
            throw new RegistryException(
                OciErrorCode.RangeInvalid,
                $"chunk starts at {start} but the upload holds {size} bytes; chunks must be sent in order",
                new Dictionary<string, object> { ["size"] = size });
        }
    }

    private static RegistryException DigestMismatch(Digest expected, Digest actual) =>
        new(OciErrorCode.DigestInvalid, $"provided digest {expected} did not match uploaded content {actual}");

    /// <summary>
    /// Restores the saved hash. If the process that wrote the last chunk died after writing bytes but before
    /// saving the state, the bytes beyond the saved offset are hashed from storage (only that tail).
    /// </summary>
    private async ValueTask<ResumableHash> RestoreHashAsync(string name, string id, UploadState state, IStorageWriter writer, CancellationToken cancellationToken)
    {
        ResumableHash hash;
        try
        {
            hash = ResumableHash.Restore(state.HashState);
        }
        catch (FormatException)
        {
            throw new RegistryException(OciErrorCode.BlobUploadInvalid, "upload session state is corrupt; start a new upload");
        }

        if (writer.Size < hash.BytesHashed)
        {
            hash.Dispose();
            throw new RegistryException(OciErrorCode.BlobUploadInvalid, "upload session data is shorter than its state; start a new upload");
        }

        if (writer.Size > hash.BytesHashed)
        {
            await using var tail = await _driver.ReaderAsync(RegistryPaths.UploadData(name, id), hash.BytesHashed, cancellationToken);
            await HashStreamAsync(tail, hash, writer.Size - hash.BytesHashed, cancellationToken);
        }

        return hash;
    }

    private async ValueTask<Digest> HashStoredAsync(string path, DigestAlgorithm algorithm, CancellationToken cancellationToken)
    {
        using var hash = ResumableHash.Create(algorithm);
        await using var stream = await _driver.ReaderAsync(path, 0, cancellationToken);
        await HashStreamAsync(stream, hash, long.MaxValue, cancellationToken);
        return hash.GetCurrentDigest();
    }

    private static async ValueTask HashStreamAsync(Stream stream, ResumableHash hash, long limit, CancellationToken cancellationToken)
    {
        var buffer = ArrayPool<byte>.Shared.Rent(BufferSize);
        try
        {
            while (limit > 0)
            {
                var read = await stream.ReadAsync(buffer.AsMemory(0, (int)Math.Min(buffer.Length, limit)), cancellationToken);
                if (read == 0)
                {
                    break;
                }

                hash.Append(buffer.AsSpan(0, read));
                limit -= read;
            }
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }
    }

    /// <summary>
    /// Copies the body to the writer in large pieces, hashing each piece while it is being written. Bytes
    /// read before the body fails are still written and hashed, so state and data stay in step.
    /// </summary>
    private static async ValueTask CopyAsync(Stream body, IStorageWriter writer, ResumableHash hash, CancellationToken cancellationToken)
    {
        var buffer = ArrayPool<byte>.Shared.Rent(BufferSize);
        try
        {
            while (true)
            {
                var filled = 0;
                Exception? failure = null;
                try
                {
                    while (filled < buffer.Length)
                    {
                        var read = await body.ReadAsync(buffer.AsMemory(filled), cancellationToken);
                        if (read == 0)
                        {
                            break;
                        }

                        filled += read;
                    }
                }
                catch (Exception ex) when (ex is IOException or OperationCanceledException or Microsoft.AspNetCore.Http.BadHttpRequestException)
                {
                    failure = ex;
                }

                if (filled > 0)
                {
                    var write = writer.WriteAsync(buffer.AsMemory(0, filled), CancellationToken.None);
                    hash.Append(buffer.AsSpan(0, filled));
                    await write;
                }

                if (failure is not null)
                {
                    throw new RegistryException(OciErrorCode.BlobUploadInvalid, "the request body ended early: " + failure.Message, null, 400);
                }

                if (filled < buffer.Length)
                {
                    return;
                }
            }
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }
    }

    private async ValueTask<UploadState> LoadStateAsync(string name, string id, CancellationToken cancellationToken)
    {
        byte[] content;
        try
        {
            content = await _driver.GetContentAsync(RegistryPaths.UploadState(name, id), cancellationToken);
        }
        catch (StoragePathNotFoundException)
        {
            throw new RegistryException(OciErrorCode.BlobUploadUnknown, $"upload {id} is not known to repository {name}");
        }

        try
        {
            return JsonSerializer.Deserialize(content, UploadStateJsonContext.Default.UploadState)
                ?? throw new JsonException("empty state");
        }
        catch (JsonException)
        {
            throw new RegistryException(OciErrorCode.BlobUploadInvalid, "upload session state is corrupt; start a new upload");
        }
    }

    private ValueTask SaveStateAsync(string name, string id, UploadState state, CancellationToken cancellationToken) =>
        _driver.PutContentAsync(
            RegistryPaths.UploadState(name, id),
            JsonSerializer.SerializeToUtf8Bytes(state, UploadStateJsonContext.Default.UploadState),
            cancellationToken);

    private async ValueTask DeleteQuietlyAsync(string path)
    {
        try
        {
            await _driver.DeleteAsync(path, CancellationToken.None);
        }
        catch (StoragePathNotFoundException)
        {
        }
    }
}
