using System.Security.Cryptography;
using System.Text;
using Microsoft.IdentityModel.Tokens;
using Speedy.Index.Keys;
using Speedy.Testing;

namespace Speedy.Index.Tests;

/// <summary>The signing key ring: files, thumbprints, and rotation without downtime on a clock the tests move.</summary>
public sealed class KeyRingTests : IDisposable
{
    private static readonly SigningKeyRingOptions s_options = new() { RotationInterval = TimeSpan.FromDays(30), PublishDelay = TimeSpan.FromHours(1) };

    private readonly TempDirectory _directory = new();
    private readonly ManualTimeProvider _clock = new(new DateTimeOffset(2025, 6, 1, 12, 0, 0, TimeSpan.Zero));

    private string Keys => _directory.Combine("keys");

    public void Dispose() => _directory.Dispose();

    /// <summary>RFC 7638: SHA-256 of the required members in lexicographic order, without spaces, base64url.</summary>
    internal static string Thumbprint(string x, string y) =>
        Base64UrlEncoder.Encode(SHA256.HashData(Encoding.UTF8.GetBytes($"{{\"crv\":\"P-256\",\"kty\":\"EC\",\"x\":\"{x}\",\"y\":\"{y}\"}}")));

    [Fact]
    public void Open_OnAnEmptyDirectory_MakesAKeyThatSignsAtOnce_InAPrivateFile()
    {
        using var ring = SigningKeyRing.Open(Keys, s_options, _clock);

        var key = Assert.Single(ring.PublishedKeys);
        Assert.Same(key, ring.Current);
        Assert.Equal(Thumbprint(key.PublicJwk.X, key.PublicJwk.Y), key.KeyId);
        if (!OperatingSystem.IsWindows())
        {
            Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(key.Path));
            Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute, File.GetUnixFileMode(Keys));
        }

        Assert.Single(Directory.GetFiles(Keys));
    }

    [Fact]
    public void Reopen_LoadsTheSameKeys()
    {
        string kid;
        using (var ring = SigningKeyRing.Open(Keys, s_options, _clock))
        {
            kid = ring.Current.KeyId;
        }

        using var reopened = SigningKeyRing.Open(Keys, s_options, _clock);
        Assert.Equal(kid, reopened.Current.KeyId);
        Assert.Single(reopened.PublishedKeys);
    }

    [Fact]
    public void Rotate_PublishesTheNewKeyFirst_SignsWithItAfterTheDelay_AndRetiresTheOldOneAfterItsTokensExpire()
    {
        using var ring = SigningKeyRing.Open(Keys, s_options, _clock);
        var old = ring.Current;
        _clock.Advance(TimeSpan.FromDays(1));

        var fresh = ring.Rotate();

        Assert.Equal([old.KeyId, fresh.KeyId], ring.PublishedKeys.Select(key => key.KeyId));
        Assert.Same(old, ring.Current);
        _clock.Advance(TimeSpan.FromMinutes(59));
        ring.Maintain();
        Assert.Same(old, ring.Current);

        _clock.Advance(TimeSpan.FromMinutes(1));
        ring.Maintain();
        Assert.Same(fresh, ring.Current);
        Assert.Equal(2, ring.PublishedKeys.Count);

        _clock.Advance(SigningKeyRing.RetireAfter - TimeSpan.FromSeconds(1));
        ring.Maintain();
        Assert.Equal(2, ring.PublishedKeys.Count);
        Assert.True(File.Exists(old.Path));

        _clock.Advance(TimeSpan.FromSeconds(1));
        ring.Maintain();
        Assert.Equal([fresh.KeyId], ring.PublishedKeys.Select(key => key.KeyId));
        Assert.False(File.Exists(old.Path));
    }

    [Fact]
    public void Maintain_MakesANewKeyWhenTheNewestIsTooOld()
    {
        using var ring = SigningKeyRing.Open(Keys, s_options, _clock);
        var first = ring.Current;

        _clock.Advance(TimeSpan.FromDays(30));
        ring.Maintain();

        Assert.Equal(2, ring.PublishedKeys.Count);
        Assert.Same(first, ring.Current);
        _clock.Advance(TimeSpan.FromHours(1));
        Assert.NotSame(first, ring.Current);
    }

    [Fact]
    public async Task AKeyMadeByAnotherProcess_IsPublishedByTheRunningRingOnItsNextMaintenance()
    {
        using var ring = SigningKeyRing.Open(Keys, s_options, _clock);
        var first = ring.Current.KeyId;
        _clock.Advance(TimeSpan.FromMinutes(1));

        var made = SigningKeyRing.CreateKeyFile(Keys, _clock);
        Assert.Single(ring.PublishedKeys);
        ring.Maintain();

        Assert.Equal([first, made], ring.PublishedKeys.Select(key => key.KeyId));
        Assert.Equal(first, ring.Current.KeyId);
        var found = Assert.Single(await ring.GetKeysAsync(made, TestContext.Current.CancellationToken));
        Assert.Equal(made, found.KeyId);
        Assert.Equal(2, (await ring.GetKeysAsync(null, TestContext.Current.CancellationToken)).Count);
        Assert.Empty(await ring.GetKeysAsync("unknown", TestContext.Current.CancellationToken));
    }

    [Fact]
    public void CreateKeyFile_OnAnEmptyDirectory_MakesTwoDistinctKeys()
    {
        var made = SigningKeyRing.CreateKeyFile(Keys, _clock);

        using var ring = SigningKeyRing.Open(Keys, s_options, _clock);
        Assert.Equal(2, ring.PublishedKeys.Count);
        Assert.Equal(made, ring.PublishedKeys[1].KeyId);
    }

    [Fact]
    public void Open_RefusesAKeyFileThatIsNotAKey()
    {
        Directory.CreateDirectory(Keys);
        File.WriteAllText(Path.Combine(Keys, "es256-20250101T000000000Z.pem"), "not a key");

        Assert.Throws<InvalidDataException>(() => SigningKeyRing.Open(Keys, s_options, _clock));
    }
}
