namespace Speedy.Registry.Events;

/// <summary>
/// What the registry tells the index about (pushes, pulls and deletions, with who did them), for pull counts, "last
/// pushed", webhooks and the audit log. Each method is called on the request path once the operation succeeded, so an
/// implementation must return at once (queue the event, e.g. in a bounded channel, and do the slow work elsewhere)
/// and should not throw: an exception is logged and the request still succeeds. Register an implementation as a
/// singleton after <see cref="RegistryApplication.AddSpeedyRegistry"/>; the default ignores every event.
/// </summary>
public interface IRegistryEvents
{
    void ManifestPushed(ManifestPushedEvent pushed);

    /// <summary>A manifest was fetched with GET (a HEAD is not a pull).</summary>
    void ManifestPulled(ManifestPulledEvent pulled);

    /// <summary>A manifest was deleted by digest (which also drops the tags pointing at it).</summary>
    void ManifestDeleted(ManifestDeletedEvent deleted);

    /// <summary>A tag was deleted (<c>DELETE /v2/&lt;name&gt;/manifests/&lt;tag&gt;</c>); the manifest stays.</summary>
    void TagDeleted(TagDeletedEvent deleted);

    /// <summary>A blob was unlinked from a repository.</summary>
    void BlobDeleted(BlobDeletedEvent deleted);
}
