namespace Speedy.MetaServer;

/// <summary>
/// A write named a path whose kind does not allow it: a file where a directory is (or the reverse), a path below a
/// file, or fragments appended to an inline file. Nothing was changed.
/// </summary>
public sealed class MetaPathConflictException : IOException
{
    public MetaPathConflictException()
    {
    }

    public MetaPathConflictException(string message)
        : base(message)
    {
    }

    public MetaPathConflictException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}
