namespace Speedy.MetaServer;

/// <summary>
/// What a meta store keeps for a file: either its whole content inline (small files: links, manifests, upload
/// state) or its size and the list of fragments whose bytes live on chunk servers.
/// </summary>
/// <remarks>
/// <see cref="Inline"/> copies the content, and <see cref="Fragmented"/> the list, so the caller may reuse its
/// buffers. An entry read back from a store is exactly what was put, or, for a file built by
/// <see cref="IMetaStore.AppendFragmentsAsync"/>, the fragments recorded so far in index order; such an upload in
/// progress may have gaps, which <see cref="IsComplete"/> tells.
/// </remarks>
public sealed class MetaEntry
{
    private readonly byte[]? _content;
    private readonly MetaFragment[] _fragments;

    private MetaEntry(byte[]? content, long size, MetaFragment[] fragments)
    {
        _content = content;
        _fragments = fragments;
        Size = size;
        IsComplete = content is not null || CoversExactly(fragments, size);
    }

    /// <summary>Whether the content is stored inline (otherwise it is in <see cref="Fragments"/>).</summary>
    public bool IsInline => _content is not null;

    /// <summary>The inline content; empty for a fragmented file.</summary>
    public ReadOnlyMemory<byte> Content => _content;

    /// <summary>The file's size in bytes.</summary>
    public long Size { get; }

    /// <summary>The fragments ordered by index; empty for an inline file.</summary>
    public IReadOnlyList<MetaFragment> Fragments => _fragments;

    /// <summary>
    /// Whether the entry describes every byte of the file: inline, or fragments numbered 0, 1, 2… that cover
    /// [0, <see cref="Size"/>) end to end.
    /// </summary>
    public bool IsComplete { get; }

    /// <summary>The inline bytes for a backend to bind, without a copy.</summary>
    internal byte[]? InlineContent => _content;

    /// <summary>A small file stored in the meta store itself.</summary>
    /// <exception cref="ArgumentException">The content is longer than <see cref="MetaLimits.MaxInlineLength"/>.</exception>
    public static MetaEntry Inline(ReadOnlySpan<byte> content)
    {
        if (content.Length > MetaLimits.MaxInlineLength)
        {
            throw new ArgumentException(
                $"inline content is {content.Length} bytes; the limit is {MetaLimits.MaxInlineLength}", nameof(content));
        }

        return new MetaEntry(content.ToArray(), content.Length, []);
    }

    /// <summary>
    /// A whole file stored as fragments: <paramref name="fragments"/> must be numbered 0, 1, 2… in order and cover
    /// [0, <paramref name="size"/>) end to end. An empty list describes an empty file.
    /// </summary>
    /// <exception cref="ArgumentException">A fragment is invalid, or the list does not cover the file exactly.</exception>
    public static MetaEntry Fragmented(long size, IReadOnlyList<MetaFragment> fragments)
    {
        ArgumentNullException.ThrowIfNull(fragments);
        ArgumentOutOfRangeException.ThrowIfNegative(size);
        var copy = new MetaFragment[fragments.Count];
        for (var i = 0; i < copy.Length; i++)
        {
            copy[i] = fragments[i];
            MetaFragment.Validate(copy[i], nameof(fragments));
        }

        if (!CoversExactly(copy, size))
        {
            throw new ArgumentException(
                $"the fragments must be numbered from 0 and cover the {size} bytes of the file end to end",
                nameof(fragments));
        }

        return new MetaEntry(null, size, copy);
    }

    internal static MetaEntry FromStoredInline(byte[] content) => new(content, content.Length, []);

    internal static MetaEntry FromStoredFragments(long size, MetaFragment[] fragments) => new(null, size, fragments);

    private static bool CoversExactly(MetaFragment[] fragments, long size)
    {
        long end = 0;
        for (var i = 0; i < fragments.Length; i++)
        {
            if (fragments[i].Index != i || fragments[i].Offset != end)
            {
                return false;
            }

            end = fragments[i].End;
        }

        return end == size;
    }
}
