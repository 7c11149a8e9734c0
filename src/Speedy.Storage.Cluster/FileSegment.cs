using Speedy.MetaServer;

namespace Speedy.Storage.Cluster;

/// <summary>
/// One stretch of a file as a reader sees it: a fragment on the chunk servers, or bytes an open writer of this
/// process holds and has not recorded yet (then <see cref="Data"/> is a private copy).
/// </summary>
internal readonly record struct FileSegment(long Offset, int Length, MetaFragment Fragment, byte[]? Data)
{
    public long End => Offset + Length;

    public static FileSegment Stored(MetaFragment fragment) => new(fragment.Offset, fragment.Length, fragment, null);

    public static FileSegment Pending(long offset, byte[] data) => new(offset, data.Length, default, data);
}
