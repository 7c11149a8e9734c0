namespace Speedy.MetaServer;

/// <summary>The body of <c>POST /v1/meta/move</c>.</summary>
internal sealed record MoveRequest(string From, string To);
