namespace Speedy.Index.Events;

/// <summary>What happened in the registry.</summary>
public enum RegistryEventKind
{
    /// <summary>A manifest was pushed (the repository is created on its first push).</summary>
    Push = 0,

    /// <summary>A manifest was pulled (counted in memory, written in batches).</summary>
    Pull = 1,

    /// <summary>A manifest or tag was deleted.</summary>
    Delete = 2,
}
