using Speedy.IO;
using Speedy.Volume.Format;
using Speedy.Volume.Index;
using Speedy.Volume.IO;

namespace Speedy.Volume;

public sealed partial class NeedleVolume
{
    private static Superblock ReadSuperblock(DataFile data, VolumeId id)
    {
        Span<byte> block = stackalloc byte[Superblock.Size];
        if (data.Read(block, 0) != Superblock.Size || !Superblock.TryRead(block, out var superblock))
        {
            throw new VolumeCorruptionException($"Volume {id}: '{data.Path}' has no valid superblock.") { Offset = 0 };
        }

        if (superblock.Volume != id)
        {
            throw new VolumeCorruptionException($"'{data.Path}' belongs to volume {superblock.Volume}, not {id}.") { Offset = 0 };
        }

        return superblock;
    }

    /// <summary>
    /// Rebuilds the index: from the checkpoint if it checks out against the data file, then by replaying the records
    /// after it. The file is cut at the first record that fails its checks: only synced records were acknowledged,
    /// so whatever fails is a write that was never acknowledged.
    /// </summary>
    private static VolumeIndex Recover(DataFile data, Superblock superblock, VolumePaths paths, InterruptedCompaction compaction, int expectedNeedles, out RecoveryReport report)
    {
        var length = data.Length;
        var index = IndexCheckpoint.TryLoad(paths.Index, superblock, length, expectedNeedles);
        if (index is not null && index.LastRecordOffset != 0 && !EndsWithRecord(data, index))
        {
            index = null;
        }

        var loaded = index is not null;
        index ??= VolumeIndex.Empty(expectedNeedles);
        var start = index.End;
        long replayed = 0;
        long truncatedAt = -1;
        string? why = null;
        using (var scanner = new RecordScanner(data.Handle, start, length))
        {
            while (scanner.TryNext(out var check))
            {
                if (check != RecordCheck.Valid)
                {
                    truncatedAt = scanner.Position;
                    why = check switch
                    {
                        RecordCheck.Truncated => "torn record: the file ends inside it",
                        RecordCheck.BadHeader => "bad header: magic, checksum or reserved bytes",
                        _ => "bad data: CRC-32C or padding",
                    };
                    break;
                }

                var header = scanner.Header;
                index.Apply(header.Kind, header.Id.Value, scanner.RecordOffset, header.DataLength);
                replayed++;
            }
        }

        if (truncatedAt >= 0)
        {
            data.SetLength(truncatedAt);
            data.SyncData();
        }

        report = new RecoveryReport(
            loaded,
            start,
            index.End - start,
            replayed,
            truncatedAt,
            truncatedAt >= 0 ? length - truncatedAt : 0,
            why,
            compaction);
        return index;
    }

    /// <summary>Whether the record the checkpoint says it ends with is there and ends where the checkpoint does.</summary>
    private static bool EndsWithRecord(DataFile data, VolumeIndex index)
    {
        Span<byte> header = stackalloc byte[NeedleHeader.Size];
        return data.Read(header, index.LastRecordOffset) == NeedleHeader.Size
            && NeedleHeader.TryRead(header, out var last)
            && index.LastRecordOffset + last.RecordLength == index.End;
    }

    /// <summary>
    /// Finishes a compaction whose marker is durable (renaming its files into place) or discards one whose marker is
    /// not; the renames are idempotent, so a crash during recovery is recovered the same way.
    /// </summary>
    private static InterruptedCompaction RecoverCompaction(VolumePaths paths)
    {
        var outcome = InterruptedCompaction.None;
        if (File.Exists(paths.CompactMarker))
        {
            if (CompactionMarker.TryRead(File.ReadAllBytes(paths.CompactMarker), out var marker))
            {
                if (File.Exists(paths.CompactData))
                {
                    CheckCompactedData(paths.CompactData, marker);
                    File.Move(paths.CompactData, paths.Data, overwrite: true);
                }

                if (File.Exists(paths.CompactIndex))
                {
                    File.Move(paths.CompactIndex, paths.Index, overwrite: true);
                }

                DirectorySync.Flush(paths.Directory);
                outcome = InterruptedCompaction.RolledForward;
            }

            File.Delete(paths.CompactMarker);
            DirectorySync.Flush(paths.Directory);
        }

        foreach (var leftover in (ReadOnlySpan<string>)[paths.CompactData, paths.CompactIndex, VolumePaths.Temporary(paths.CompactMarker)])
        {
            if (File.Exists(leftover))
            {
                File.Delete(leftover);
                outcome = outcome == InterruptedCompaction.None ? InterruptedCompaction.RolledBack : outcome;
            }
        }

        return outcome;
    }

    private static void CheckCompactedData(string path, CompactionMarker marker)
    {
        using var data = DataFile.Open(path, FileMode.Open, null, direct: false);
        Span<byte> block = stackalloc byte[Superblock.Size];
        if (data.Length != marker.DataLength || data.Read(block, 0) != Superblock.Size
            || !Superblock.TryRead(block, out var superblock) || superblock.Revision != marker.Revision)
        {
            throw new VolumeCorruptionException($"'{path}' does not match its compaction marker (revision {marker.Revision}, {marker.DataLength} bytes).");
        }
    }
}
