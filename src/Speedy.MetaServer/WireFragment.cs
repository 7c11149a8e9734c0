namespace Speedy.MetaServer;

/// <summary>A <see cref="MetaFragment"/> as the meta server's JSON carries it.</summary>
internal readonly record struct WireFragment(int Index, long Offset, int Length, string FileId, uint Crc32c)
{
    public static WireFragment From(in MetaFragment fragment) =>
        new(fragment.Index, fragment.Offset, fragment.Length, fragment.FileId, fragment.Crc32C);

    public static WireFragment[] From(IReadOnlyList<MetaFragment> fragments)
    {
        var wire = new WireFragment[fragments.Count];
        for (var i = 0; i < wire.Length; i++)
        {
            wire[i] = From(fragments[i]);
        }

        return wire;
    }

    public static MetaFragment[] ToFragments(WireFragment[] wire)
    {
        var fragments = new MetaFragment[wire.Length];
        for (var i = 0; i < fragments.Length; i++)
        {
            fragments[i] = wire[i].ToFragment();
        }

        return fragments;
    }

    public MetaFragment ToFragment() => new(Index, Offset, Length, FileId, Crc32c);
}
