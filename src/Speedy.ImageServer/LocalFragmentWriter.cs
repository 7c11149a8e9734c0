using Microsoft.Extensions.DependencyInjection;

namespace Speedy.ImageServer;

/// <summary>
/// Stores fragments through an image server that runs in this process, as its <c>PUT /v1/fragments</c> does but
/// without the HTTP hop: the all-in-one <c>speedy server</c>'s short write path. The chained write to every member of
/// a group, and the retry on another group, are the image server's own.
/// </summary>
public sealed class LocalFragmentWriter
{
    private readonly FragmentWriter _writer;

    private LocalFragmentWriter(FragmentWriter writer)
    {
        _writer = writer;
    }

    /// <summary>The writer of the image server whose host's services are <paramref name="services"/>.</summary>
    public static LocalFragmentWriter Of(IServiceProvider services) => new(services.GetRequiredService<FragmentWriter>());

    /// <summary>
    /// Stores <paramref name="fragment"/> on every member of a writable group. <paramref name="crc"/> is its CRC-32C,
    /// computed by the caller over these very bytes, and carried down to the volumes' records as it is.
    /// </summary>
    /// <exception cref="IOException">No group could store it (the image server's 5xx answers).</exception>
    public async Task<FragmentStored> UploadAsync(ReadOnlyMemory<byte> fragment, uint crc, long index, long offset, CancellationToken cancellationToken)
    {
        try
        {
            return await _writer.UploadAsync(fragment, crc, index, offset, cancellationToken).ConfigureAwait(false);
        }
        catch (FragmentException ex)
        {
            throw new IOException(ex.Message, ex);
        }
    }
}
