namespace Speedy.Volume.Format;

/// <summary>The flags byte of a needle header: what the record is.</summary>
internal enum NeedleKind : byte
{
    /// <summary>Not a record (zeroes, or a preallocated block never written).</summary>
    None = 0,

    /// <summary>A needle with data.</summary>
    Live = 1,

    /// <summary>A delete: no data; the needle id is gone from here on.</summary>
    Tombstone = 2,

    /// <summary>
    /// Space a writer reserved but could not fill (its source failed). It is skipped, never read, and its data is not
    /// checksummed: it exists so that the needles appended after it by other writers stay reachable.
    /// </summary>
    Filler = 3,
}
