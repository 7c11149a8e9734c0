namespace Speedy.MetaServer;

/// <summary>
/// The answer to <c>GET /v1/meta/list?path=</c>: one page of child names and, when the page is full, the
/// <c>startAfter</c> of the next (<see langword="null"/> after the last page).
/// </summary>
internal sealed record ListPage(IReadOnlyList<string> Names, string? Next);
