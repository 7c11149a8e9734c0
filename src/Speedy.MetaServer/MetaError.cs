namespace Speedy.MetaServer;

/// <summary>The body of every error answer of the meta server.</summary>
internal sealed record MetaError(string Error);
