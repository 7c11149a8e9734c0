namespace Speedy.Master;

/// <summary>A lease of needle ids: <see cref="Start"/> up to, not including, <see cref="End"/>.</summary>
public readonly record struct NeedleIdRange(ulong Start, ulong End)
{
    public ulong Count => End - Start;

    public bool Overlaps(NeedleIdRange other) => Start < other.End && other.Start < End;
}
