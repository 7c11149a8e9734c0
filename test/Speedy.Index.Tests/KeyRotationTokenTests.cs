using Speedy.Index.Keys;

namespace Speedy.Index.Tests;

/// <summary>Rotation seen from a registry: a token signed before, during and after a rotation always validates against the JWKS.</summary>
public sealed class KeyRotationTokenTests
{
    [Fact]
    public async Task TokensSignedAcrossARotation_AllValidateAgainstTheServedJwks()
    {
        await using var index = await TestIndex.StartAsync();
        await index.UserAsync("alice", "alice-password");
        var before = await index.ReadGrantAsync(await index.GetTokenAsync("alice", "alice-password"));

        var fresh = index.Keys.Rotate();
        var during = await index.ReadGrantAsync(await index.GetTokenAsync("alice", "alice-password"));
        index.Clock.Advance(index.Options.KeyPublishDelay + TimeSpan.FromSeconds(1));
        var after = await index.ReadGrantAsync(await index.GetTokenAsync("alice", "alice-password"));

        Assert.Equal(before.Token.Kid, during.Token.Kid);
        Assert.NotEqual(fresh.KeyId, during.Token.Kid);
        Assert.Equal(fresh.KeyId, after.Token.Kid);
        // The key of the tokens signed before the switch stays in the JWKS while they may be valid.
        var jwks = await index.Client.GetStringAsync(".well-known/jwks.json", TestContext.Current.CancellationToken);
        Assert.Contains(before.Token.Kid, jwks, StringComparison.Ordinal);

        index.Clock.Advance(SigningKeyRing.RetireAfter);
        index.Keys.Maintain();
        Assert.Equal([fresh.KeyId], index.Keys.PublishedKeys.Select(key => key.KeyId));
    }
}
