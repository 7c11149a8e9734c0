namespace Speedy.MetaServer;

/// <summary>The body of <c>POST /v1/meta/fragments?path=</c>.</summary>
internal sealed record AppendFragmentsRequest(WireFragment[] Fragments);
