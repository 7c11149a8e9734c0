namespace Speedy.Index.Store;

/// <summary>
/// A member's role in a namespace, ordered by what it allows: a reader pulls, a maintainer also pushes, an owner also
/// deletes and manages members.
/// </summary>
public enum NamespaceRole
{
    Reader = 1,
    Maintainer = 2,
    Owner = 3,
}
