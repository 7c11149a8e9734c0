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
/// <remarks>
/// Every request that changes a session (PATCH, PUT, DELETE) holds the storage writer of the session's data for
/// as long as it works on the session. The writer is exclusive across every replica sharing the storage
/// (<see cref="StorageWriterBusyException"/>), so a second request on the session, here or on another replica, is
/// refused as if it had met this process's own guard: 416 with the session's Range for PATCH and PUT, 409 for
/// DELETE. Holding the writer, a request reads the session state, writes, makes the bytes durable and saves the
/// state, so the saved hash always describes a prefix of the stored bytes. A completing request deletes the state
/// before it releases the writer: a request that takes the writer afterwards finds the session gone and changes
/// nothing, so the verified bytes cannot change between the check of the digest and their move into the blob store.
/// </remarks>
internal sealed partial class UploadSessions
{
    private readonly RegistryStore _store;
    private readonly IStorageDriver _driver;
    private readonly TimeProvider _time;

    /// <summary>
    /// Sessions a request of this process is writing, completing or deleting. Two requests on one session would
    /// interleave their bytes while each hashes only its own, so the saved hash would no longer describe the
    /// stored bytes; the second request is refused instead. The storage writer does the same across replicas;
    /// this guard refuses a second request of this process before it touches storage.
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
            await LoadStateAsync(name, id, cancellationToken);
            await using var writer = await OpenWriterAsync(name, id, StatusCodes.Status416RangeNotSatisfiable, cancellationToken);
            var state = await LoadHeldStateAsync(name, id, writer, cancellationToken);
            using var hash = await RestoreHashAsync(name, id, state, writer, cancellationToken);
            CheckRangeStart(rangeStart, writer.Size);
            try
            {
                await CopyAsync(body, writer, hash, cancellationToken);
            }
            finally
            {
                await SaveProgressAsync(name, id, state, writer, hash);
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
            if (!await StateExistsAsync(name, id, cancellationToken))
            {
                return false;
            }

            await using var writer = await OpenWriterAsync(name, id, StatusCodes.Status409Conflict, cancellationToken);
            if (!await StateExistsAsync(name, id, cancellationToken))
            {
                await AbandonAsync(writer);
                return false;
            }

            return await DeleteSessionAsync(name, id, cancellationToken);
        }
        finally
        {
            Leave(id);
        }
    }

    private async ValueTask<long> CompleteCoreAsync(string name, string id, Stream? body, long? rangeStart, Digest expected, CancellationToken cancellationToken)
    {
        await LoadStateAsync(name, id, cancellationToken);
        var dataPath = RegistryPaths.UploadData(name, id);
        await using var writer = await OpenWriterAsync(name, id, StatusCodes.Status416RangeNotSatisfiable, cancellationToken);
        var state = await LoadHeldStateAsync(name, id, writer, cancellationToken);
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
                await SaveProgressAsync(name, id, state, writer, hash);
                throw;
            }
        }

        var size = writer.Size;
        if (await StoredSizeAsync(dataPath, cancellationToken) != hash.BytesHashed)
        {
            // What is stored is not what was hashed: something wrote to the session without holding its writer.
            await DeleteSessionAsync(name, id, CancellationToken.None);
            throw new RegistryException(OciErrorCode.BlobUploadInvalid, $"upload {id} was written by another request while it was completed; start a new upload");
        }

        var actual = expected.Algorithm == hash.Algorithm
            ? hash.GetCurrentDigest()
            : await HashStoredAsync(dataPath, expected.Algorithm, cancellationToken);
        if (actual != expected)
        {
            await DeleteSessionAsync(name, id, CancellationToken.None);
            throw DigestMismatch(expected, actual);
        }

        // The session ends here, while this request still holds the writer; from now on the request finishes
        // whatever the client does, or the verified bytes would be left without a session.
        await _driver.DeleteAsync(RegistryPaths.UploadState(name, id), CancellationToken.None);
        if (size == 0)
        {
            // An empty data file is what a late request removes again (AbandonAsync), so this one is not moved.
            await writer.CancelAsync(CancellationToken.None);
            await _store.PutBlobAsync(expected, ReadOnlyMemory<byte>.Empty, CancellationToken.None);
        }
        else
        {
            await writer.CommitAsync(CancellationToken.None);
            await _store.PublishBlobAsync(dataPath, expected, CancellationToken.None);
        }

        await _store.LinkBlobAsync(name, expected, CancellationToken.None);
        await DeleteSessionAsync(name, id, CancellationToken.None);
        return size;
    }

    /// <summary>
    /// Takes the session's storage writer; when a request of another replica holds it, refuses this one as
    /// <see cref="Enter"/> does.
    /// </summary>
    private async ValueTask<IStorageWriter> OpenWriterAsync(string name, string id, int busyStatus, CancellationToken cancellationToken)
    {
        try
        {
            return await _driver.WriterAsync(RegistryPaths.UploadData(name, id), append: true, cancellationToken);
        }
        catch (StorageWriterBusyException)
        {
            // Not kept as the cause: an IOException cause tells the middleware that the client went away.
            throw Busy(id, busyStatus);
        }
    }

    /// <summary>
    /// Reads the session state again now that this request holds the writer: a request that held it meanwhile may
    /// have completed or deleted the session. Then this request leaves the session alone (<see cref="AbandonAsync"/>).
    /// </summary>
    private async ValueTask<UploadState> LoadHeldStateAsync(string name, string id, IStorageWriter writer, CancellationToken cancellationToken)
    {
        try
        {
            return await LoadStateAsync(name, id, cancellationToken);
        }
        catch (RegistryException exception) when (exception.Code == OciErrorCode.BlobUploadUnknown)
        {
            await AbandonAsync(writer);
            throw;
        }
    }

    /// <summary>
    /// Lets go of the writer of a session that ended while this request waited for it, changing nothing: its data
    /// may be the verified bytes a completing request is about to move into the blob store. Only an empty file is
    /// removed, the one this request's writer had to create, since a completing request never moves an empty one.
    /// </summary>
    private static async ValueTask AbandonAsync(IStorageWriter writer)
    {
        if (writer.Size == 0)
        {
            await writer.CancelAsync(CancellationToken.None);
        }
    }

    /// <summary>
    /// After a request's bytes, makes them durable and then saves the state that counts them, both before the writer
    /// is released. A write that failed part-way leaves the hash ahead of the stored bytes; then the state is left as
    /// it was, and the next request hashes the stored bytes again (<see cref="RestoreHashAsync"/>).
    /// </summary>
    private async ValueTask SaveProgressAsync(string name, string id, UploadState state, IStorageWriter writer, ResumableHash hash)
    {
        await writer.FlushAsync(CancellationToken.None);
        if (writer.Size == hash.BytesHashed)
        {
            await SaveStateAsync(name, id, state with { Offset = hash.BytesHashed, HashState = hash.ExportState() }, CancellationToken.None);
        }
    }

    private async ValueTask<bool> StateExistsAsync(string name, string id, CancellationToken cancellationToken)
    {
        try
        {
            await _driver.StatAsync(RegistryPaths.UploadState(name, id), cancellationToken);
            return true;
        }
        catch (StoragePathNotFoundException)
        {
            return false;
        }
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
            throw Busy(id, busyStatus);
        }
    }

    /// <summary>A second request on a session: RANGE_INVALID for 416 (PATCH, PUT), BLOB_UPLOAD_INVALID otherwise.</summary>
    private static RegistryException Busy(string id, int busyStatus) =>
        new(
            busyStatus == StatusCodes.Status416RangeNotSatisfiable ? OciErrorCode.RangeInvalid : OciErrorCode.BlobUploadInvalid,
            $"another request is writing to upload {id}; ask for its status once it finishes",
            null,
            busyStatus);

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
