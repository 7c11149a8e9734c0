namespace Speedy.MetaServer.Tests;

public sealed class MetaPathTests
{
    [Theory]
    [InlineData("/a", "/", "a")]
    [InlineData("/a/b", "/a", "b")]
    [InlineData("/a/b/c", "/a/b", "c")]
    public void Split_GivesTheParentAndTheName(string path, string parent, string name)
    {
        Assert.Equal((parent, name), MetaPath.Split(path));
        Assert.Equal(parent, MetaPath.ParentOf(path));
        Assert.Equal(path, MetaPath.Join(parent, name));
    }

    [Fact]
    public void Ancestors_ListsTheDirectoriesBetweenTheRootAndThePath()
    {
        var (parents, names) = MetaPath.Ancestors("/a/b/c/d");

        Assert.Equal(["/", "/a", "/a/b"], parents);
        Assert.Equal(["a", "b", "c"], names);
        Assert.Empty(MetaPath.Ancestors("/a").Parents);
    }

    [Theory]
    [InlineData("/a/b", "/a/b/x", true)]
    [InlineData("/a/b", "/a/b/x/y", true)]
    [InlineData("/a/b", "/a/b", false)]
    [InlineData("/a/b", "/a/b-c", false)]
    [InlineData("/a/b", "/a/bc", false)]
    [InlineData("/a/b", "/a/b0", false)]
    [InlineData("/a/b", "/a/b.", false)]
    [InlineData("/a/b", "/a/a/z", false)]
    public void DescendantRange_HoldsExactlyTheDeeperDescendants(string directory, string parent, bool inside)
    {
        var low = MetaPath.DescendantsLow(directory);
        var high = MetaPath.DescendantsHigh(directory);

        var isInside = string.CompareOrdinal(parent, low) >= 0 && string.CompareOrdinal(parent, high) < 0;

        Assert.Equal(inside, isInside);
    }

    [Fact]
    public void Validate_RefusesLoneSurrogatesAndOverlongPaths()
    {
        Assert.Throws<ArgumentException>(() => MetaPath.Validate("/a\uD800", "path"));
        Assert.Throws<ArgumentException>(() => MetaPath.Validate("/a\uDC00b", "path"));
        Assert.Throws<ArgumentException>(() => MetaPath.Validate("/" + new string('a', MetaLimits.MaxPathBytes), "path"));
        MetaPath.Validate("/a\uD83D\uDE00", "path");
        MetaPath.Validate("/" + new string('a', MetaLimits.MaxPathBytes - 1), "path");
    }
}
