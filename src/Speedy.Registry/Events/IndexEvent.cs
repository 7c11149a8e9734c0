using Speedy.Registry.Core;

namespace Speedy.Registry.Events;

/// <summary>
/// One event as the index's <c>POST /events</c> takes it, queued by <see cref="HttpRegistryEvents"/>. The digest stays
/// a <see cref="Core.Digest"/> until the batch is written, so queuing formats nothing on the request path.
/// </summary>
/// <param name="Action"><c>push</c>, <c>pull</c> or <c>delete</c>.</param>
/// <param name="Repository">The repository name.</param>
/// <param name="Reference">The tag or digest named; null when <paramref name="Digest"/> is the reference.</param>
/// <param name="Digest">The manifest's digest, if known.</param>
/// <param name="Subject">The authenticated account; null when anonymous.</param>
/// <param name="Time">When it happened.</param>
internal readonly record struct IndexEvent(string Action, string Repository, string? Reference, Digest? Digest, string? Subject, DateTimeOffset Time)
{
    public const string Push = "push";
    public const string Pull = "pull";
    public const string Delete = "delete";
}
