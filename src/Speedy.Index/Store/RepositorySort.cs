namespace Speedy.Index.Store;

/// <summary>The orders of <see cref="IIndexStore.SearchRepositoriesAsync"/>; ties are broken by name.</summary>
public enum RepositorySort
{
    /// <summary>By full name, ascending (ordinal).</summary>
    Name = 0,

    /// <summary>Most starred first.</summary>
    Stars = 1,

    /// <summary>Most pulled first.</summary>
    Pulls = 2,

    /// <summary>Most recently pushed first; never pushed last.</summary>
    LastPush = 3,
}
