using Speedy.Registry.Auth;
using Speedy.Registry.Events;
using Speedy.Registry.Storage;
using Speedy.Registry.Uploads;

namespace Speedy.Registry.Http;

/// <summary>What every endpoint needs, resolved once from DI.</summary>
internal sealed class RegistryContext(
    RegistryOptions options,
    RegistryStore store,
    UploadSessions uploads,
    UploadLocationSigner signer,
    RegistryAuthorization authorization,
    RegistryEventPublisher events) : IDisposable
{
    public RegistryOptions Options { get; } = options;

    public RegistryStore Store { get; } = store;

    public UploadSessions Uploads { get; } = uploads;

    public UploadLocationSigner Signer { get; } = signer;

    public RegistryAuthorization Authorization { get; } = authorization;

    public RegistryEventPublisher Events { get; } = events;

    public BlobReadBudget BlobReads { get; } = new(store.Driver.PreferredReadSize);

    public void Dispose() => BlobReads.Dispose();
}
