namespace Speedy.Index.Store;

/// <summary>One member of a namespace and its role.</summary>
public sealed record NamespaceMember(long AccountId, string AccountName, NamespaceRole Role);
