namespace Speedy.Index.Store;

/// <summary>A write the store refuses because of what is already there: a name taken, the last owner removed.</summary>
public sealed class IndexConflictException : Exception
{
    public IndexConflictException()
    {
    }

    public IndexConflictException(string message)
        : base(message)
    {
    }

    public IndexConflictException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}
