namespace Speedy.Volume;

/// <summary>The outcome of <see cref="NeedleVolume.ScrubAsync"/>.</summary>
/// <param name="BytesScanned">Bytes of the data file read and checked.</param>
/// <param name="Records">Records checked.</param>
/// <param name="Findings">Records that failed. After an unreadable header the rest of the file cannot be walked, so
/// the scrub stops there.</param>
public sealed record ScrubReport(long BytesScanned, long Records, IReadOnlyList<ScrubFinding> Findings)
{
    public bool IsClean => Findings.Count == 0;
}
