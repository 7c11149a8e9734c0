namespace Speedy.Registry.Events;

/// <summary>The default sink: a registry without an index has nobody to tell.</summary>
internal sealed class NoRegistryEvents : IRegistryEvents
{
    public void ManifestPushed(ManifestPushedEvent pushed)
    {
    }

    public void ManifestPulled(ManifestPulledEvent pulled)
    {
    }

    public void ManifestDeleted(ManifestDeletedEvent deleted)
    {
    }

    public void TagDeleted(TagDeletedEvent deleted)
    {
    }

    public void BlobDeleted(BlobDeletedEvent deleted)
    {
    }
}
