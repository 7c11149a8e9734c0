namespace Speedy.MetaServer;

/// <summary>What <see cref="MetaClient"/> may do when a request fails after it was sent.</summary>
internal enum MetaOperation
{
    /// <summary>Get, Stat, List: replayed on the next server.</summary>
    Read,

    /// <summary>
    /// Put, AppendFragments: replayed on the next server, since applying the same write twice leaves the same state
    /// (a put writes the same entry, an append records the same fragments under the same indexes).
    /// </summary>
    IdempotentWrite,

    /// <summary>
    /// Move, Delete: never replayed once sent. A move that was applied but not answered would, replayed, find its
    /// source gone and report "not found" for a move that happened, or move a file a later writer put at the source
    /// over the destination; a replayed delete would report "nothing was there", or delete a newer file at the path.
    /// </summary>
    NonIdempotentWrite,
}
