namespace Speedy.Registry.Core.Tests;

public sealed class RepositoryNameTests
{
    public static TheoryData<string> ValidNames() => new(
        "a",
        "0",
        "a/b",
        "foo-bar",
        "foo--bar",
        "foo---bar",
        "foo_bar",
        "foo__bar",
        "foo.bar/baz_qux",
        "library/ubuntu",
        "a0/b1/c2/d3",
        "my-org/my.team/my__app-2",
        new string('a', RepositoryName.MaxLength),
        string.Join('/', Enumerable.Repeat("ab", 85)));

    public static TheoryData<string> InvalidNames() => new(
        "",
        "A",
        "Foo/bar",
        "foo/Bar",
        "-a",
        "a-",
        "_a",
        "a_",
        ".a",
        "a.",
        "a//b",
        "a/",
        "/a",
        "/",
        "a___b",
        "a..b",
        "a._b",
        "a-_b",
        "a_-b",
        "a.-b",
        "a/../b",
        "..",
        ".",
        "a/./b",
        "a b",
        "a\tb",
        "a:b",
        "a@b",
        "\u00e9",
        "a\u0661",
        new string('a', RepositoryName.MaxLength + 1),
        string.Join('/', Enumerable.Repeat("ab", 86)));

    public static TheoryData<string> ValidTags() => new(
        "latest",
        "_x",
        "0",
        "X",
        "v1.0-rc_1",
        "V1.0.0--beta..2__",
        "a.",
        "a-",
        new string('t', RepositoryName.MaxTagLength),
        "_" + new string('-', RepositoryName.MaxTagLength - 1));

    public static TheoryData<string> InvalidTags() => new(
        "",
        ".x",
        "-x",
        new string('t', RepositoryName.MaxTagLength + 1),
        "a/b",
        "a:b",
        "a@b",
        "a b",
        "a+b",
        "\u00e9",
        "a\u0661");

    public static TheoryData<string> PrefixSources() => new("foo.bar/baz_qux", "foo--bar/a__b/c.d-e", "a0/b1");

    [Theory]
    [MemberData(nameof(ValidNames))]
    public void IsValid_NameInGrammar_ReturnsTrue(string name)
    {
        Assert.True(RepositoryName.IsValid(name));
    }

    [Theory]
    [MemberData(nameof(InvalidNames))]
    public void IsValid_NameOutsideGrammar_ReturnsFalse(string name)
    {
        Assert.False(RepositoryName.IsValid(name));
    }

    [Theory]
    [MemberData(nameof(PrefixSources))]
    public void IsValid_EveryPrefixOfAValidName_IsValidExactlyWhenItEndsInALetterOrDigit(string name)
    {
        for (var length = 0; length <= name.Length; length++)
        {
            var prefix = name[..length];
            var endsInAlphanumeric = length > 0 && (char.IsAsciiDigit(prefix[^1]) || char.IsAsciiLetterLower(prefix[^1]));
            Assert.True(endsInAlphanumeric == RepositoryName.IsValid(prefix), $"prefix \"{prefix}\"");
        }
    }

    [Theory]
    [InlineData("a", true)]
    [InlineData("foo--bar", true)]
    [InlineData("a/b", false)]
    [InlineData("", false)]
    [InlineData("a__", false)]
    public void IsValidComponent_ChecksOneComponent(string component, bool expected)
    {
        Assert.Equal(expected, RepositoryName.IsValidComponent(component));
    }

    [Theory]
    [MemberData(nameof(ValidTags))]
    public void IsValidTag_TagInGrammar_ReturnsTrue(string tag)
    {
        Assert.True(RepositoryName.IsValidTag(tag));
    }

    [Theory]
    [MemberData(nameof(InvalidTags))]
    public void IsValidTag_TagOutsideGrammar_ReturnsFalse(string tag)
    {
        Assert.False(RepositoryName.IsValidTag(tag));
    }

    [Theory]
    [MemberData(nameof(ValidTags))]
    public void IsValidTag_EveryNonEmptyPrefixOfAValidTag_ReturnsTrue(string tag)
    {
        for (var length = 1; length <= tag.Length; length++)
        {
            Assert.True(RepositoryName.IsValidTag(tag.AsSpan(0, length)), $"prefix \"{tag[..length]}\"");
        }

        Assert.False(RepositoryName.IsValidTag(string.Empty));
    }
}
