using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;
using Speedy.Registry.Auth;
using Speedy.Registry.Core;
using Speedy.Registry.Http;

namespace Speedy.Registry.Events;

/// <summary>
/// Hands the endpoints' events to the registered <see cref="IRegistryEvents"/> with the request's subject and the
/// time. Nothing is built when the sink is the default one, and a sink that throws is logged, not let through: the
/// operation it reports has already succeeded.
/// </summary>
internal sealed class RegistryEventPublisher
{
    private readonly IRegistryEvents _events;
    private readonly TimeProvider _time;
    private readonly ILogger<RegistryEventPublisher> _logger;
    private readonly bool _enabled;

    public RegistryEventPublisher(IRegistryEvents events, TimeProvider time, ILogger<RegistryEventPublisher> logger)
    {
        _events = events;
        _time = time;
        _logger = logger;
        _enabled = events is not NoRegistryEvents;
    }

    public void ManifestPushed(HttpContext context, string repository, string? tag, Digest digest, string mediaType, long size)
    {
        if (_enabled)
        {
            Deliver(context, new ManifestPushedEvent(repository, tag, digest, mediaType, size, RegistryPrincipal.SubjectOf(context), _time.GetUtcNow()), static (events, e) => events.ManifestPushed(e));
        }
    }

    public void ManifestPulled(HttpContext context, string repository, string reference, Digest digest)
    {
        if (_enabled)
        {
            Deliver(context, new ManifestPulledEvent(repository, reference, digest, RegistryPrincipal.SubjectOf(context), _time.GetUtcNow()), static (events, e) => events.ManifestPulled(e));
        }
    }

    public void ManifestDeleted(HttpContext context, string repository, Digest digest)
    {
        if (_enabled)
        {
            Deliver(context, new ManifestDeletedEvent(repository, digest, RegistryPrincipal.SubjectOf(context), _time.GetUtcNow()), static (events, e) => events.ManifestDeleted(e));
        }
    }

    public void TagDeleted(HttpContext context, string repository, string tag)
    {
        if (_enabled)
        {
            Deliver(context, new TagDeletedEvent(repository, tag, RegistryPrincipal.SubjectOf(context), _time.GetUtcNow()), static (events, e) => events.TagDeleted(e));
        }
    }

    public void BlobDeleted(HttpContext context, string repository, Digest digest)
    {
        if (_enabled)
        {
            Deliver(context, new BlobDeletedEvent(repository, digest, RegistryPrincipal.SubjectOf(context), _time.GetUtcNow()), static (events, e) => events.BlobDeleted(e));
        }
    }

    private void Deliver<TEvent>(HttpContext context, TEvent registryEvent, Action<IRegistryEvents, TEvent> send)
        where TEvent : notnull
    {
        try
        {
            send(_events, registryEvent);
        }
        catch (Exception ex)
        {
            // The sink is someone else's code; whatever it threw, the push, pull or delete it reports has happened.
            Log.EventSinkFailed(_logger, typeof(TEvent).Name, context.Request.Path.Value ?? string.Empty, ex);
        }
    }
}
