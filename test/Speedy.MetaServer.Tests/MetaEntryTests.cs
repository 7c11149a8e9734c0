namespace Speedy.MetaServer.Tests;

public sealed class MetaEntryTests
{
    [Fact]
    public void Inline_CopiesTheContent()
    {
        var content = new byte[] { 1, 2, 3 };
        var entry = MetaEntry.Inline(content);
        content[0] = 9;

        Assert.True(entry.IsInline);
        Assert.True(entry.IsComplete);
        Assert.Equal(3, entry.Size);
        Assert.Equal(new byte[] { 1, 2, 3 }, entry.Content.ToArray());
        Assert.Empty(entry.Fragments);
    }

    [Fact]
    public void Inline_AcceptsTheLimitAndRefusesOneByteMore()
    {
        Assert.Equal(MetaLimits.MaxInlineLength, MetaEntry.Inline(new byte[MetaLimits.MaxInlineLength]).Size);
        Assert.Throws<ArgumentException>(() => MetaEntry.Inline(new byte[MetaLimits.MaxInlineLength + 1]));
    }

    [Fact]
    public void Fragmented_AcceptsFragmentsThatCoverTheFileEndToEnd()
    {
        var entry = MetaEntry.Fragmented(10, [new(0, 0, 4, "1,a", 1), new(1, 4, 6, "1,b", 2)]);

        Assert.False(entry.IsInline);
        Assert.True(entry.IsComplete);
        Assert.Equal(10, entry.Size);
        Assert.Equal(2, entry.Fragments.Count);
        Assert.True(entry.Content.IsEmpty);
    }

    [Fact]
    public void Fragmented_WithNoFragments_IsAnEmptyFile()
    {
        var entry = MetaEntry.Fragmented(0, []);

        Assert.True(entry.IsComplete);
        Assert.Equal(0, entry.Size);
    }

    public static TheoryData<long, MetaFragment[]> IncompleteLists { get; } = new()
    {
        { 5, [new(0, 0, 4, "1,a", 0)] },
        { 3, [new(0, 0, 4, "1,a", 0)] },
        { 8, [new(0, 0, 4, "1,a", 0), new(2, 4, 4, "1,b", 0)] },
        { 8, [new(1, 0, 4, "1,a", 0), new(0, 4, 4, "1,b", 0)] },
        { 8, [new(0, 0, 4, "1,a", 0), new(1, 5, 3, "1,b", 0)] },
        { 8, [new(0, 0, 4, "1,a", 0), new(1, 3, 5, "1,b", 0)] },
        { 4, [new(1, 0, 4, "1,a", 0)] },
        { 1, [] },
    };

    [Theory]
    [MemberData(nameof(IncompleteLists))]
    public void Fragmented_RefusesAListWithGapsOverlapsOrAWrongSize(long size, MetaFragment[] fragments)
    {
        Assert.Throws<ArgumentException>(() => MetaEntry.Fragmented(size, fragments));
    }

    public static TheoryData<MetaFragment> InvalidFragments { get; } =
    [
        new MetaFragment(-1, 0, 4, "1,a", 0),
        new MetaFragment(0, -1, 4, "1,a", 0),
        new MetaFragment(0, 0, 0, "1,a", 0),
        new MetaFragment(0, 0, -4, "1,a", 0),
        new MetaFragment(0, long.MaxValue, 4, "1,a", 0),
        new MetaFragment(0, 0, 4, "", 0),
        new MetaFragment(0, 0, 4, "1, a", 0),
        new MetaFragment(0, 0, 4, "1,\u00e9", 0),
        new MetaFragment(0, 0, 4, new string('a', MetaLimits.MaxFileIdLength + 1), 0),
        default(MetaFragment),
    ];

    [Theory]
    [MemberData(nameof(InvalidFragments))]
    public void Fragmented_RefusesAnInvalidFragment(MetaFragment fragment)
    {
        Assert.Throws<ArgumentException>(() => MetaEntry.Fragmented(Math.Max(0, fragment.Length), [fragment]));
    }

    [Fact]
    public void Fragmented_RefusesANegativeSize()
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => MetaEntry.Fragmented(-1, []));
    }

    [Fact]
    public void Fragmented_CopiesTheList()
    {
        var fragments = new List<MetaFragment> { new(0, 0, 4, "1,a", 0) };
        var entry = MetaEntry.Fragmented(4, fragments);
        fragments[0] = new(0, 0, 4, "1,b", 0);

        Assert.Equal("1,a", entry.Fragments[0].FileId);
    }
}
