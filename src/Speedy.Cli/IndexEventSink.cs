using Speedy.Index.Events;
using Speedy.Registry.Events;

namespace Speedy.Cli;

/// <summary>
/// The registry's events handed to the index of the same process (<c>speedy server</c>): pushes create repositories
/// and set their last push, pulls are counted in memory, deletions are audited. <see cref="IndexEvents.Record"/>
/// queues and returns at once, as the request path needs. A blob's unlinking is not the index's business.
/// </summary>
internal sealed class IndexEventSink(IndexEvents index) : IRegistryEvents
{
    public void ManifestPushed(ManifestPushedEvent pushed)
    {
        ArgumentNullException.ThrowIfNull(pushed);
        var digest = pushed.Digest.ToString();
        index.Record(new RegistryEvent(RegistryEventKind.Push, pushed.Repository, pushed.Tag ?? digest, digest, pushed.Subject, pushed.Time));
    }

    public void ManifestPulled(ManifestPulledEvent pulled)
    {
        ArgumentNullException.ThrowIfNull(pulled);
        index.Record(new RegistryEvent(RegistryEventKind.Pull, pulled.Repository, pulled.Reference, pulled.Digest.ToString(), pulled.Subject, pulled.Time));
    }

    public void ManifestDeleted(ManifestDeletedEvent deleted)
    {
        ArgumentNullException.ThrowIfNull(deleted);
        var digest = deleted.Digest.ToString();
        index.Record(new RegistryEvent(RegistryEventKind.Delete, deleted.Repository, digest, digest, deleted.Subject, deleted.Time));
    }

    public void TagDeleted(TagDeletedEvent deleted)
    {
        ArgumentNullException.ThrowIfNull(deleted);
        index.Record(new RegistryEvent(RegistryEventKind.Delete, deleted.Repository, deleted.Tag, null, deleted.Subject, deleted.Time));
    }

    public void BlobDeleted(BlobDeletedEvent deleted)
    {
    }
}
