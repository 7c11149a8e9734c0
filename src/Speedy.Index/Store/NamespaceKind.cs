namespace Speedy.Index.Store;

/// <summary>A user's own namespace (created with the user, named like it) or an organization.</summary>
public enum NamespaceKind
{
    User = 0,
    Organization = 1,
}
