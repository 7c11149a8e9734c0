namespace Speedy.MetaServer;

/// <summary>
/// A fragmented file on the wire: the body of <c>PUT /v1/meta?path=</c> (<c>application/json</c>) and of the answer
/// to <c>GET /v1/meta?path=</c> for a fragmented file.
/// </summary>
internal sealed record FragmentListDocument(long Size, WireFragment[] Fragments);
