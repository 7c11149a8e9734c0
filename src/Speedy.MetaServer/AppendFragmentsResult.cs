namespace Speedy.MetaServer;

/// <summary>The answer to <c>POST /v1/meta/fragments?path=</c>: the file's size after the append.</summary>
internal sealed record AppendFragmentsResult(long Size);
