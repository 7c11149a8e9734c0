using System.Globalization;

namespace Speedy.Volume.IO;

/// <summary>
/// The files of one volume in its directory:
/// <code>
/// {id}.dat      data: superblock, then records
/// {id}.idx      index checkpoint (rewritten by rename, never fsynced on the append path)
/// {id}.sealed   present when the volume is sealed; holds the reason
/// {id}.cpd      compaction: the new data file being written
/// {id}.cpx      compaction: the new data file's index
/// {id}.cpm      compaction: the commit marker; while it exists, recovery renames .cpd/.cpx into place
/// *.tmp         a file being written, renamed into place when complete
/// </code>
/// </summary>
internal sealed class VolumePaths
{
    public VolumePaths(string directory, VolumeId id)
    {
        Directory = directory;
        var stem = Path.Combine(directory, id.Value.ToString(CultureInfo.InvariantCulture));
        Data = stem + ".dat";
        Index = stem + ".idx";
        Sealed = stem + ".sealed";
        CompactData = stem + ".cpd";
        CompactIndex = stem + ".cpx";
        CompactMarker = stem + ".cpm";
    }

    public string Directory { get; }

    public string Data { get; }

    public string Index { get; }

    public string Sealed { get; }

    public string CompactData { get; }

    public string CompactIndex { get; }

    public string CompactMarker { get; }

    public static string Temporary(string path) => path + ".tmp";
}
