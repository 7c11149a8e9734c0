namespace Speedy.Storage.Memory;

/// <summary>A directory of the memory driver: the names of its children, ordinally sorted. Mutated under the driver's lock.</summary>
internal sealed class MemoryDirectory(DateTimeOffset modifiedAt)
{
    public SortedSet<string> Children { get; } = new(StringComparer.Ordinal);

    public DateTimeOffset ModifiedAt { get; set; } = modifiedAt;
}
