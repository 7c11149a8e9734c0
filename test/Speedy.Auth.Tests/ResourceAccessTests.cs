using System.Text.Json;

namespace Speedy.Auth.Tests;

/// <summary>The scope grammar: strict parsing, so that no crafted scope string widens what is asked or granted.</summary>
public sealed class ResourceAccessTests
{
    [Theory]
    [InlineData("repository:team/app:pull", "repository", "team/app", new[] { "pull" })]
    [InlineData("repository:app:push,pull", "repository", "app", new[] { "pull", "push" })]
    [InlineData("repository:a/b/c:pull,push,delete", "repository", "a/b/c", new[] { "delete", "pull", "push" })]
    [InlineData("repository:app:*", "repository", "app", new[] { "*" })]
    [InlineData("repository:app:pull,pull", "repository", "app", new[] { "pull" })]
    [InlineData("registry:catalog:*", "registry", "catalog", new[] { "*" })]
    public void Parse_ValidScope_ReadsTypeNameAndSortedActions(string scope, string type, string name, string[] actions)
    {
        var access = ResourceAccess.Parse(scope);
        Assert.NotNull(access);
        Assert.Equal(type, access.Type);
        Assert.Equal(name, access.Name);
        Assert.Equal(actions, access.Actions);
    }

    [Theory]
    [InlineData("")]
    [InlineData("repository")]
    [InlineData("repository:app")]
    [InlineData("repository:app:")]
    [InlineData("repository::pull")]
    [InlineData(":app:pull")]
    [InlineData("repository:app:pull,")]
    [InlineData("repository:app:,pull")]
    [InlineData("repository:app:pull,admin")]
    [InlineData("repository:app:PULL")]
    [InlineData("repository:App:pull")]
    [InlineData("repository:a/../b:pull")]
    [InlineData("repository:../b:pull")]
    [InlineData("repository:a/./b:pull")]
    [InlineData("repository:%2e%2e/b:pull")]
    [InlineData("repository:a%2fb:pull")]
    [InlineData("repository:/a:pull")]
    [InlineData("repository:a/:pull")]
    [InlineData("repository:a//b:pull")]
    [InlineData("repository:a:b:pull")]
    [InlineData("repository:localhost:5000/a:pull")]
    [InlineData("repository:a :pull")]
    [InlineData("repository:a:pull push")]
    [InlineData("registry:catalog:pull")]
    [InlineData("registry:catalog:push,*")]
    [InlineData("registry:other:*")]
    [InlineData("Repository:app:pull")]
    [InlineData("blob:app:pull")]
    public void Parse_CraftedOrMalformedScope_IsRefused(string scope) => Assert.Null(ResourceAccess.Parse(scope));

    [Fact]
    public void Parse_EveryTruncatedPrefixOfAValidScope_IsRefusedOrAtMostTheFullScope()
    {
        const string Scope = "repository:team/app:pull,push";
        for (var length = 0; length < Scope.Length; length++)
        {
            var access = ResourceAccess.Parse(Scope[..length]);
            if (access is not null)
            {
                // "repository:team/app:pull,pus" cannot parse (unknown action); only shorter action lists can.
                Assert.Equal("team/app", access.Name);
                Assert.Subset(new HashSet<string> { "pull", "push" }, access.Actions.ToHashSet());
            }
        }
    }

    [Fact]
    public void Parse_ScopeLongerThanTheLimit_IsRefused() =>
        Assert.Null(ResourceAccess.Parse("repository:" + new string('a', 1100) + ":pull"));

    [Fact]
    public void Allows_GrantedPullOnly_RefusesPushAndOtherRepositories()
    {
        var access = ResourceAccess.Parse("repository:a:pull")!;
        Assert.True(access.Allows(ResourceTypes.Repository, "a", ResourceActions.Pull));
        Assert.False(access.Allows(ResourceTypes.Repository, "a", ResourceActions.Push));
        Assert.False(access.Allows(ResourceTypes.Repository, "a/b", ResourceActions.Pull));
        Assert.False(access.Allows(ResourceTypes.Repository, "A", ResourceActions.Pull));
        Assert.False(access.Allows(ResourceTypes.Registry, "a", ResourceActions.Pull));
    }

    [Fact]
    public void Allows_Wildcard_GrantsEveryActionOnThatRepositoryOnly()
    {
        var access = ResourceAccess.Parse("repository:a:*")!;
        Assert.True(access.Allows(ResourceTypes.Repository, "a", ResourceActions.Delete));
        Assert.False(access.Allows(ResourceTypes.Repository, "b", ResourceActions.Pull));
    }

    [Fact]
    public void Intersect_AskedPullPushGrantedPull_KeepsOnlyPull()
    {
        var asked = ResourceAccess.Parse("repository:a:pull,push")!;
        Assert.Equal(["pull"], asked.Intersect(["pull"])!.Actions);
        Assert.Null(asked.Intersect(["delete"]));
        Assert.Equal(["pull", "push"], asked.Intersect(["*"])!.Actions);
    }

    [Fact]
    public void FromJson_ClaimRoundTrip_ReadsTheSameEntry()
    {
        var access = ResourceAccess.Parse("repository:team/app:pull,push")!;
        using var document = JsonDocument.Parse(JsonSerializer.Serialize(access.ToClaim()));
        Assert.Equal(access, ResourceAccess.FromJson(document.RootElement), ResourceAccessComparer.Instance);
    }

    [Theory]
    [InlineData("""{"type":"repository","name":"a/../b","actions":["pull"]}""")]
    [InlineData("""{"type":"repository","name":"a","actions":["pull","admin"]}""")]
    [InlineData("""{"type":"repository","name":"a","actions":[]}""")]
    [InlineData("""{"type":"repository","name":"a","actions":"pull"}""")]
    [InlineData("""{"type":"repository","name":"a","actions":[1]}""")]
    [InlineData("""{"type":"repository","actions":["pull"]}""")]
    [InlineData("""{"type":"registry","name":"catalog","actions":["pull"]}""")]
    [InlineData("""["repository","a","pull"]""")]
    [InlineData("\"repository:a:pull\"")]
    public void FromJson_InvalidEntry_IsRefused(string json)
    {
        using var document = JsonDocument.Parse(json);
        Assert.Null(ResourceAccess.FromJson(document.RootElement));
    }

    /// <summary>Records compare their list by reference; entries are equal when type, name and actions are.</summary>
    private sealed class ResourceAccessComparer : IEqualityComparer<ResourceAccess?>
    {
        public static readonly ResourceAccessComparer Instance = new();

        public bool Equals(ResourceAccess? x, ResourceAccess? y) =>
            x is not null && y is not null && x.Type == y.Type && x.Name == y.Name && x.Actions.SequenceEqual(y.Actions);

        public int GetHashCode(ResourceAccess? obj) => obj?.Name.GetHashCode(StringComparison.Ordinal) ?? 0;
    }
}
