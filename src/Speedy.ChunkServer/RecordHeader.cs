using Speedy.Volume;

namespace Speedy.ChunkServer;

/// <summary>The fields of a needle record's 32-byte header that the chunk server reads (see <see cref="RecordLayout"/>).</summary>
internal readonly record struct RecordHeader(byte Kind, NeedleId Id, Cookie Cookie, uint Length)
{
    public const byte Live = 1;
    public const byte Tombstone = 2;
    public const byte Filler = 3;
}
