using System.Buffers;
using System.Collections.Concurrent;
using System.Text.Json;
using Microsoft.AspNetCore.Http;
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

    /// <summary>
    /// Sessions a request of this process is writing, completing or deleting. Two requests on one session would
    /// interleave their bytes while each hashes only its own, so the saved hash would no longer describe the
    /// stored bytes; the second request is refused instead.
    /// </summary>
    private readonly ConcurrentDictionary<string, byte> _busy = new(StringComparer.Ordinal);

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
        Enter(id, StatusCodes.Status416RangeNotSatisfiable);
        try
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
        finally
        {
            Leave(id);
        }
    }

    /// <summary>
    /// Appends the final body (if any), verifies <paramref name="expected"/>, and publishes the blob into the
    /// repository. On a digest mismatch the session and its bytes are deleted and nothing is published.
    /// </summary>
    public async ValueTask<long> CompleteAsync(string name, string id, Stream? body, long? rangeStart, Digest expected, CancellationToken cancellationToken)
    {
        Enter(id, StatusCodes.Status416RangeNotSatisfiable);
        try
        {
            return await CompleteCoreAsync(name, id, body, rangeStart, expected, cancellationToken);
        }
        finally
        {
            Leave(id);
        }
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
        Enter(id, StatusCodes.Status409Conflict);
        try
        {
            return await DeleteSessionAsync(name, id, cancellationToken);
        }
        finally
        {
            Leave(id);
        }
    }

    private async ValueTask<long> CompleteCoreAsync(string name, string id, Stream? body, long? rangeStart, Digest expected, CancellationToken cancellationToken)
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
                catch
                {
                    // Keep what arrived, so the client can ask for the status and resume.
                    await writer.DisposeAsync();
                    await SaveStateAsync(name, id, state with { Offset = hash.BytesHashed, HashState = hash.ExportState() }, CancellationToken.None);
                    throw;
                }
            }

            size = writer.Size;
            if (await StoredSizeAsync(dataPath, cancellationToken) != hash.BytesHashed)
            {
                // Another replica wrote to the session meanwhile: what is stored is not what was hashed.
                await writer.CancelAsync(CancellationToken.None);
                await DeleteSessionAsync(name, id, CancellationToken.None);
                throw new RegistryException(OciErrorCode.BlobUploadInvalid, $"upload {id} was written by another request while it was completed; start a new upload");
            }

            actual = expected.Algorithm == hash.Algorithm
                ? hash.GetCurrentDigest()
                : await HashStoredAsync(dataPath, expected.Algorithm, cancellationToken);
            if (actual != expected)
            {
                await writer.CancelAsync(CancellationToken.None);
            }
            else
            {
                await writer.CommitAsync(cancellationToken);
            }
        }

        if (actual != expected)
        {
            await DeleteSessionAsync(name, id, CancellationToken.None);
            throw DigestMismatch(expected, actual);
        }

        await _store.PublishBlobAsync(dataPath, expected, cancellationToken);
        await _store.LinkBlobAsync(name, expected, cancellationToken);
        await DeleteSessionAsync(name, id, CancellationToken.None);
        return size;
    }

    private async ValueTask<bool> DeleteSessionAsync(string name, string id, CancellationToken cancellationToken)
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

    private async ValueTask<long> StoredSizeAsync(string path, CancellationToken cancellationToken)
    {
        try
        {
            return (await _driver.StatAsync(path, cancellationToken)).Size;
        }
        catch (StoragePathNotFoundException)
        {
            return 0;
        }
    }

    private void Enter(string id, int busyStatus)
    {
        if (!_busy.TryAdd(id, 0))
        {
            throw new RegistryException(
                busyStatus == StatusCodes.Status416RangeNotSatisfiable ? OciErrorCode.RangeInvalid : OciErrorCode.BlobUploadInvalid,
                $"another request is writing to upload {id}; ask for its status once it finishes",
                null,
                busyStatus);
        }
    }

    private void Leave(string id) => _busy.TryRemove(id, out _);

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
    /// Restores the saved hash. When storage holds more bytes than the state counts, either the process that
    /// wrote them died before saving the state, or another replica wrote to the session at the same time; the
    /// two cannot be told apart, and in the second the saved prefix no longer describes the stored bytes, so
    /// everything stored is hashed again. That is the only time a request re-reads earlier chunks.
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

        if (writer.Size == hash.BytesHashed)
        {
            return hash;
        }

        var algorithm = hash.Algorithm;
        var hashed = hash.BytesHashed;
        hash.Dispose();
        if (writer.Size < hashed)
        {
            throw new RegistryException(OciErrorCode.BlobUploadInvalid, "upload session data is shorter than its state; start a new upload");
        }

        hash = ResumableHash.Create(algorithm);
        try
        {
            await using var stored = await _driver.ReaderAsync(RegistryPaths.UploadData(name, id), 0, cancellationToken);
            await HashStreamAsync(stored, hash, writer.Size, cancellationToken);
            if (hash.BytesHashed != writer.Size)
            {
                throw new RegistryException(OciErrorCode.BlobUploadInvalid, "upload session data changed while it was read; start a new upload");
            }

            return hash;
        }
        catch
        {
            hash.Dispose();
            throw;
        }
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
                cancellationToken.ThrowIfCancellationRequested();
                var filled = 0;
                Exception? failure = null;
                try
                {
                    while (filled < buffer.Length)
                    {
                        // No token: a disconnect already fails the read, and a read cancelled through
                        // RequestAborted leaves Kestrel's body reader mid-read, so its drain then fails and logs.
                        var read = await body.ReadAsync(buffer.AsMemory(filled), CancellationToken.None);
                        if (read == 0)
                        {
                            break;
                        }

                        filled += read;
                    }
                }
                catch (Exception ex) when (ex is IOException or OperationCanceledException or BadHttpRequestException)
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
                    throw RegistryException.WithCause(OciErrorCode.BlobUploadInvalid, "the request body ended early: " + failure.Message, failure);
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
