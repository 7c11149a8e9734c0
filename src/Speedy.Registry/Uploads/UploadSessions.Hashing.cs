using System.Buffers;
using Microsoft.AspNetCore.Http;
using Speedy.Registry.Core;
using Speedy.Registry.Core.Hashing;
using Speedy.Registry.Storage;
using Speedy.Storage;

namespace Speedy.Registry.Uploads;

// Streaming request bodies into the session and hashing what is stored.
internal sealed partial class UploadSessions
{
    private const int BufferSize = 1 << 20;

    /// <summary>
    /// Restores the saved hash. When storage holds more bytes than the state counts, the request that wrote them
    /// died, or failed to make them durable, before it saved the state; everything stored is hashed again rather
    /// than trusting that the saved prefix is untouched. That is the only time a request re-reads earlier chunks.
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
}
